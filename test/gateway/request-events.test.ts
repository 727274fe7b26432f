/**
 * Request events, with a fake hub: published on `requests` as REQUEST_BATCH events of at most
 * REQUEST_BATCH_SIZE, every 200 ms or as soon as a batch is full (and only full batches between the timer's
 * ticks), one flush at a time; a full queue (10,000) or a failed publish drops events and counts them, never
 * blocking or failing the caller.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventHandler, EventHub, Subscription } from '../../src/events/hub.js';
import type { EventTopic, HubEvent } from '../../src/events/topics.js';
import { REQUEST_BATCH, type RequestEvent } from '../../src/events/request-event.js';
import { publishRequestBatch, REQUEST_BATCH_SIZE, RequestEvents } from '../../src/gateway/request-events.js';
import { deferred, flushPromises, silentLogger, type Deferred } from './fixtures.js';

class FakeHub implements EventHub {
  readonly published: { topic: EventTopic; event: HubEvent }[] = [];
  /** When set, each publish waits for the test to settle it. */
  holding: Deferred<void>[] | undefined;
  failing = false;

  async publish(topic: EventTopic, event: HubEvent): Promise<void> {
    // A broker serialises; so does this fake, so that the test sees what a subscriber would.
    this.published.push({ topic, event: JSON.parse(JSON.stringify(event)) as HubEvent });
    if (this.failing) throw new Error('broker down');
    if (this.holding) {
      const hold = deferred<void>();
      this.holding.push(hold);
      await hold.promise;
    }
  }
  async subscribe(_topic: EventTopic, _handler: EventHandler): Promise<Subscription> {
    return { unsubscribe: async () => {} };
  }
  isReady = () => true;
  onReconnect(): void {}
  async close(): Promise<void> {}

  /** The request events of every batch, in order. */
  events(): RequestEvent[] {
    return this.published.flatMap((p) => p.event.payload['events'] as RequestEvent[]);
  }
  batchSizes(): number[] {
    return this.published.map((p) => (p.event.payload['events'] as unknown[]).length);
  }
}

let sequence = 0;
function requestEvent(overrides: Partial<RequestEvent> = {}): RequestEvent {
  sequence += 1;
  return {
    timestamp: 1_700_000_000_000 + sequence,
    apiId: 'api-1',
    apiName: 'pizza',
    apiVersion: '1.0.0',
    apiContext: '/pizza/1.0.0',
    operation: 'GET /menu',
    applicationId: 'app-1',
    subscriptionPolicy: 'Gold',
    applicationPolicy: '10PerMin',
    username: null,
    keyType: 'PRODUCTION',
    status: 200,
    latency: 1.5,
    backendLatency: 1,
    requestBytes: 0,
    responseBytes: 12,
    clientIp: '127.0.0.1',
    errorCode: null,
    overQuota: false,
    ...overrides,
  };
}

/** Fakes the flush timer only: setImmediate (flushPromises) stays real. */
const useFakeIntervals = () => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });

const open: RequestEvents[] = [];
function eventsOn(hub: FakeHub) {
  const drops: number[] = [];
  const events = new RequestEvents(publishRequestBatch(hub), silentLogger(), (count) => drops.push(count));
  open.push(events);
  return { events, drops };
}

afterEach(async () => {
  vi.useRealTimers();
  for (const events of open.splice(0)) {
    await Promise.race([events.close(), flushPromises()]);
  }
});

