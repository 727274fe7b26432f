/**
 * The traffic managers' decisions as a gateway holds them: a throttled key until its expiry, the later expiry
 * kept when decisions repeat, expired decisions ignored, a lift (isThrottled false) undoing only the window it
 * names, and prune forgetting what has expired.
 */
import { describe, expect, it } from 'vitest';
import { ThrottleDecisions } from '../../src/throttle/decisions.js';

const NOW = 1_700_000_000_000;
const throttle = (throttleKey: string, expiryTimeStamp: number) => ({
  throttleKey,
  isThrottled: true,
  expiryTimeStamp,
});
const lift = (throttleKey: string, expiryTimeStamp: number) => ({
  throttleKey,
  isThrottled: false,
  expiryTimeStamp,
});

describe('ThrottleDecisions', () => {
  it('holds a throttled key until its expiry, then not', () => {
    const decisions = new ThrottleDecisions();
    decisions.apply(throttle('k', NOW + 5000), NOW);
    expect(decisions.until('k', NOW)).toBe(NOW + 5000);
    expect(decisions.until('k', NOW + 4999)).toBe(NOW + 5000);
    expect(decisions.until('other', NOW)).toBe(0);
    expect(decisions.until('k', NOW + 5000)).toBe(0);
    // Expired: forgotten, not only hidden.
    expect(decisions.size).toBe(0);
  });

  it('keeps the later expiry when decisions repeat, in any order', () => {
    const decisions = new ThrottleDecisions();
    decisions.apply(throttle('k', NOW + 5000), NOW);
    decisions.apply(throttle('k', NOW + 5000), NOW);
    expect(decisions.until('k', NOW)).toBe(NOW + 5000);
    decisions.apply(throttle('k', NOW + 9000), NOW);
    expect(decisions.until('k', NOW)).toBe(NOW + 9000);
    decisions.apply(throttle('k', NOW + 7000), NOW);
    expect(decisions.until('k', NOW)).toBe(NOW + 9000);
    expect(decisions.size).toBe(1);
  });

  it('ignores a decision that has already expired', () => {
    const decisions = new ThrottleDecisions();
    decisions.apply(throttle('k', NOW - 1), NOW);
    decisions.apply(throttle('j', NOW), NOW);
    expect(decisions.size).toBe(0);
    expect(decisions.until('k', NOW - 10)).toBe(0);
    expect(decisions.until('j', NOW - 10)).toBe(0);
  });

  it('lifts a key with a lift for its window', () => {
    const decisions = new ThrottleDecisions();
    decisions.apply(throttle('k', NOW + 5000), NOW);
    decisions.apply(lift('k', NOW + 5000), NOW);
    expect(decisions.until('k', NOW)).toBe(0);
  });

  it('keeps a later window throttled when a lift names an earlier one', () => {
    const decisions = new ThrottleDecisions();
    decisions.apply(throttle('k', NOW + 120_000), NOW);
    decisions.apply(lift('k', NOW + 60_000), NOW);
    expect(decisions.until('k', NOW)).toBe(NOW + 120_000);
  });

  it('lifts only the key it names', () => {
    const decisions = new ThrottleDecisions();
    decisions.apply(throttle('a', NOW + 5000), NOW);
    decisions.apply(throttle('b', NOW + 5000), NOW);
    decisions.apply(lift('a', NOW + 5000), NOW);
    expect(decisions.until('a', NOW)).toBe(0);
    expect(decisions.until('b', NOW)).toBe(NOW + 5000);
  });

  it('ignores a lift for a key that is not throttled', () => {
    const decisions = new ThrottleDecisions();
    decisions.apply(lift('k', NOW + 5000), NOW);
    expect(decisions.size).toBe(0);
    decisions.apply(throttle('k', NOW + 5000), NOW);
    expect(decisions.until('k', NOW)).toBe(NOW + 5000);
  });

  it('prunes expired decisions and keeps running ones', () => {
    const decisions = new ThrottleDecisions();
    decisions.apply(throttle('soon', NOW + 1000), NOW);
    decisions.apply(throttle('later', NOW + 9000), NOW);
    decisions.prune(NOW + 999);
    expect(decisions.size).toBe(2);
    decisions.prune(NOW + 1000);
    expect(decisions.size).toBe(1);
    expect(decisions.until('later', NOW + 1000)).toBe(NOW + 9000);
  });
});
