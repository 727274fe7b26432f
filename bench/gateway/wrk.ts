/**
 * The same scenarios with wrk, when the machine has it (`which wrk`): a second load generator written in C,
 * so that the comparison does not rest on autocannon alone. One thread (like autocannon's one event loop),
 * the same connections and duration; latency percentiles from `--latency`. Also paced (a Lua `delay()`
 * between each connection's requests), for latency at half load with requests spread over time.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Request } from '../lib/load.js';

export interface WrkResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx/3xx responses and socket errors: any of them fails the run. */
  problems: string[];
}

export function findWrk(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function wrkVersion(binary: string): string {
  try {
    execFileSync(binary, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // wrk -v prints its version and exits 1.
    const out = `${(err as { stdout?: string }).stdout ?? ''}`.split('\n')[0]?.trim();
    if (out) return out;
  }
  return 'wrk';
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function duration(value: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!match) throw new Error(`cannot read the wrk duration "${value}"`);
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

/** Reads wrk's report (with --latency). */
export function parseWrk(output: string): WrkResult {
  const rate = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  const p50 = /^\s+50%\s+(\S+)/m.exec(output);
  const p99 = /^\s+99%\s+(\S+)/m.exec(output);
  const total = /^\s+(\d+) requests in/m.exec(output);
  if (!rate || !p50 || !p99 || !total) throw new Error(`cannot read wrk's output:\n${output}`);
  const problems: string[] = [];
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  if (non2xx) problems.push(`${non2xx[1]} non-2xx/3xx responses`);
  const socket = /Socket errors:\s+(.*)/.exec(output);
  if (socket) problems.push(`socket errors: ${socket[1]}`);
  return {
    requestsPerSec: Number(rate[1]),
    p50Ms: duration(p50[1] as string),
    p99Ms: duration(p99[1] as string),
    requests: Number(total[1]),
    problems,
  };
}

/**
 * Each connection's pause before its next request, in whole milliseconds (wrk's `delay()`), drawn evenly
 * from [min, max]: requests spread over time instead of back to back.
 */
export interface Pace {
  minMs: number;
  maxMs: number;
}

/**
 * The pause that brings `connections` closed-loop connections to about `rate` requests/s: each connection's
 * cycle is connections / rate seconds, its request and response included (`latencyMs`, a guess).
 */
export function paceFor(rate: number, connections: number, latencyMs: number): Pace {
  const mean = Math.max(1, Math.round((1000 * connections) / rate - latencyMs));
  const spread = Math.min(mean, 2);
  return { minMs: mean - spread, maxMs: mean + spread };
}

/** A Lua script for wrk's `-s`: its `delay()` answers a random pause in [min, max] ms. */
function paceScript(pace: Pace): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portcullis-bench-wrk-'));
  const file = path.join(dir, 'pace.lua');
  writeFileSync(
    file,
    `math.randomseed(os.time())\nfunction delay()\n  return math.random(${pace.minMs}, ${pace.maxMs})\nend\n`,
  );
  return file;
}

/**
 * One wrk window: `warmupSec` of load discarded, then `durationSec` measured. A non-2xx/3xx response or a
 * socket error fails the benchmark, named by `label`.
 */
export async function wrkWindow(
  binary: string,
  label: string,
  request: Request,
  connections: number,
  seconds: { warmupSec: number; durationSec: number },
  pace?: Pace,
): Promise<WrkResult> {
  await runWrk(binary, request, connections, seconds.warmupSec, pace);
  const result = await runWrk(binary, request, connections, seconds.durationSec, pace);
  if (result.problems.length > 0) throw new Error(`wrk ${label}: ${result.problems.join('; ')}`);
  return result;
}

function runWrk(
  binary: string,
  request: Request,
  connections: number,
  durationSec: number,
  pace?: Pace,
): Promise<WrkResult> {
  const headers = Object.entries(request.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const script = pace ? paceScript(pace) : undefined;
  const args = [
    '-t1',
    `-c${connections}`,
    `-d${durationSec}s`,
    '--latency',
    ...(script ? ['-s', script] : []),
    ...headers,
    request.url,
  ];
  return new Promise<WrkResult>((resolve, reject) => {
    execFile(binary, args, { timeout: (durationSec + 30) * 1000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`wrk failed: ${err.message}\n${stdout}${stderr}`));
      try {
        resolve(parseWrk(stdout));
      } catch (parseError) {
        reject(parseError as Error);
      }
    });
  }).finally(() => {
    if (script) rmSync(path.dirname(script), { recursive: true, force: true });
  });
}
