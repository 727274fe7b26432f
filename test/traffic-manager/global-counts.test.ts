/**
 * The traffic manager's sums: the cumulative counts of every gateway process per key and window, added up; a
 * key that reaches its limit is throttled until its window ends (one decision), a raised limit lifts it. The
 * counts being cumulative, a repeated or late message changes nothing, any interleaving of the same messages
 * reaches the same decisions (two traffic managers agree), and a restarted traffic manager knows every
 * throttled key again from the gateways' full reports.
 */
import { describe, expect, it } from 'vitest';
import type { KeyCount, ThrottleDecision } from '../../src/throttle/throttle-events.js';
import { GlobalCounts } from '../../src/traffic-manager/global-counts.js';

const MINUTE = 60_000;
/** The start of a minute window. */
const W = 1_700_000_040_000;
const END = W + MINUTE;
const NOW = W + 15_000;
const HOUR = 3_600_000;
const HOUR_START = W - (W % HOUR);

const count = (
  key: string,
  n: number,
  max = 10,
  windowStart = W,
  windowMs = MINUTE,
  version = 0,
): KeyCount => [key, windowStart, windowMs, max, n, version];
const throttled = (throttleKey: string, expiryTimeStamp = END): ThrottleDecision => ({
  throttleKey,
  isThrottled: true,
  expiryTimeStamp,
});
const lifted = (throttleKey: string, expiryTimeStamp = END): ThrottleDecision => ({
  throttleKey,
  isThrottled: false,
  expiryTimeStamp,
});

