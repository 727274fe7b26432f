/**
 * Starts a worker thread from a module next to the caller's. Compiled (`dist/`), the module is the `.js` file;
 * run from the TypeScript sources (tests, `npm run dev`), the thread registers tsx first, which compiles its
 * modules as they load.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** `name` (without extension) next to the module at `from` (its `import.meta.url`). */
export function startWorker(from: string, name: string, workerData: unknown): Worker {
  const extension = path.extname(fileURLToPath(from));
  const entry = new URL(`./${name}${extension}`, from);
  if (extension !== '.ts') return new Worker(entry, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
