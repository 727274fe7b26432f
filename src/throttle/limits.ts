/**
 * Throttling limits as the gateways and traffic managers count them: a number of requests (or bytes) per
 * fixed window. Windows are aligned to the epoch (a one-minute window starts on the minute, UTC), so every
 * node agrees on them without talking: a count names its window by its start.
 */
import type { ThrottleLimit } from '../publisher/admin/policy-schemas.js';

/** Milliseconds in each of WSO2's time units. */
export const TIME_UNIT_MS = { sec: 1000, min: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
const DATA_UNIT_BYTES = { KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 } as const;

/** WSO2's "Unlimited" policies allow 2147483647 requests; that many or more is no limit at all. */
const UNLIMITED = 2147483647;

export interface Limit {
  /** Requests, or bytes (request and response bodies) for a bandwidth limit. */
  readonly kind: 'requests' | 'bytes';
  readonly max: number;
  readonly windowMs: number;
}

/** A policy's limit in counting terms; null for an unlimited one (nothing to count). */
export function compileLimit(limit: ThrottleLimit): Limit | null {
  if (limit.type === 'REQUESTCOUNTLIMIT') {
    const { requestCount, timeUnit, unitTime } = limit.requestCount;
    if (requestCount >= UNLIMITED) return null;
    return { kind: 'requests', max: requestCount, windowMs: TIME_UNIT_MS[timeUnit] * unitTime };
  }
  const { dataAmount, dataUnit, timeUnit, unitTime } = limit.bandwidth;
  return {
    kind: 'bytes',
    max: dataAmount * DATA_UNIT_BYTES[dataUnit],
    windowMs: TIME_UNIT_MS[timeUnit] * unitTime,
  };
}

/** A burst (spike arrest) limit: requests per second or minute; none when the count is absent or 0. */
export function compileBurst(count: number | undefined, unit: 'sec' | 'min' | undefined): Limit | null {
  if (!count) return null;
  return { kind: 'requests', max: count, windowMs: TIME_UNIT_MS[unit ?? 'sec'] };
}

/** The start of the window that holds `now`. */
export function windowStart(windowMs: number, now: number): number {
  return now - (now % windowMs);
}
