/**
 * The gateway's throughput cost of throttling, for `npm run bench -- throttle`: autocannon through gateway 1
 * (the `all` node) with the same connections, alternating a subscription on the Unlimited tier (nothing is
 * counted) and one on a tier with a limit that is counted but never reached (10,000,000 per minute: each
 * request is counted, the counts go to the traffic managers every 10 ms). Rounds alternate the order; a
 * window during which other processes used a quarter of a core or more is measured again (3 tries, the
 * quietest kept); figures are the median over rounds of those, and the fastest window of all (other work
 * only slows a window down, so the fastest is the least disturbed).
 */
import { measure, type LoadResult, type Request } from '../lib/load.js';
import { waitForQuiet, type BenchProcess } from '../lib/server.js';
import type { BenchContext } from '../run.js';

export interface ThroughputRow {
  label: string;
  /** Per round, its quietest window. */
  results: LoadResult[];
  /** Every window measured, noisy ones too: the fastest is the least disturbed by other work. */
  windows: LoadResult[];
}

export interface Watched {
  label: string;
  pid: number;
}

/** Other processes using this much of a core during a window make it noisy: it is measured again. */
const NOISY_PERCENT = 25;
const TRIES = 3;

/** One row's window, measured again (at most TRIES times) while others used the CPU; the quietest kept. */
async function quietMeasure(
  context: BenchContext,
  gateway1: BenchProcess,
  row: { label: string; request: Request },
  watch: Watched[],
  windows: LoadResult[],
): Promise<LoadResult> {
  let best: LoadResult | undefined;
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    await waitForQuiet(20);
    const result = await measure(`throughput: ${row.label}`, gateway1, row.request, context, { watch });
    windows.push(result);
    const other = result.otherCpuPercent ?? 0;
    context.log(
      `throttle:   ${Math.round(result.requestsPerSec)} req/s, other CPU ${other.toFixed(0)} %` +
        (other >= NOISY_PERCENT && attempt < TRIES ? ' (noisy: again)' : ''),
    );
    if (!best || other < (best.otherCpuPercent ?? 0)) best = result;
    if (other < NOISY_PERCENT) break;
  }
  return best as LoadResult;
}

export async function measureThroughput(
  context: BenchContext,
  gateway1: BenchProcess,
  rows: { label: string; request: Request }[],
  rounds: number,
  watch: Watched[],
): Promise<ThroughputRow[]> {
  const out: ThroughputRow[] = rows.map((r) => ({ label: r.label, results: [], windows: [] }));
  for (let round = 0; round < rounds; round++) {
    // Round 1: A then B; round 2: B then A…
    const order = round % 2 === 0 ? rows.map((_, i) => i) : rows.map((_, i) => rows.length - 1 - i);
    for (const i of order) {
      const row = rows[i] as (typeof rows)[number];
      context.log(`throttle: throughput round ${round + 1}/${rounds}: ${row.label}…`);
      const target = out[i] as ThroughputRow;
      target.results.push(await quietMeasure(context, gateway1, row, watch, target.windows));
    }
  }
  return out;
}
