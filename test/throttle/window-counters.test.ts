/**
 * Per-key counts in epoch-aligned windows: a count starts again when its window ends or its window length
 * changes, the max follows the latest limit, changed keys are taken once each with their cumulative count,
 * all() lists only running windows with a count, prune forgets ended windows (not ones still to be sent).
 */
import { describe, expect, it } from 'vitest';
import type { Limit } from '../../src/throttle/limits.js';
import { WindowCounters } from '../../src/throttle/window-counters.js';

const MINUTE = 60_000;
/** The start of a minute window. */
const T0 = 1_700_000_040_000;
const perMinute = (max: number): Limit => ({ kind: 'requests', max, windowMs: MINUTE });

describe('WindowCounters', () => {
  it('counts per key in the window that holds now', () => {
    const counters = new WindowCounters();
    counters.add('a', perMinute(10), T0 + 1, 1);
    counters.add('a', perMinute(10), T0 + 30_000, 1);
    counters.add('b', perMinute(10), T0 + 2, 5);
    expect(counters.current('a', perMinute(10), T0 + 59_999)).toMatchObject({
      windowStart: T0,
      windowMs: MINUTE,
      count: 2,
    });
    expect(counters.current('b', perMinute(10), T0 + 3).count).toBe(5);
    expect(counters.current('c', perMinute(10), T0 + 3).count).toBe(0);
  });

  it('starts a count again when its window ends', () => {
    const counters = new WindowCounters();
    counters.add('a', perMinute(10), T0 + 10, 3);
    const next = counters.add('a', perMinute(10), T0 + MINUTE, 1);
    expect(next).toMatchObject({ windowStart: T0 + MINUTE, count: 1 });
    expect(counters.current('a', perMinute(10), T0 + MINUTE + 1).count).toBe(1);
  });

  it('starts a count again when the window length changes, even inside the same window start', () => {
    const counters = new WindowCounters();
    counters.add('a', perMinute(10), T0 + 10, 4);
    // An hour window may well start before this minute; a 30 s one starts on it.
    const halfMinute: Limit = { kind: 'requests', max: 10, windowMs: 30_000 };
    expect(counters.current('a', halfMinute, T0 + 20)).toMatchObject({
      windowStart: T0,
      windowMs: 30_000,
      count: 0,
    });
  });

  it('keeps the count but takes the latest max when only the limit changes', () => {
    const counters = new WindowCounters();
    counters.add('a', perMinute(10), T0, 4);
    const entry = counters.add('a', perMinute(20), T0 + 1, 1);
    expect(entry).toMatchObject({ max: 20, count: 5 });
    expect(counters.current('a', perMinute(3), T0 + 2)).toMatchObject({ max: 3, count: 5 });
  });

  it('takes each changed key once, with its cumulative count in the window', () => {
    const counters = new WindowCounters();
    counters.add('a', perMinute(10), T0, 1);
    counters.add('b', perMinute(5), T0, 1);
    counters.add('a', perMinute(10), T0 + 1, 1);
    expect(counters.changed).toBe(2);
    expect(counters.takeChanged()).toEqual([
      ['a', T0, MINUTE, 10, 2, 0],
      ['b', T0, MINUTE, 5, 1, 0],
    ]);
    expect(counters.changed).toBe(0);
    expect(counters.takeChanged()).toEqual([]);

    counters.add('a', perMinute(10), T0 + 2, 1);
    // Cumulative: 3 in the window, not the 1 added since.
    expect(counters.takeChanged()).toEqual([['a', T0, MINUTE, 10, 3, 0]]);
  });

  it('does not take a key that was only looked at', () => {
    const counters = new WindowCounters();
    counters.current('a', perMinute(10), T0);
    expect(counters.changed).toBe(0);
    expect(counters.takeChanged()).toEqual([]);
  });

  it('lists in all() only keys with a count in a running window', () => {
    const counters = new WindowCounters();
    counters.add('old', perMinute(10), T0, 2);
    counters.add('new', perMinute(10), T0 + MINUTE, 1);
    counters.current('looked-at', perMinute(10), T0 + MINUTE);
    counters.takeChanged();
    expect(counters.all(T0 + MINUTE + 1)).toEqual([['new', T0 + MINUTE, MINUTE, 10, 1, 0]]);
    expect(counters.all(T0 + 1)).toEqual([
      ['old', T0, MINUTE, 10, 2, 0],
      ['new', T0 + MINUTE, MINUTE, 10, 1, 0],
    ]);
    expect(counters.all(T0 + 2 * MINUTE)).toEqual([]);
  });

  it('prunes keys whose window has ended, but not one whose count is still to be sent', () => {
    const counters = new WindowCounters();
    counters.add('sent', perMinute(10), T0, 1);
    counters.takeChanged();
    counters.add('unsent', perMinute(10), T0, 1);
    counters.add('running', perMinute(10), T0 + MINUTE, 1);
    expect(counters.size).toBe(3);

    counters.prune(T0 + MINUTE);
    expect(counters.size).toBe(2);
    expect(counters.takeChanged()).toEqual([
      ['unsent', T0, MINUTE, 10, 1, 0],
      ['running', T0 + MINUTE, MINUTE, 10, 1, 0],
    ]);
    counters.prune(T0 + MINUTE);
    expect(counters.size).toBe(1);
    expect(counters.all(T0 + MINUTE)).toEqual([['running', T0 + MINUTE, MINUTE, 10, 1, 0]]);
  });
});
