/**
 * Row (6) of `npm run bench -- gateway`: fast-gateway 5 (from bench/peers, with fast-proxy-lite 1.1.2 by an
 * npm override) in its own process: one route, /bench/* to the backend with the prefix removed, no
 * middleware (so no authentication).
 *
 * Usage: node --import tsx bench/gateway/fast-gateway.ts <port> <backend origin>.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { PEERS_DIR } from './peers.js';

const [port, origin] = process.argv.slice(2);
if (!Number(port) || !origin) throw new Error('usage: fast-gateway.ts <port> <backend origin>');

interface FastGateway {
  start(port: number, host?: string): Promise<unknown>;
  close(): Promise<unknown>;
}
const require = createRequire(path.join(PEERS_DIR, 'package.json'));
const gateway = require('fast-gateway') as (options: {
  routes: { prefix: string; target: string }[];
}) => FastGateway;

const server = gateway({ routes: [{ prefix: '/bench', target: origin }] });
await server.start(Number(port), '127.0.0.1');
console.log(`listening ${port}`);

process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
