import { describe, expect, it } from 'vitest';
import { BUCKETS, LatencyHistogram, bucketOf } from '../../src/analytics/latency-histogram.js';

/** Relative error allowed: a bucket is about 23 % wide; interpolating inside it does far better. */
const within = (actual: number | null, expected: number, tolerance = 0.02) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected) / expected).toBeLessThan(tolerance);
};

function uniform(from: number, to: number, step = 1): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (let ms = from; ms <= to; ms += step) histogram.add(ms);
  return histogram;
}

describe('LatencyHistogram', () => {
  it('puts latencies in log-spaced buckets from 0.1 ms to 60 s, with one under and one over', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.05)).toBe(0);
    expect(bucketOf(Number.NaN)).toBe(0);
    expect(bucketOf(0.1)).toBe(1);
    expect(bucketOf(60_000)).toBe(BUCKETS - 1);
    expect(bucketOf(3_600_000)).toBe(BUCKETS - 1);
    const indices = [0.2, 1, 10, 100, 1000, 10_000].map(bucketOf);
    expect(indices).toEqual([...indices].sort((a, b) => a - b));
    expect(new Set(indices).size).toBe(indices.length);
  });

  it('finds the percentiles of 1..1000 ms within the resolution of a bucket', () => {
    const histogram = uniform(1, 1000);
    expect(histogram.total).toBe(1000);
    within(histogram.percentile(0.5), 500);
    within(histogram.percentile(0.95), 950);
    within(histogram.percentile(0.99), 990);
  });

  it('has no percentiles without requests', () => {
    expect(new LatencyHistogram().percentile(0.5)).toBeNull();
  });

  it('merges by adding counts, so percentiles over merged histograms are those of all the requests', () => {
    const fast = uniform(1, 100);
    const slow = uniform(901, 1000);
    const merged = new LatencyHistogram();
    merged.merge(fast);
    merged.merge(slow);
    expect(merged.total).toBe(200);
    // Half of the requests are fast: the median lies between the two groups, p99 in the slow one.
    expect(merged.percentile(0.25)).toBeLessThan(110);
    within(merged.percentile(0.99), 990);
    // Averaging the two p99s would say about 545 ms: merging says what the slowest 1 % saw.
    expect(merged.percentile(0.99)).toBeGreaterThan(900);
  });

  it('stays between the smallest and largest latency, past the last bound too', () => {
    const histogram = new LatencyHistogram();
    histogram.add(120_000);
    expect(histogram.percentile(0.99)).toBe(120_000);
    histogram.add(90_000);
    expect(histogram.percentile(0)).toBe(90_000);
    const one = new LatencyHistogram();
    one.add(7.5);
    expect([one.percentile(0.5), one.percentile(0.99)]).toEqual([7.5, 7.5]);
  });

  it('round-trips through its sparse JSON form, ignoring entries that are not buckets', () => {
    const histogram = uniform(1, 1000, 7);
    const json = JSON.stringify(histogram);
    expect(Object.keys(JSON.parse(json) as object).length).toBeLessThan(BUCKETS);
    const back = LatencyHistogram.parse(json);
    expect(back.total).toBe(histogram.total);
    expect(back.percentile(0.95)).toBe(histogram.percentile(0.95));
    const junk = LatencyHistogram.fromJSON({ '-1': 5, x: 3, [BUCKETS]: 2, 10: -4, 11: 2 });
    expect(junk.total).toBe(2);
    // Extremes that do not fit the buckets are not believed.
    const lying = LatencyHistogram.fromJSON({ min: 0, max: 1e9, [bucketOf(10)]: 1 });
    expect(lying.percentile(1)).toBeLessThan(15);
    expect(lying.percentile(0)).toBeGreaterThan(5);
    expect(LatencyHistogram.parse('null').total).toBe(0);
  });
});
