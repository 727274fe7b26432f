/**
 * The node's event hub, used from a worker thread: the worker publishes and subscribes through messages to
 * the thread that holds the hub (`serveHub`), which publishes and subscribes for it. An event reaches the
 * worker as a copy, frozen as a broker's hub freezes what it receives; the hub waits for the worker's handler
 * as it would for one of its own. Reconnections of the hub reach the worker's listeners too.
 */
import { freezeEvent } from './frozen-event.js';
import type { EventHandler, EventHub, SubscribeOptions, Subscription } from './hub.js';
import type { EventTopic, HubEvent } from './topics.js';
import type { ThreadChannel } from '../platform/thread-channel.js';

/** What the worker asks of the hub's thread. */
export type HubRequests = {
  publish: { body: { topic: EventTopic; event: HubEvent }; answer: void };
  subscribe: {
    body: { subscription: number; topic: EventTopic; options: SubscribeOptions | undefined };
    answer: void;
  };
  unsubscribe: { body: { subscription: number }; answer: void };
};

/** What the hub's thread tells the worker. */
export type HubDeliveries = {
  event: { body: { subscription: number; event: HubEvent }; answer: void };
  reconnected: { body: undefined; answer: void };
};

/** The worker's side: an EventHub whose calls go to the hub's thread. */
export class ThreadHub implements EventHub {
  readonly #handlers = new Map<number, EventHandler>();
  readonly #reconnectListeners: (() => void)[] = [];
  #lastSubscription = 0;
  #closed = false;

  constructor(private readonly channel: ThreadChannel<HubRequests, HubDeliveries>) {
    channel.on('event', ({ subscription, event }) => this.#handlers.get(subscription)?.(freezeEvent(event)));
    channel.on('reconnected', () => {
      for (const listener of this.#reconnectListeners) listener();
    });
  }

  async publish(topic: EventTopic, event: HubEvent): Promise<void> {
    this.#open('publish');
    await this.channel.call('publish', { topic, event: freezeEvent(event) });
  }

  async subscribe(
    topic: EventTopic,
    handler: EventHandler,
    options?: SubscribeOptions,
  ): Promise<Subscription> {
    this.#open('subscribe');
    const subscription = ++this.#lastSubscription;
    this.#handlers.set(subscription, handler);
    await this.channel.call('subscribe', { subscription, topic, options });
    return {
      unsubscribe: async () => {
        this.#handlers.delete(subscription);
        await this.channel.call('unsubscribe', { subscription });
      },
    };
  }

  /** Open (not closed): the node's own readiness says whether its hub is connected. */
  isReady(): boolean {
    return !this.#closed;
  }

  onReconnect(listener: () => void): void {
    this.#reconnectListeners.push(listener);
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#handlers.clear();
    return Promise.resolve();
  }

  #open(action: string): void {
    if (this.#closed) throw new Error(`Cannot ${action}: the event hub is closed`);
  }
}

/**
 * The hub's side: publishes and subscribes for the worker at the other end of the channel. `close` ends the
 * worker's subscriptions (when the worker has stopped or is gone).
 */
export function serveHub(
  hub: EventHub,
  channel: ThreadChannel<HubDeliveries, HubRequests>,
): { close(): Promise<void> } {
  const subscriptions = new Map<number, Promise<Subscription>>();
  let closed = false;
  channel.on('publish', ({ topic, event }) => hub.publish(topic, event));
  channel.on('subscribe', async ({ subscription, topic, options }) => {
    if (closed) throw new Error('Cannot subscribe: the event hub is no longer served to this thread');
    const subscribed = hub.subscribe(
      topic,
      (event) => channel.call('event', { subscription, event }),
      options,
    );
    subscriptions.set(subscription, subscribed);
    await subscribed.catch((err: unknown) => {
      subscriptions.delete(subscription);
      throw err;
    });
  });
  channel.on('unsubscribe', async ({ subscription }) => {
    const subscribed = subscriptions.get(subscription);
    subscriptions.delete(subscription);
    await (await subscribed)?.unsubscribe();
  });
  hub.onReconnect(() => {
    if (!closed) channel.send('reconnected', undefined);
  });
  let closing: Promise<void> | undefined;
  return {
    close() {
      closed = true;
      closing ??= Promise.all(
        [...subscriptions.values()].map(async (subscribed) => (await subscribed).unsubscribe()),
      ).then(() => subscriptions.clear());
      return closing;
    },
  };
}