describe('GlobalCounts', () => {
  it('throttles a key once the gateway processes together reach its limit, until the window ends', () => {
    const counts = new GlobalCounts();
    expect(counts.apply('gw1/aa', [count('k', 6)], NOW)).toEqual([]);
    expect(counts.total('k', NOW)).toBe(6);
    expect(counts.apply('gw2/bb', [count('k', 4)], NOW + 1)).toEqual([throttled('k')]);
    expect(counts.total('k', NOW)).toBe(10);
    // Still throttled: no second decision as the counts go on.
    expect(counts.apply('gw1/aa', [count('k', 7)], NOW + 2)).toEqual([]);
    expect(counts.apply('gw2/bb', [count('k', 9)], NOW + 3)).toEqual([]);
    expect(counts.total('k', NOW)).toBe(16);
  });

  it('counts two processes of one node (a restart) apart', () => {
    const counts = new GlobalCounts();
    counts.apply('gw1/aa', [count('k', 5)], NOW);
    expect(counts.apply('gw1/cc', [count('k', 5)], NOW)).toEqual([throttled('k')]);
  });

  it('takes a repeated or late cumulative count as nothing new', () => {
    const counts = new GlobalCounts();
    counts.apply('gw1/aa', [count('k', 6)], NOW);
    expect(counts.apply('gw1/aa', [count('k', 6)], NOW)).toEqual([]);
    // Sent before the 6, arrived after it.
    expect(counts.apply('gw1/aa', [count('k', 5)], NOW)).toEqual([]);
    counts.apply('gw2/bb', [count('k', 3)], NOW);
    counts.apply('gw2/bb', [count('k', 3)], NOW);
    expect(counts.total('k', NOW)).toBe(9);
  });

  it('sends no second decision for a repeated count of a throttled key', () => {
    const counts = new GlobalCounts();
    counts.apply('gw1/aa', [count('k', 6)], NOW);
    expect(counts.apply('gw2/bb', [count('k', 4)], NOW)).toEqual([throttled('k')]);
    expect(counts.apply('gw2/bb', [count('k', 4)], NOW)).toEqual([]);
    expect(counts.apply('gw1/aa', [count('k', 6), count('k', 5)], NOW)).toEqual([]);
    expect(counts.throttled(NOW)).toEqual([throttled('k')]);
  });

  it('ignores the counts of an older window once a newer one is known', () => {
    const counts = new GlobalCounts();
    // gw2's clock is a little ahead: its next window starts while gw1 still counts this one.
    const now = END - 100;
    counts.apply('gw2/bb', [count('k', 1, 10, END)], now);
    expect(counts.apply('gw1/aa', [count('k', 10, 10, W)], now)).toEqual([]);
    expect(counts.total('k', END)).toBe(1);
    expect(counts.throttled(END)).toEqual([]);
  });

  it('ignores counts of a window that has already ended', () => {
    const counts = new GlobalCounts();
    expect(counts.apply('gw1/aa', [count('k', 50)], END)).toEqual([]);
    expect(counts.size).toBe(0);
  });

  it('starts again in a new window: the key is no longer throttled there', () => {
    const counts = new GlobalCounts();
    counts.apply('gw1/aa', [count('k', 10)], NOW);
    expect(counts.throttled(NOW)).toEqual([throttled('k')]);
    // The old decision expires on its own at END: nothing to lift.
    expect(counts.apply('gw1/aa', [count('k', 1, 10, END)], END + 1)).toEqual([]);
    expect(counts.total('k', END + 1)).toBe(1);
    expect(counts.throttled(END + 1)).toEqual([]);
    expect(counts.apply('gw2/bb', [count('k', 9, 10, END)], END + 2)).toEqual([throttled('k', END + MINUTE)]);
  });

  it('lifts a throttled key when its limit is raised, and throttles it again at the new limit', () => {
    const counts = new GlobalCounts();
    counts.apply('gw1/aa', [count('k', 6)], NOW);
    counts.apply('gw2/bb', [count('k', 4)], NOW);
    // The raised limit comes with newer policies (version 1).
    expect(counts.apply('gw1/aa', [count('k', 7, 20, W, MINUTE, 1)], NOW)).toEqual([lifted('k')]);
    expect(counts.throttled(NOW)).toEqual([]);
    expect(counts.apply('gw2/bb', [count('k', 13, 20, W, MINUTE, 1)], NOW)).toEqual([throttled('k')]);
  });

  it('keeps a lifted key lifted when a gateway repeats a count it sent before the limit was raised', () => {
    const counts = new GlobalCounts();
    counts.apply('gw1/aa', [count('k', 6)], NOW);
    counts.apply('gw2/bb', [count('k', 4)], NOW);
    expect(counts.apply('gw1/aa', [count('k', 7, 20, W, MINUTE, 1)], NOW)).toEqual([lifted('k')]);
    // gw2 has counted nothing since: its full report repeats what it sent already, with the older policies'
    // limit (or the broker delivers that message again). Nothing new: the key must stay lifted.
    expect(counts.apply('gw2/bb', [count('k', 4, 10, W, MINUTE, 0)], NOW + 1000)).toEqual([]);
    expect(counts.throttled(NOW + 1000)).toEqual([]);
  });

  it('lists in throttled(now) only the keys throttled in a running window', () => {
    const counts = new GlobalCounts();
    counts.apply(
      'gw1/aa',
      [
        count('minute', 10),
        count('under', 3),
        count('second', 5, 5, W + 15_000, 1000),
        count('hour', 100, 100, HOUR_START, HOUR),
      ],
      NOW,
    );
    expect(
      counts
        .throttled(NOW)
        .map((d) => d.throttleKey)
        .sort(),
    ).toEqual(['hour', 'minute', 'second']);
    expect(counts.throttled(NOW + 1000)).toEqual(
      expect.arrayContaining([throttled('minute'), throttled('hour', HOUR_START + HOUR)]),
    );
    expect(counts.throttled(NOW + 1000)).toHaveLength(2);
    expect(counts.throttled(END)).toEqual([throttled('hour', HOUR_START + HOUR)]);
  });

  it('prunes keys whose window has ended', () => {
    const counts = new GlobalCounts();
    counts.apply('gw1/aa', [count('old', 1), count('new', 1, 10, END)], NOW);
    expect(counts.size).toBe(2);
    counts.prune(END);
    expect(counts.size).toBe(1);
    expect(counts.total('new', END)).toBe(1);
  });

  it('reaches the same decisions whatever the interleaving of the same messages (two traffic managers)', () => {
    // What three gateway processes sent, in their own order: cumulative counts of three keys.
    const sent: [string, KeyCount[]][] = [
      ['gw1/aa', [count('a', 2), count('b', 1, 5)]],
      ['gw2/bb', [count('a', 1), count('c', 2, 100)]],
      ['gw1/aa', [count('a', 4), count('b', 2, 5)]],
      ['gw3/cc', [count('a', 3), count('b', 2, 5)]],
      ['gw2/bb', [count('a', 3), count('c', 30, 100)]],
      ['gw1/aa', [count('a', 5)]],
      ['gw3/cc', [count('b', 3, 5)]],
      ['gw2/bb', [count('c', 60, 100)]],
    ];
    const run = (order: number[]) => {
      const counts = new GlobalCounts();
      const decisions: ThrottleDecision[] = [];
      for (const i of order) {
        const [node, keyCounts] = sent[i] as [string, KeyCount[]];
        decisions.push(...counts.apply(node, keyCounts, NOW));
      }
      const byKey = (x: ThrottleDecision, y: ThrottleDecision) => x.throttleKey.localeCompare(y.throttleKey);
      return {
        decisions: decisions.sort(byKey),
        throttled: counts.throttled(NOW).sort(byKey),
        totals: ['a', 'b', 'c'].map((k) => counts.total(k, NOW)),
      };
    };

    const inOrder = run(sent.map((_, i) => i));
    expect(inOrder.totals).toEqual([11, 5, 60]);
    expect(inOrder.decisions).toEqual([throttled('a'), throttled('b')]);
    expect(inOrder.throttled).toEqual([throttled('a'), throttled('b')]);

    // Reversed, and shuffled with a fixed seed: late and early messages of each process mixed up.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const orders = [sent.map((_, i) => sent.length - 1 - i)];
    for (let n = 0; n < 20; n++) {
      const order = sent.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      orders.push(order);
    }
    for (const order of orders) expect(run(order), order.join(',')).toEqual(inOrder);
  });

  it('knows the throttled keys again after a restart, from the gateways’ full reports', () => {
    const before = new GlobalCounts();
    before.apply('gw1/aa', [count('a', 4)], NOW);
    before.apply('gw2/bb', [count('a', 6), count('b', 2)], NOW);
    before.apply('gw1/aa', [count('b', 5), count('c', 7, 7)], NOW);
    expect(before.throttled(NOW).map((d) => d.throttleKey)).toEqual(['a', 'c']);

    // A fresh traffic manager: each gateway's next full report carries every running key it counted.
    const restarted = new GlobalCounts();
    const decisions = [
      ...restarted.apply('gw1/aa', [count('a', 4), count('b', 5), count('c', 7, 7)], NOW + 1000),
      ...restarted.apply('gw2/bb', [count('a', 6), count('b', 2)], NOW + 1000),
    ];
    // Throttled again as soon as the reports are in, before the next repetition.
    expect(decisions).toEqual(expect.arrayContaining(before.throttled(NOW + 1000)));
    expect(decisions).toHaveLength(2);
    expect(restarted.throttled(NOW + 1000)).toEqual(before.throttled(NOW + 1000));
    expect(['a', 'b', 'c'].map((k) => restarted.total(k, NOW + 1000))).toEqual([10, 7, 7]);
  });
});
