/**
 * The event hub for a single process (one node, or several hubs in one test), and the handler dispatch
 * that every hub implementation shares.
 */
import type { Logger } from 'pino';
import { freezeEvent } from './frozen-event.js';
import {
  checkGroup,
  type EventHandler,
  type EventHub,
  type SubscribeOptions,
  type Subscription,
} from './hub.js';
import type { EventTopic, HubEvent } from './topics.js';

/** Told about a handler that threw or rejected; it must not throw itself. */
export type HandlerErrorListener = (err: unknown, topic: EventTopic, event: HubEvent) => void;

/** A handler that fails is logged, so that one broken subscriber is visible but harms no other. */
export function logHandlerErrors(logger: Logger): HandlerErrorListener {
  return (err, topic, event) =>
    logger.error({ err, topic, eventId: event.id, eventType: event.type }, 'An event handler failed');
}

/** Without a logger, a failing handler still has to show up somewhere. */
const reportToConsole: HandlerErrorListener = (err, topic, event) =>
  console.error(`An event handler for topic "${topic}" failed on ${event.type} event ${event.id}:`, err);

/** One per subscribe call, so that the same function subscribed twice is two subscriptions. */
export interface HandlerEntry {
  handler: EventHandler;
}

/**
 * Calls every handler with the event and settles once all have; a throwing or rejecting handler is
 * reported and does not stop the others.
 */
export async function dispatch(
  entries: Iterable<HandlerEntry>,
  topic: EventTopic,
  event: HubEvent,
  onHandlerError: HandlerErrorListener,
): Promise<void> {
  await Promise.all(
    // A copy first, so that a handler that (un)subscribes while running does not change this delivery.
    [...entries].map(async ({ handler }) => {
      try {
        await handler(event);
      } catch (err) {
        onHandlerError(err, topic, event);
      }
    }),
  );
}

/** Every hub and group member of the process gets the published event itself, frozen (see frozen-event.ts). */
type Receiver = (topic: EventTopic, event: HubEvent) => void;

/** The handlers of one group on one topic, across the hubs of a bus, served in turn. */
interface Group {
  members: Receiver[];
  next: number;
}

/**
 * What the hubs of one process share, standing in for a broker: every event reaches every hub, and one
 * member of each group (round-robin), as a shared queue would.
 */
export class InProcessBus {
  private readonly receivers = new Set<Receiver>();
  private readonly groups = new Map<EventTopic, Map<string, Group>>();

  attach(receiver: Receiver): void {
    this.receivers.add(receiver);
  }

  detach(receiver: Receiver): void {
    this.receivers.delete(receiver);
  }

  /** Adds a member to the group of the topic; returns how to leave it. */
  join(topic: EventTopic, name: string, member: Receiver): () => void {
    const groups = this.groups.get(topic) ?? new Map<string, Group>();
    this.groups.set(topic, groups);
    const group = groups.get(name) ?? { members: [], next: 0 };
    groups.set(name, group);
    group.members.push(member);
    return () => {
      const index = group.members.indexOf(member);
      if (index >= 0) group.members.splice(index, 1);
      if (group.members.length === 0 && groups.get(name) === group) groups.delete(name);
    };
  }

  send(topic: EventTopic, event: HubEvent): void {
    for (const receiver of this.receivers) receiver(topic, event);
    for (const group of this.groups.get(topic)?.values() ?? []) {
      const member = group.members[group.next++ % group.members.length];
      member?.(topic, event);
    }
  }
}

export interface InProcessEventHubOptions {
  /** Hubs given the same bus see each other's events, like nodes on one broker. Default: a bus of its own. */
  bus?: InProcessBus;
  /** Default: printed to the console. */
  onHandlerError?: HandlerErrorListener;
}

export class InProcessEventHub implements EventHub {
  private readonly bus: InProcessBus;
  private readonly onHandlerError: HandlerErrorListener;
  private readonly subscriptions = new Map<EventTopic, Set<HandlerEntry>>();
  private readonly reconnectListeners: Array<() => void> = [];
  /** How to leave each group this hub's handlers joined. */
  private readonly memberships = new Set<() => void>();
  private readonly receiver: Receiver = (topic, event) => this.receive(topic, event);
  private closed = false;

  constructor(options: InProcessEventHubOptions = {}) {
    this.bus = options.bus ?? new InProcessBus();
    this.onHandlerError = options.onHandlerError ?? reportToConsole;
    this.bus.attach(this.receiver);
  }

  async publish(topic: EventTopic, event: HubEvent): Promise<void> {
    this.assertOpen(`publish a ${event.type} event to topic "${topic}"`);
    // Checked and frozen now: a payload a broker could not carry unchanged fails here as it would there, and
    // the object that receivers share can be changed by nobody.
    freezeEvent(event);
    // Delivered on a later microtask, never inside publish, so publishers cannot come to rely on
    // synchronous delivery that a broker would not give them. Microtasks keep publish order.
    queueMicrotask(() => this.bus.send(topic, event));
  }

  async subscribe(
    topic: EventTopic,
    handler: EventHandler,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    this.assertOpen(`subscribe to topic "${topic}"`);
    checkGroup(options.group);
    const entry = { handler };
    if (options.group !== undefined) {
      const leave = this.bus.join(topic, options.group, (_topic, event) => {
        if (!this.closed) void dispatch([entry], topic, event, this.onHandlerError);
      });
      this.memberships.add(leave);
      return {
        unsubscribe: async () => {
          leave();
          this.memberships.delete(leave);
        },
      };
    }
    const entries = this.subscriptions.get(topic) ?? new Set();
    entries.add(entry);
    this.subscriptions.set(topic, entries);
    return {
      unsubscribe: async () => {
        entries.delete(entry);
      },
    };
  }

  isReady(): boolean {
    return !this.closed;
  }

  /** Stored but never called: an in-process bus cannot disconnect, so no snapshot ever goes stale. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.bus.detach(this.receiver);
    this.subscriptions.clear();
    for (const leave of this.memberships) leave();
    this.memberships.clear();
  }

  private receive(topic: EventTopic, event: HubEvent): void {
    const entries = this.subscriptions.get(topic);
    if (this.closed || !entries?.size) return;
    void dispatch(entries, topic, event, this.onHandlerError);
  }

  private assertOpen(action: string): void {
    if (this.closed) throw new Error(`Cannot ${action}: the event hub is closed`);
  }
}
