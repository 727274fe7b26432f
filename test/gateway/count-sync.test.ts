/**
 * A gateway's count sync with the traffic managers, over a fake hub: changed shared counts go out as
 * THROTTLE_COUNTS on `requests` within 10 ms, named by the node id and a per-process suffix; nothing goes out
 * when nothing changed; every running key goes out each second; decisions received on `throttleData` are
 * applied and malformed ones ignored; close() sends what is pending, stops the timers and unsubscribes.
 */
import { Value } from 'typebox/value';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventHandler, EventHub, Subscription } from '../../src/events/hub.js';
import { newEvent, type EventTopic, type HubEvent } from '../../src/events/topics.js';
import { CountSync } from '../../src/gateway/throttling/count-sync.js';
import { Throttling } from '../../src/gateway/throttling/throttling.js';
import { RuntimeState } from '../../src/gateway/state/runtime-state.js';
import type { Limit } from '../../src/throttle/limits.js';
import {
  THROTTLE_COUNTS,
  THROTTLE_DECISIONS,
  ThrottleCountsSchema,
  type KeyCount,
} from '../../src/throttle/throttle-events.js';
import { silentLogger } from './fixtures.js';

class FakeHub implements EventHub {
  readonly published: { topic: EventTopic; event: HubEvent }[] = [];
  readonly handlers = new Map<EventTopic, EventHandler>();
  failing = false;

  async publish(topic: EventTopic, event: HubEvent): Promise<void> {
    this.published.push({ topic, event: JSON.parse(JSON.stringify(event)) as HubEvent });
    if (this.failing) throw new Error('broker down');
  }
  async subscribe(topic: EventTopic, handler: EventHandler): Promise<Subscription> {
    this.handlers.set(topic, handler);
    return { unsubscribe: async () => void this.handlers.delete(topic) };
  }
  isReady = () => true;
  onReconnect(): void {}
  async close(): Promise<void> {}

  /** Delivers an event as the broker would to this node's subscriber, if any. */
  async deliver(topic: EventTopic, event: HubEvent): Promise<void> {
    await this.handlers.get(topic)?.(JSON.parse(JSON.stringify(event)) as HubEvent);
  }
  /** The counts of every published event, one array per event. */
  counts(): KeyCount[][] {
    return this.published.map((p) => p.event.payload['counts'] as KeyCount[]);
  }
}

/** The start of a minute window. */
const T0 = Date.UTC(2024, 0, 15, 12);
const perMinute = (max: number): Limit => ({ kind: 'requests', max, windowMs: 60_000 });

const open: CountSync[] = [];
async function started(nodeId = 'gw-1') {
  const hub = new FakeHub();
  const throttling = new Throttling(new RuntimeState('Default', 30_000));
  const sync = new CountSync(throttling, hub, nodeId, silentLogger());
  open.push(sync);
  await sync.start();
  /** Counts as the throttling step does: `n` calls of a key now. */
  const count = (key: string, n = 1, limit = perMinute(10)) =>
    throttling.shared.add(key, limit, Date.now(), n);
  return { hub, throttling, sync, count };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(T0);
});
afterEach(async () => {
  for (const sync of open.splice(0)) await sync.close();
  vi.useRealTimers();
});

