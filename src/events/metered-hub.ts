/**
 * An event hub that counts what goes through it, for the node's /metrics: events published and received per
 * topic, failures, and whether the hub is connected. It wraps whichever hub the configuration picked, so the
 * in-process and RabbitMQ hubs stay free of metrics.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EventHandler, EventHub, SubscribeOptions, Subscription } from './hub.js';
import { EVENT_TOPICS, type EventTopic, type HubEvent } from './topics.js';

type PerTopic = ReadonlyMap<EventTopic, { inc(): void }>;

/**
 * The children of a counter, one per topic, made once (gateways publish often, and labels are hashed) and
 * shown at 0 from the start, so that a rate over them has a beginning.
 */
function perTopic(counter: Counter<'topic'>): PerTopic {
  return new Map(
    EVENT_TOPICS.map((topic) => {
      const child = counter.labels({ topic });
      child.inc(0);
      return [topic, child];
    }),
  );
}

export class MeteredEventHub implements EventHub {
  readonly #hub: EventHub;
  readonly #published: PerTopic;
  readonly #publishFailures: PerTopic;
  readonly #received: PerTopic;
  readonly #handlerFailures: PerTopic;
  /**
   * Events already counted as received. A hub hands one event object to every handler of its topic, so this
   * counts each event once, however many handlers the node has for it.
   */
  readonly #seen = new WeakSet<HubEvent>();

  constructor(hub: EventHub, registry: Registry) {
    this.#hub = hub;
    const counter = (name: string, help: string) =>
      perTopic(new Counter({ name, help, labelNames: ['topic'] as const, registers: [registry] }));
    this.#published = counter(
      'portcullis_event_hub_published_total',
      'Events this node published on the event hub (accepted: confirmed by the broker), by topic.',
    );
    this.#publishFailures = counter(
      'portcullis_event_hub_publish_failures_total',
      'Events this node could not publish (broker unreachable or refusing, or an event that is not plain JSON), by topic.',
    );
    this.#received = counter(
      'portcullis_event_hub_received_total',
      'Events this node received from the event hub, by topic.',
    );
    this.#handlerFailures = counter(
      'portcullis_event_hub_handler_failures_total',
      'Received events that a handler of this node failed to apply (see the log), by topic.',
    );
    new Gauge({
      name: 'portcullis_event_hub_connected',
      help: '1 while this node can publish and receive events, 0 while its event hub is disconnected.',
      registers: [registry],
      collect() {
        this.set(hub.isReady() ? 1 : 0);
      },
    });
    const reconnections = new Counter({
      name: 'portcullis_event_hub_reconnections_total',
      help: 'Times this node reconnected to the event hub after losing it (and pulled fresh state).',
      registers: [registry],
    });
    hub.onReconnect(() => reconnections.inc());
  }

  async publish(topic: EventTopic, event: HubEvent): Promise<void> {
    try {
      await this.#hub.publish(topic, event);
    } catch (err) {
      this.#publishFailures.get(topic)?.inc();
      throw err;
    }
    this.#published.get(topic)?.inc();
  }

  subscribe(topic: EventTopic, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription> {
    const received = this.#received.get(topic);
    const failed = this.#handlerFailures.get(topic);
    const metered: EventHandler = async (event) => {
      if (!this.#seen.has(event)) {
        this.#seen.add(event);
        received?.inc();
      }
      try {
        await handler(event);
      } catch (err) {
        failed?.inc();
        throw err;
      }
    };
    return this.#hub.subscribe(topic, metered, options);
  }

  isReady(): boolean {
    return this.#hub.isReady();
  }

  onReconnect(listener: () => void): void {
    this.#hub.onReconnect(listener);
  }

  close(): Promise<void> {
    return this.#hub.close();
  }
}
