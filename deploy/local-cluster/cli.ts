/** `npm run cluster:up` / `npm run cluster:down`. */
import { down, up } from './cluster.js';

const command = process.argv[2];
try {
  if (command === 'up') {
    const cluster = await up();
    console.log(JSON.stringify(cluster, (key, value: unknown) => (key === 'password' ? '***' : value), 2));
  } else if (command === 'down') {
    await down();
  } else {
    console.error('usage: cluster.ts up|down');
    process.exitCode = 2;
  }
} catch (err) {
  console.error(`cluster: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