describe('RequestEvents', () => {
  it('publishes what is queued every 200 ms, as one REQUEST_BATCH on `requests`', async () => {
    useFakeIntervals();
    const hub = new FakeHub();
    const { events, drops } = eventsOn(hub);
    const pushed = [requestEvent(), requestEvent({ status: 401, errorCode: 900902, backendLatency: null })];
    for (const event of pushed) events.push(event);
    expect(hub.published).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(199);
    expect(hub.published).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(hub.published).toHaveLength(1);
    const [{ topic, event }] = hub.published as [{ topic: EventTopic; event: HubEvent }];
    expect(topic).toBe('requests');
    expect(event).toMatchObject({
      id: expect.any(String),
      type: REQUEST_BATCH,
      timestamp: expect.any(Number),
    });
    expect(event.payload).toEqual({ events: pushed });
    // Nothing queued: nothing published.
    await vi.advanceTimersByTimeAsync(1000);
    expect(hub.published).toHaveLength(1);
    expect(drops).toEqual([]);
    expect(events.dropped).toBe(0);
  });

  it('publishes at once when 100 are queued, without waiting for the timer', async () => {
    useFakeIntervals();
    const hub = new FakeHub();
    const { events } = eventsOn(hub);
    for (let i = 0; i < REQUEST_BATCH_SIZE - 1; i++) events.push(requestEvent());
    await flushPromises();
    expect(hub.published).toHaveLength(0);
    events.push(requestEvent());
    await vi.advanceTimersByTimeAsync(0);
    expect(hub.batchSizes()).toEqual([REQUEST_BATCH_SIZE]);
  });

  it('sends only full batches between timer ticks, however fast events come', async () => {
    useFakeIntervals();
    const hub = new FakeHub();
    hub.holding = [];
    const { events } = eventsOn(hub);
    for (let i = 0; i < REQUEST_BATCH_SIZE + 5; i++) events.push(requestEvent());
    await flushPromises();
    expect(hub.batchSizes()).toEqual([REQUEST_BATCH_SIZE]);
    hub.holding.splice(0).forEach((hold) => hold.resolve());
    hub.holding = undefined;
    await flushPromises();
    // The five queued while the first batch was on its way wait for the timer, not for nothing.
    expect(hub.batchSizes()).toEqual([REQUEST_BATCH_SIZE]);
    for (let i = 0; i < REQUEST_BATCH_SIZE - 5; i++) events.push(requestEvent());
    await flushPromises();
    expect(hub.batchSizes()).toEqual([REQUEST_BATCH_SIZE, REQUEST_BATCH_SIZE]);
    events.push(requestEvent());
    await vi.advanceTimersByTimeAsync(200);
    expect(hub.batchSizes()).toEqual([REQUEST_BATCH_SIZE, REQUEST_BATCH_SIZE, 1]);
  });

  it('splits a large queue into full batches and keeps the order', async () => {
    const hub = new FakeHub();
    hub.holding = [];
    const { events } = eventsOn(hub);
    const pushed = Array.from({ length: 2 * REQUEST_BATCH_SIZE + 34 }, () => requestEvent());
    for (const event of pushed) events.push(event);
    await flushPromises();
    // The first batch went out as soon as it was full; the flush waits for the hub before the rest.
    expect(hub.batchSizes()).toEqual([REQUEST_BATCH_SIZE]);
    await releaseAll(hub, events.flush());
    expect(hub.batchSizes()).toEqual([REQUEST_BATCH_SIZE, REQUEST_BATCH_SIZE, 34]);
    expect(hub.events().map((e) => e.timestamp)).toEqual(pushed.map((e) => e.timestamp));
  });

  it('runs one flush at a time', async () => {
    const hub = new FakeHub();
    hub.holding = [];
    const { events } = eventsOn(hub);
    events.push(requestEvent());
    const first = events.flush();
    const second = events.flush();
    expect(second).toBe(first);
    await flushPromises();
    expect(hub.published).toHaveLength(1);
    hub.holding.splice(0).forEach((hold) => hold.resolve());
    await first;
  });

  it('drops (and counts) what does not fit in a full queue, without blocking the caller', async () => {
    const hub = new FakeHub();
    hub.holding = [];
    const { events, drops } = eventsOn(hub);
    // The first 100 are held in a publish that does not finish; the queue then holds 10,000 more.
    for (let i = 0; i < REQUEST_BATCH_SIZE + 10_000 + 25; i++) events.push(requestEvent());
    expect(events.dropped).toBe(25);
    expect(drops).toEqual(Array.from({ length: 25 }, () => 1));
    hub.holding.splice(0).forEach((hold) => hold.resolve());
    hub.holding = undefined;
    await events.flush();
    await events.flush();
    expect(hub.events()).toHaveLength(REQUEST_BATCH_SIZE + 10_000);
    expect(events.dropped).toBe(25);
  });

  it('drops (and counts) a batch the hub refuses, and publishes later batches when it is back', async () => {
    const hub = new FakeHub();
    hub.failing = true;
    const { events, drops } = eventsOn(hub);
    for (let i = 0; i < 3; i++) events.push(requestEvent());
    await expect(events.flush()).resolves.toBeUndefined();
    expect(events.dropped).toBe(3);
    expect(drops).toEqual([3]);
    hub.failing = false;
    const later = requestEvent({ status: 204 });
    events.push(later);
    await events.flush();
    expect(hub.published.at(-1)?.event.payload).toEqual({ events: [later] });
    expect(events.dropped).toBe(3);
  });

  it('close publishes what was queued while a flush was ending', async () => {
    const hub = new FakeHub();
    hub.holding = [];
    const { events } = eventsOn(hub);
    events.push(requestEvent());
    const flushing = events.flush();
    await flushPromises();
    events.push(requestEvent({ status: 503 }));
    hub.holding.splice(0).forEach((hold) => hold.resolve());
    hub.holding = undefined;
    await Promise.all([flushing, events.close()]);
    expect(hub.batchSizes()).toEqual([1, 1]);
  });

  it('close publishes what is left and stops the timer', async () => {
    useFakeIntervals();
    const hub = new FakeHub();
    const { events } = eventsOn(hub);
    events.push(requestEvent());
    await events.close();
    expect(hub.batchSizes()).toEqual([1]);
    events.push(requestEvent());
    await vi.advanceTimersByTimeAsync(1000);
    expect(hub.batchSizes()).toEqual([1]);
  });
});

/** Releases every publish the hub holds (and any that follow) until the flush is done. */
async function releaseAll(hub: FakeHub, flush: Promise<void>): Promise<void> {
  let done = false;
  void flush.then(() => (done = true));
  while (!done) {
    for (const hold of hub.holding?.splice(0) ?? []) hold.resolve();
    await flushPromises();
  }
}
