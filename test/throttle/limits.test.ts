/**
 * Throttling limits in counting terms: request counts per sec/min/hour/day times unitTime, bandwidth in bytes
 * (KB/MB/GB as powers of 1024), WSO2's "Unlimited" (2147483647) as no limit, burst limits (absent or 0: none),
 * and epoch-aligned windows.
 */
import { describe, expect, it } from 'vitest';
import { compileBurst, compileLimit, windowStart } from '../../src/throttle/limits.js';
import type { ThrottleLimit } from '../../src/publisher/admin/policy-schemas.js';

type TimeUnit = 'sec' | 'min' | 'hour' | 'day';

const requests = (requestCount: number, timeUnit: TimeUnit, unitTime = 1): ThrottleLimit => ({
  type: 'REQUESTCOUNTLIMIT',
  requestCount: { requestCount, timeUnit, unitTime },
});
const bandwidth = (
  dataAmount: number,
  dataUnit: 'KB' | 'MB' | 'GB',
  timeUnit: TimeUnit,
  unitTime = 1,
): ThrottleLimit => ({ type: 'BANDWIDTHLIMIT', bandwidth: { dataAmount, dataUnit, timeUnit, unitTime } });

describe('compileLimit', () => {
  it.each([
    ['sec', 1, 1000],
    ['sec', 30, 30_000],
    ['min', 1, 60_000],
    ['min', 5, 300_000],
    ['hour', 1, 3_600_000],
    ['hour', 2, 7_200_000],
    ['day', 1, 86_400_000],
    ['day', 7, 604_800_000],
  ] as const)('counts requests per %s × %i as a window of %i ms', (unit, unitTime, windowMs) => {
    expect(compileLimit(requests(10, unit, unitTime))).toEqual({ kind: 'requests', max: 10, windowMs });
  });

  it.each([
    ['KB', 1024],
    ['MB', 1024 ** 2],
    ['GB', 1024 ** 3],
  ] as const)('counts a bandwidth limit in bytes (%s = %i bytes)', (unit, bytes) => {
    expect(compileLimit(bandwidth(3, unit, 'min', 2))).toEqual({
      kind: 'bytes',
      max: 3 * bytes,
      windowMs: 120_000,
    });
  });

  it('treats 2147483647 requests (WSO2 Unlimited) and more as no limit', () => {
    expect(compileLimit(requests(2147483647, 'min'))).toBeNull();
    expect(compileLimit(requests(2147483648, 'day'))).toBeNull();
    expect(compileLimit(requests(2147483646, 'min'))).toEqual({
      kind: 'requests',
      max: 2147483646,
      windowMs: 60_000,
    });
  });
});

describe('compileBurst', () => {
  it('is no limit when the count is absent or 0', () => {
    expect(compileBurst(undefined, 'sec')).toBeNull();
    expect(compileBurst(undefined, undefined)).toBeNull();
    expect(compileBurst(0, 'min')).toBeNull();
  });

  it('counts requests per second or per minute, per second when no unit is given', () => {
    expect(compileBurst(5, 'sec')).toEqual({ kind: 'requests', max: 5, windowMs: 1000 });
    expect(compileBurst(50, 'min')).toEqual({ kind: 'requests', max: 50, windowMs: 60_000 });
    expect(compileBurst(7, undefined)).toEqual({ kind: 'requests', max: 7, windowMs: 1000 });
  });
});

describe('windowStart', () => {
  const minute = Date.UTC(2024, 2, 10, 12, 34, 0);

  it('aligns windows to the epoch: a minute window starts on the minute (UTC)', () => {
    expect(windowStart(60_000, minute)).toBe(minute);
    expect(windowStart(60_000, minute + 1)).toBe(minute);
    expect(windowStart(60_000, minute + 59_999)).toBe(minute);
    expect(windowStart(60_000, minute + 60_000)).toBe(minute + 60_000);
  });

  it('aligns hour and day windows on the hour and on midnight UTC', () => {
    const now = Date.UTC(2024, 2, 10, 12, 34, 56, 789);
    expect(windowStart(3_600_000, now)).toBe(Date.UTC(2024, 2, 10, 12));
    expect(windowStart(86_400_000, now)).toBe(Date.UTC(2024, 2, 10));
  });

  it('gives every time in one window the same start, and the next window the start after it', () => {
    const windowMs = 5000;
    const start = windowStart(windowMs, 1_700_000_001_234);
    expect(start % windowMs).toBe(0);
    expect(windowStart(windowMs, start + 4999)).toBe(start);
    expect(windowStart(windowMs, start + 5000)).toBe(start + windowMs);
  });
});
