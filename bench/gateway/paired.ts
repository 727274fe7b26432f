/**
 * The targets for Portcullis, measured in pairs: the minimal proxy (2), Portcullis (3), (4) and Express
 * Gateway (5) in turn, in short windows, cycle after cycle (each cycle in an order rotated by one), so that
 * each pair compared ran within seconds of each other. On a shared
 * virtual machine the speed of the CPUs moves by tens of percent from one minute (or second) to the next: rows
 * measured minutes apart, as in the rounds, compare the machine's moments as much as the rows.
 */
import { measure, type LoadResult, type MeasureOptions, type Request, type Target } from '../lib/load.js';
import { fixed2, integer, median, ratio, signed2, spread, table } from '../lib/report.js';
import type { BenchContext } from '../run.js';
import { paceFor, wrkWindow, type Pace, type WrkResult } from './wrk.js';

/** Measured seconds of each full-load window, and of each paced one (a p99 needs more requests). */
export const PAIRED_FULL_SEC = 3;
export const PAIRED_PACED_SEC = 5;
/** Seconds of load before each window, discarded. */
export const PAIRED_WARMUP_SEC = 2;

export interface PairedRow {
  id: number;
  process: Target;
  request: Request;
  options: MeasureOptions;
  /** Also measured at paced half load (the p99 target's rows). */
  paced: boolean;
}

export interface Paired {
  cycles: number;
  full: Map<number, LoadResult[]>;
  /** Paced half load with wrk (empty without wrk). */
  paced: Map<number, WrkResult[]>;
  pace: (Pace & { rate: number }) | undefined;
}

export interface PairedOptions {
  context: BenchContext;
  /** (2) first: every other row is compared with it. */
  rows: PairedRow[];
  cycles: number;
  /** Waits until the machine is idle, before each window. */
  settle: () => Promise<void>;
  /** wrk and the half-load rate, for the paced windows; undefined: full load only. */
  paced: { wrk: string; rate: number; latencyMs: number } | undefined;
}

/**
 * The rows in the order of this cycle: each cycle starts one row further on. A window right after another
 * process's differs from the next ones (wrk drops its connections at a window's end, and the process that
 * takes the load next may deoptimize some of Node's stream functions and run slower for a while), so no row
 * is always first, or always right after (2).
 */
export function rotated<T>(rows: T[], by: number): T[] {
  const k = rows.length === 0 ? 0 : by % rows.length;
  return [...rows.slice(k), ...rows.slice(0, k)];
}

export async function measurePaired(options: PairedOptions): Promise<Paired> {
  const { context, rows, cycles, settle } = options;
  const paired: Paired = {
    cycles,
    full: new Map(rows.map((row) => [row.id, []])),
    paced: new Map(),
    pace: options.paced && {
      rate: options.paced.rate,
      ...paceFor(options.paced.rate, context.connections, options.paced.latencyMs),
    },
  };
  const settings = { ...context, durationSec: PAIRED_FULL_SEC, warmupSec: PAIRED_WARMUP_SEC };
  for (let cycle = 1; cycle <= cycles; cycle++) {
    for (const row of rotated(rows, cycle - 1)) {
      await settle();
      const result = await measure(
        `(${row.id}) paired cycle ${cycle}`,
        row.process,
        row.request,
        settings,
        row.options,
      );
      paired.full.get(row.id)?.push(result);
    }
    const wrk = options.paced?.wrk;
    if (!wrk || !paired.pace) continue;
    for (const row of rotated(
      rows.filter((r) => r.paced),
      cycle - 1,
    )) {
      await settle();
      const result = await wrkWindow(
        wrk,
        `paced, paired (${row.id})`,
        row.request,
        context.connections,
        { warmupSec: PAIRED_WARMUP_SEC, durationSec: PAIRED_PACED_SEC },
        paired.pace,
      );
      paired.paced.set(row.id, [...(paired.paced.get(row.id) ?? []), result]);
    }
    context.log(
      `gateway: paired cycle ${cycle}/${cycles}: ` +
        rows
          .map((row) => {
            const full = paired.full.get(row.id)?.at(-1);
            const paced = paired.paced.get(row.id)?.at(-1);
            return `(${row.id}) ${integer(full?.requestsPerSec ?? NaN)} req/s, paced p99 ${fixed2(paced?.p99Ms ?? NaN)} ms`;
          })
          .join('; '),
    );
  }
  return paired;
}

/** Each cycle's requests/s of the row over those of row `base` ((2) unless said). */
export function throughputRatios(paired: Paired, id: number, base = 2): number[] {
  const of = paired.full.get(base) ?? [];
  return (paired.full.get(id) ?? []).map((r, i) => r.requestsPerSec / (of[i]?.requestsPerSec ?? NaN));
}

/** Each cycle's paced p99 of the row minus (2)'s, in ms. */
export function p99Differences(paired: Paired, id: number): number[] {
  const base = paired.paced.get(2) ?? [];
  return (paired.paced.get(id) ?? []).map((r, i) => r.p99Ms - (base[i]?.p99Ms ?? NaN));
}

/** The table of the paired windows; `labels` names the rows. */
export function pairedTable(paired: Paired, labels: Map<number, string>): string {
  const ids = [...paired.full.keys()];
  const withPaced = paired.paced.size > 0;
  return table(
    [
      'Row',
      'Requests/s',
      '× (2), median of the cycles',
      'Range',
      ...(withPaced ? ['Paced p99 ms', 'p99 − (2)’s of the cycle, ms', 'Range'] : []),
    ],
    ids.map((id) => {
      const full = paired.full.get(id) ?? [];
      const paced = paired.paced.get(id) ?? [];
      const base = id === 2;
      return [
        labels.get(id) ?? `(${id})`,
        integer(median(full.map((r) => r.requestsPerSec))),
        base ? '1.00×' : ratio(median(throughputRatios(paired, id))),
        base ? '–' : spread(throughputRatios(paired, id), ratio),
        ...(withPaced && paced.length > 0
          ? [
              fixed2(median(paced.map((r) => r.p99Ms))),
              base ? '–' : signed2(median(p99Differences(paired, id))),
              base ? '–' : spread(p99Differences(paired, id), signed2),
            ]
          : withPaced
            ? ['–', '–', '–']
            : []),
      ];
    }),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
}
