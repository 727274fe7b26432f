/**
 * `npm run bench` runs every registered benchmark; `npm run bench -- tokens` runs the named ones.
 * Each benchmark is a module with a `title` and a `run(context)` that returns its Markdown section; the
 * section replaces that benchmark's previous one in bench/RESULTS.md, the others are kept.
 *
 * Environment: BENCH_DURATION (measured seconds per scenario, default 10), BENCH_WARMUP (seconds, default 2),
 * BENCH_CONNECTIONS (default 32), BENCH_SERVER=tsx (run the server from sources instead of compiling it).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadSettings } from './lib/load.js';
import {
  composeResults,
  header,
  machine,
  readSections,
  stamp,
  wrapSection,
  type Machine,
} from './lib/report.js';
import { cleanUp } from './lib/server.js';

export interface BenchContext extends LoadSettings {
  machine: Machine;
  log(message: string): void;
}

export interface Benchmark {
  title: string;
  run(context: BenchContext): Promise<string>;
}

/** name → module; add new benchmarks here. */
const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  tokens: () => import('./tokens.js'),
  gateway: () => import('./gateway.js'),
  throttle: () => import('./throttle.js'),
};

const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');

function positiveNumber(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${variable} must be a positive number, not "${raw}"`);
  return value;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) {
    console.log(`usage: npm run bench [-- <name>…]   (benchmarks: ${Object.keys(BENCHMARKS).join(', ')})`);
    return 0;
  }
  const unknown = args.filter((a) => !(a in BENCHMARKS));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    return 2;
  }
  const names = args.length > 0 ? [...new Set(args)] : Object.keys(BENCHMARKS);
  const m = machine();
  const context: BenchContext = {
    durationSec: positiveNumber('BENCH_DURATION', 10),
    warmupSec: positiveNumber('BENCH_WARMUP', 2),
    connections: Math.round(positiveNumber('BENCH_CONNECTIONS', 32)),
    pipelining: 1,
    machine: m,
    log: (message) => console.error(`[bench] ${message}`),
  };

  let failed = 0;
  for (const name of names) {
    const started = Date.now();
    context.log(`${name}: starting`);
    try {
      const benchmark = await (BENCHMARKS[name] as () => Promise<Benchmark>)();
      const body = await benchmark.run(context);
      const section = wrapSection(name, `## ${name}: ${benchmark.title}\n\n_${stamp(m)}_\n\n${body.trim()}`);
      const sections = readSections(existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '');
      sections.set(name, section);
      writeFileSync(RESULTS, composeResults(header(m), sections, Object.keys(BENCHMARKS)));
      context.log(`${name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote ${RESULTS}`);
      console.log(`\n${body.trim()}\n`);
    } catch (err) {
      failed++;
      console.error(`\n[bench] ${name} FAILED; its section of RESULTS.md was left as it was.\n`);
      console.error(err);
    }
  }
  return failed > 0 ? 1 : 0;
}

process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n[bench] ${signal}: stopping`);
    process.exit(130);
  });
}

process.exitCode = await main().finally(cleanUp);
