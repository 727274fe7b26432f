/**
 * Latencies as counts in fixed, log-spaced buckets from 0.1 ms to 60 s (each bucket about 23 % wider than
 * the one before), so that the histograms of any minutes, APIs or applications merge by adding counts and
 * percentiles over any range come from the merged counts, never from averaging percentiles.
 *
 * The smallest and largest latency are kept too: interpolating inside the first and last buckets between
 * them instead of the buckets' bounds makes the extreme percentiles exact enough to trust.
 *
 * The layout is part of the stored data (analytics_minutes.latency_histogram): changing it needs a migration.
 */

const LOWEST_MS = 0.1;
const HIGHEST_MS = 60_000;
/** Log-spaced steps between LOWEST_MS and HIGHEST_MS. */
const STEPS = 64;
const RATIO = (HIGHEST_MS / LOWEST_MS) ** (1 / STEPS);
const LOG_RATIO = Math.log(RATIO);

/**
 * Bucket i holds [LOWER[i], LOWER[i + 1]): bucket 0 is under 0.1 ms, bucket STEPS + 1 is 60 s and over.
 */
const LOWER = [
  0,
  ...Array.from({ length: STEPS + 1 }, (_, i) => (i === STEPS ? HIGHEST_MS : LOWEST_MS * RATIO ** i)),
];
export const BUCKETS = LOWER.length;

/** The bucket of a latency in milliseconds. */
export function bucketOf(ms: number): number {
  if (!(ms >= LOWEST_MS)) return 0;
  let index = Math.min(Math.floor(Math.log(ms / LOWEST_MS) / LOG_RATIO) + 1, BUCKETS - 1);
  // The logarithm may land one off right at a bound.
  if (ms < LOWER[index]!) index--;
  else if (index < BUCKETS - 1 && ms >= LOWER[index + 1]!) index++;
  return index;
}

/** Stored as `{"min": ms, "max": ms, "<bucket>": count, …}`, only the buckets that are not empty. */
export type SparseCounts = Record<string, number>;

export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKETS);
  #total = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;

  get total(): number {
    return this.#total;
  }

  add(ms: number, count = 1): void {
    this.#counts[bucketOf(ms)]! += count;
    this.#total += count;
    const value = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.#min = Math.min(this.#min, value);
    this.#max = Math.max(this.#max, value);
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.#counts[i]! += other.#counts[i]!;
    this.#total += other.#total;
    this.#min = Math.min(this.#min, other.#min);
    this.#max = Math.max(this.#max, other.#max);
  }

  /**
   * The latency under which a `quantile` (0–1) of the requests fall, interpolated linearly inside its
   * bucket (between the smallest and largest latency seen, where they are inside it); null without requests.
   */
  percentile(quantile: number): number | null {
    if (this.#total === 0) return null;
    const rank = Math.min(Math.max(quantile, 0), 1) * this.#total;
    let below = 0;
    for (let i = 0; i < BUCKETS; i++) {
      const count = this.#counts[i]!;
      if (count === 0) continue;
      if (below + count >= rank) {
        const lower = Math.max(LOWER[i]!, Math.min(this.#min, this.#max));
        const upper = Math.max(lower, Math.min(LOWER[i + 1] ?? this.#max, this.#max));
        return lower + ((rank - below) / count) * (upper - lower);
      }
      below += count;
    }
    return this.#max;
  }

  toJSON(): SparseCounts {
    const sparse: SparseCounts = this.#total > 0 ? { min: this.#min, max: this.#max } : {};
    for (let i = 0; i < BUCKETS; i++) if (this.#counts[i]! > 0) sparse[i] = this.#counts[i]!;
    return sparse;
  }

  /** From stored counts; buckets that do not exist and counts that are not positive are ignored. */
  static fromJSON(sparse: SparseCounts): LatencyHistogram {
    const histogram = new LatencyHistogram();
    const { min, max } = sparse;
    for (const [key, count] of Object.entries(sparse)) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= BUCKETS) continue;
      if (typeof count !== 'number' || !(count > 0)) continue;
      histogram.#counts[index]! += count;
      histogram.#total += count;
      histogram.#min = Math.min(histogram.#min, LOWER[index]!);
      histogram.#max = Math.max(histogram.#max, LOWER[index + 1] ?? Number.POSITIVE_INFINITY);
    }
    // The stored extremes when they fit the buckets, else the buckets' bounds.
    if (typeof min === 'number' && min >= histogram.#min) histogram.#min = min;
    if (typeof max === 'number' && max <= histogram.#max) histogram.#max = max;
    else histogram.#max = Math.min(histogram.#max, HIGHEST_MS);
    return histogram;
  }

  static parse(json: string): LatencyHistogram {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null
      ? LatencyHistogram.fromJSON(value as SparseCounts)
      : new LatencyHistogram();
  }
}
