/**
 * The event hub: how components tell each other that something changed.
 * Events are for freshness, not for state: a node that (re)connects pulls a fresh snapshot,
 * so a missed event is never a lost update.
 */
import type { EventTopic, HubEvent } from './topics.js';

export type EventHandler = (event: HubEvent) => void | Promise<void>;

export interface SubscribeOptions {
  /**
   * Competing consumers: of all the handlers subscribed with the same group, on every node, exactly one gets
   * each event (for work that must happen once per event, such as counting it). Without a group, every
   * handler on every node gets every event. Letters, digits, `_` and `-`.
   */
  group?: string;
}

export interface Subscription {
  /** Stops delivering to this handler. */
  unsubscribe(): Promise<void>;
}

const GROUP = /^[A-Za-z0-9_-]{1,100}$/;

/** Throws when a group name could not name a queue. */
export function checkGroup(group: string | undefined): void {
  if (group !== undefined && !GROUP.test(group))
    throw new Error(`Invalid event group "${group}": use 1 to 100 letters, digits, _ or -`);
}

export interface EventHub {
  /**
   * Publishes one event to every subscriber of the topic, on every node.
   * Resolves once the event is accepted (for a broker: confirmed by it); rejects if it cannot be.
   */
  publish(topic: EventTopic, event: HubEvent): Promise<void>;
  /**
   * Delivers every event of the topic published after this call resolves, on any node, to the handler; with
   * a `group`, to one handler of the group only.
   */
  subscribe(topic: EventTopic, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription>;
  /** True while events can be published and received. */
  isReady(): boolean;
  /** Called after each (re)connection, so that a node can pull a fresh snapshot. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}
