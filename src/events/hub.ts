/**
 * The event hub: how components tell each other that something changed.
 * Events are for freshness, not for state: a node that (re)connects pulls a fresh snapshot,
 * so a missed event is never a lost update.
 */
import type { EventTopic, HubEvent } from './topics.js';

export type EventHandler = (event: HubEvent) => void | Promise<void>;

export interface Subscription {
  /** Stops delivering to this handler. */
  unsubscribe(): Promise<void>;
}

export interface EventHub {
  /**
   * Publishes one event to every subscriber of the topic, on every node.
   * Resolves once the event is accepted (for a broker: confirmed by it); rejects if it cannot be.
   */
  publish(topic: EventTopic, event: HubEvent): Promise<void>;
  /** Delivers every event of the topic published after this call resolves, on any node, to the handler. */
  subscribe(topic: EventTopic, handler: EventHandler): Promise<Subscription>;
  /** True while events can be published and received. */
  isReady(): boolean;
  /** Called after each (re)connection, so that a node can pull a fresh snapshot. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}
