/**
 * A listener on the broker for `npm run bench -- throttle`: it binds its own queues to `requests` and
 * `throttleData` (as any node does) and notes, for the throttle keys of the benchmark's applications,
 * when the gateways' counts seen on the broker first added up to the limit of a window (the count message's
 * send time and its arrival here) and when the first decision for that window was made by a traffic manager
 * (the event's timestamp) and arrived here. That splits the time from crossing the limit to the gateways'
 * first 429 into count → traffic manager → decision → gateway.
 */
import { randomBytes } from 'node:crypto';
import { Value } from 'typebox/value';
import { RabbitMqEventHub } from '../../src/events/rabbitmq.js';
import type { HubEvent } from '../../src/events/topics.js';
import { createLogger } from '../../src/platform/logger.js';
import {
  THROTTLE_COUNTS,
  THROTTLE_DECISIONS,
  ThrottleCountsSchema,
  ThrottleDecisionsSchema,
} from '../../src/throttle/throttle-events.js';

/** What the broker showed about one key's window. */
export interface WindowTrace {
  /** Send time of the count message that brought the sum of the gateways' counts to the limit. */
  countsReachedSentAt?: number;
  countsReachedArrivedAt?: number;
  /** The earliest decision for the window: made (event timestamp) and arrived here. */
  decisionMadeAt?: number;
  decisionArrivedAt?: number;
  decisionMessages: number;
  countMessages: number;
}

interface KeyWindow {
  trace: WindowTrace;
  nodes: Map<string, number>;
  total: number;
}

export class BrokerObserver {
  readonly #windows = new Map<string, KeyWindow>();

  private constructor(
    private readonly hub: RabbitMqEventHub,
    private readonly clock: () => number,
    private readonly ours: (key: string) => boolean,
  ) {}

  static async start(
    brokers: string[],
    cluster: string,
    ours: (key: string) => boolean,
    clock: () => number,
  ): Promise<BrokerObserver> {
    const hub = await RabbitMqEventHub.connect({
      brokers,
      cluster,
      nodeId: `bench-throttle-observer-${randomBytes(4).toString('hex')}`,
      logger: createLogger('silent'),
    });
    const observer = new BrokerObserver(hub, clock, ours);
    await hub.subscribe('requests', (event) => observer.#counts(event));
    await hub.subscribe('throttleData', (event) => observer.#decisions(event));
    return observer;
  }

  /** The trace of `key`'s window that starts at `windowStart`. */
  trace(key: string, windowStart: number): WindowTrace | undefined {
    return this.#windows.get(`${key}@${windowStart}`)?.trace;
  }

  /** Every key seen, for a check that the benchmark's keys are the ones it expects. */
  keys(): string[] {
    return [...new Set([...this.#windows.keys()].map((k) => k.slice(0, k.lastIndexOf('@'))))];
  }

  close(): Promise<void> {
    return this.hub.close();
  }

  #window(key: string, windowStart: number): KeyWindow {
    const id = `${key}@${windowStart}`;
    let entry = this.#windows.get(id);
    if (!entry) {
      entry = { trace: { decisionMessages: 0, countMessages: 0 }, nodes: new Map(), total: 0 };
      this.#windows.set(id, entry);
    }
    return entry;
  }

  #counts(event: HubEvent): void {
    if (event.type !== THROTTLE_COUNTS || !Value.Check(ThrottleCountsSchema, event.payload)) return;
    const arrived = this.clock();
    const { node, counts } = event.payload;
    for (const [key, windowStart, , max, count] of counts) {
      if (!this.ours(key)) continue;
      const entry = this.#window(key, windowStart);
      entry.trace.countMessages++;
      const before = entry.nodes.get(node) ?? 0;
      if (count <= before) continue;
      entry.nodes.set(node, count);
      entry.total += count - before;
      if (entry.total >= max && entry.trace.countsReachedSentAt === undefined) {
        entry.trace.countsReachedSentAt = event.timestamp;
        entry.trace.countsReachedArrivedAt = arrived;
      }
    }
  }

  #decisions(event: HubEvent): void {
    if (event.type !== THROTTLE_DECISIONS || !Value.Check(ThrottleDecisionsSchema, event.payload)) return;
    const arrived = this.clock();
    for (const { throttleKey, isThrottled, expiryTimeStamp } of event.payload.decisions) {
      if (!isThrottled || !this.ours(throttleKey)) continue;
      // The decision names the window by its end; every benchmark window is one minute long.
      const { trace } = this.#window(throttleKey, expiryTimeStamp - 60_000);
      trace.decisionMessages++;
      if (trace.decisionMadeAt === undefined || event.timestamp < trace.decisionMadeAt) {
        trace.decisionMadeAt = event.timestamp;
      }
      trace.decisionArrivedAt ??= arrived;
    }
  }
}