describe('CountSync: sending counts', () => {
  it('publishes changed counts as THROTTLE_COUNTS on `requests` within 10 ms, named by node and process', async () => {
    const { hub, sync, count } = await started('gw-1');
    count('k', 2);
    await vi.advanceTimersByTimeAsync(9);
    expect(hub.published).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(hub.published).toHaveLength(1);
    const [{ topic, event }] = hub.published as [{ topic: EventTopic; event: HubEvent }];
    expect(topic).toBe('requests');
    expect(event.type).toBe(THROTTLE_COUNTS);
    expect(Value.Check(ThrottleCountsSchema, event.payload)).toBe(true);
    expect(event.payload).toEqual({ node: sync.node, counts: [['k', T0, 60_000, 10, 2, 0]] });
    expect(sync.node).toMatch(/^gw-1\/[0-9a-f]{8}$/);
  });

  it('names each process of a node apart', async () => {
    const first = await started('gw-1');
    const second = await started('gw-1');
    expect(second.sync.node).not.toBe(first.sync.node);
    expect(second.sync.node.startsWith('gw-1/')).toBe(true);
  });

  it('publishes nothing when nothing changed', async () => {
    const { hub, count } = await started();
    // Not even the full report of second 1: no key is counted.
    await vi.advanceTimersByTimeAsync(1500);
    expect(hub.published).toHaveLength(0);
    count('k');
    await vi.advanceTimersByTimeAsync(10);
    expect(hub.published).toHaveLength(1);
    // Sent once; nothing new since (up to the next full report).
    await vi.advanceTimersByTimeAsync(480);
    expect(hub.published).toHaveLength(1);
  });

  it('sends each changed key once per send, with its cumulative count', async () => {
    const { hub, count } = await started();
    count('a');
    count('b');
    count('a');
    await vi.advanceTimersByTimeAsync(10);
    count('a');
    await vi.advanceTimersByTimeAsync(10);
    expect(hub.counts()).toEqual([
      [
        ['a', T0, 60_000, 10, 2, 0],
        ['b', T0, 60_000, 10, 1, 0],
      ],
      [['a', T0, 60_000, 10, 3, 0]],
    ]);
  });

  it('sends every running key each second, changed or not, and leaves ended windows out', async () => {
    const { hub, count } = await started();
    count('minute', 3);
    count('second', 1, { kind: 'requests', max: 5, windowMs: 1000 });
    await vi.advanceTimersByTimeAsync(10);
    expect(hub.published).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(990);
    // The one-second window has ended by the full report.
    expect(hub.counts().slice(1)).toEqual([[['minute', T0, 60_000, 10, 3, 0]]]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(hub.counts().slice(1)).toEqual([
      [['minute', T0, 60_000, 10, 3, 0]],
      [['minute', T0, 60_000, 10, 3, 0]],
    ]);
  });

  it('carries the counts that a failed send lost in the next one', async () => {
    const { hub, count } = await started();
    hub.failing = true;
    count('k');
    await vi.advanceTimersByTimeAsync(10);
    expect(hub.published).toHaveLength(1);
    hub.failing = false;
    count('k');
    await vi.advanceTimersByTimeAsync(10);
    expect(hub.counts()[1]).toEqual([['k', T0, 60_000, 10, 2, 0]]);
  });
});

describe('CountSync: receiving decisions', () => {
  const decisions = (list: unknown[]) => newEvent(THROTTLE_DECISIONS, { decisions: list });

  it('subscribes to `throttleData` and applies the decisions it receives', async () => {
    const { hub, throttling } = await started();
    expect(hub.handlers.has('throttleData')).toBe(true);
    await hub.deliver(
      'throttleData',
      decisions([
        { throttleKey: 'a', isThrottled: true, expiryTimeStamp: T0 + 60_000 },
        { throttleKey: 'b', isThrottled: true, expiryTimeStamp: T0 + 30_000 },
      ]),
    );
    expect(throttling.decisions.until('a', Date.now())).toBe(T0 + 60_000);
    expect(throttling.decisions.until('b', Date.now())).toBe(T0 + 30_000);

    await hub.deliver(
      'throttleData',
      decisions([{ throttleKey: 'a', isThrottled: false, expiryTimeStamp: T0 + 60_000 }]),
    );
    expect(throttling.decisions.until('a', Date.now())).toBe(0);
    expect(throttling.decisions.until('b', Date.now())).toBe(T0 + 30_000);
  });

  it('ignores malformed decision events and keeps applying good ones', async () => {
    const { hub, throttling } = await started();
    const malformed: HubEvent[] = [
      newEvent(THROTTLE_COUNTS, {
        decisions: [{ throttleKey: 'x', isThrottled: true, expiryTimeStamp: T0 + 1000 }],
      }),
      newEvent(THROTTLE_DECISIONS, {}),
      newEvent(THROTTLE_DECISIONS, { decisions: 'x' }),
      decisions([{ throttleKey: 'x', isThrottled: 'yes', expiryTimeStamp: T0 + 1000 }]),
      decisions([{ throttleKey: 'x', isThrottled: true, expiryTimeStamp: String(T0 + 1000) }]),
      decisions([{ throttleKey: '', isThrottled: true, expiryTimeStamp: T0 + 1000 }]),
      decisions([{ isThrottled: true, expiryTimeStamp: T0 + 1000 }]),
    ];
    for (const event of malformed) await expect(hub.deliver('throttleData', event)).resolves.toBeUndefined();
    expect(throttling.decisions.size).toBe(0);

    await hub.deliver(
      'throttleData',
      decisions([{ throttleKey: 'x', isThrottled: true, expiryTimeStamp: T0 + 1000 }]),
    );
    expect(throttling.decisions.until('x', Date.now())).toBe(T0 + 1000);
  });
});

describe('CountSync: close', () => {
  it('sends what is pending, then stops its timers and unsubscribes', async () => {
    const { hub, sync, count, throttling } = await started();
    count('k');
    await sync.close();
    expect(hub.counts()).toEqual([[['k', T0, 60_000, 10, 1, 0]]]);
    expect(hub.handlers.has('throttleData')).toBe(false);

    count('k');
    await vi.advanceTimersByTimeAsync(5000);
    expect(hub.published).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    await hub.deliver(
      'throttleData',
      newEvent(THROTTLE_DECISIONS, {
        decisions: [{ throttleKey: 'k', isThrottled: true, expiryTimeStamp: T0 + 60_000 }],
      }),
    );
    expect(throttling.decisions.size).toBe(0);
  });
});
