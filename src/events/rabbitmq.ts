/**
 * The event hub across nodes, on RabbitMQ.
 *
 * Every topic is a durable fanout exchange `<cluster>.<topic>` (`portcullis.notification`); every node binds
 * its own queue `<cluster>.<topic>.<nodeId>` to it. Clusters of other names on the same broker never see
 * each other's events. The queues are exclusive and auto-delete, so a dead node leaves
 * nothing behind, and events missed while disconnected are simply lost: `onReconnect` listeners are
 * told after each reconnection (once the queues are bound again) so they can pull a fresh snapshot.
 *
 * A subscription with a group (competing consumers) instead shares the durable queue
 * `<cluster>.<topic>:<group>` with the same group's subscriptions on every node (`:` cannot occur in a node
 * name, so it never meets a node's queue); each message goes to one of them and is acknowledged once
 * handled, so events published while no member runs wait for one. The queue keeps at most
 * GROUP_QUEUE_MAX_LENGTH messages (the oldest go first), so that a group nobody serves any more cannot fill
 * the broker.
 */
import {
  Connection,
  ConsumerStatus,
  type AsyncMessage,
  type Consumer,
  type Publisher,
} from 'rabbitmq-client';
import type { Logger } from 'pino';
import { Compile } from 'typebox/compile';
import { dispatch, logHandlerErrors, type HandlerEntry, type HandlerErrorListener } from './in-process.js';
import {
  checkGroup,
  type EventHandler,
  type EventHub,
  type SubscribeOptions,
  type Subscription,
} from './hub.js';
import { freezeEvent } from './frozen-event.js';
import { EVENT_TOPICS, HubEventSchema, type EventTopic, type HubEvent } from './topics.js';

/** Compiled once: checked on every event received. */
const HubEventValidator = Compile(HubEventSchema);

export interface RabbitMqEventHubOptions {
  /**
   * `amqp://` or `amqps://` URLs of the nodes of one cluster, tried in this order (round-robin on
   * reconnection). They must share protocol, user, password and virtual host, because rabbitmq-client
   * fails over between hosts with one set of credentials.
   */
  brokers: string[];
  /** Unique per running node: it names this node's queues. */
  nodeId: string;
  /** Names the exchanges (`<cluster>.<topic>`). Default `portcullis`. */
  cluster?: string;
  logger: Logger;
  /** Upper bound of the exponential back-off between reconnection attempts. Default 30 000. */
  reconnectMaxDelayMs?: number;
  /**
   * How long `connect` waits for the first connection, and publish or subscribe wait for a reconnection,
   * before they reject; also the most `close` waits for a graceful shutdown. Default 10 000.
   */
  connectTimeoutMs?: number;
  /** Default: logged at error level. */
  onHandlerError?: HandlerErrorListener;
}

/** Messages a group's queue keeps while its members fall behind or are all gone. */
export const GROUP_QUEUE_MAX_LENGTH = 100_000;
/** Unacknowledged messages a group member holds at once: the rest stay for the other members. */
const GROUP_PREFETCH = 100;

/** One queue and consumer per topic (and per group), shared by all of the hub's handlers of it. */
interface TopicQueue {
  consumer: Consumer;
  /** Set for a group's shared queue. */
  group: string | undefined;
  handlers: Set<HandlerEntry>;
  /** Settles when the queue is first bound (or cannot be). */
  bound: Promise<void>;
}

/** True if the promise settles (either way) within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** A broker URL fit for logs and error messages: the password is replaced. */
function maskBroker(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a valid URL)';
  }
}

/** A broker list that cannot work whatever the brokers do: retrying would not help. */
export class BrokerConfigError extends Error {
  override name = 'BrokerConfigError';
}

/** The `host:port` list for rabbitmq-client, after checking that one set of credentials fits all brokers. */
function brokerHosts(brokers: string[]): string[] {
  if (brokers.length === 0)
    throw new BrokerConfigError('No RabbitMQ broker given: list at least one amqp:// URL');
  const urls = brokers.map((broker, index) => {
    let url: URL;
    try {
      url = new URL(broker);
    } catch {
      throw new BrokerConfigError(
        `RabbitMQ broker #${index + 1} is not a valid URL; expected amqp://user:password@host:port`,
      );
    }
    if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') {
      throw new BrokerConfigError(`RabbitMQ broker ${maskBroker(broker)} must be an amqp:// or amqps:// URL`);
    }
    // rabbitmq-client splits `host:port` on the first colon, which an IPv6 literal would break.
    if (url.hostname.includes(':')) {
      throw new BrokerConfigError(
        `RabbitMQ broker ${maskBroker(broker)}: IPv6 addresses are not supported, use a host name`,
      );
    }
    return url;
  });
  const [first] = urls as [URL, ...URL[]];
  for (const [index, url] of urls.entries()) {
    const same =
      url.protocol === first.protocol &&
      url.username === first.username &&
      url.password === first.password &&
      url.pathname === first.pathname;
    if (!same) {
      throw new BrokerConfigError(
        `RabbitMQ brokers ${maskBroker(brokers[0] ?? '')} and ${maskBroker(brokers[index] ?? '')} differ in ` +
          'protocol, user, password or virtual host; all brokers must share them',
      );
    }
  }
  return urls.map((url) => (url.port ? `${url.hostname}:${url.port}` : url.hostname));
}

export class RabbitMqEventHub implements EventHub {
  private readonly nodeId: string;
  private readonly cluster: string;
  private readonly closeTimeoutMs: number;
  private readonly connection: Connection;
  private readonly publisher: Publisher;
  /** By `<topic>` for the node's own queues, `<topic>:<group>` for groups' shared ones. */
  private readonly topics = new Map<string, TopicQueue>();
  private readonly reconnectListeners: Array<() => void> = [];
  private readonly logger: Logger;
  private readonly onHandlerError: HandlerErrorListener;
  /** Rejects the subscriptions still waiting to be bound when the hub closes. */
  private readonly closing = new AbortController();
  private hasConnected = false;
  /** The queues not yet bound again since the last reconnection; undefined when all are. */
  private rebinding: Set<TopicQueue> | undefined;
  private closed = false;

  /** Connects to the first reachable broker; rejects if none is reachable within `connectTimeoutMs`. */
  static async connect(options: RabbitMqEventHubOptions): Promise<RabbitMqEventHub> {
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const hub = new RabbitMqEventHub(options, timeoutMs);
    try {
      await hub.connection.onConnect(timeoutMs, true);
    } catch (err) {
      await hub.close();
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
      const reason = cause instanceof Error ? `; last error: ${cause.message}` : '';
      throw new Error(
        `Could not connect to RabbitMQ at ${options.brokers.map(maskBroker).join(', ')} within ${timeoutMs} ms` +
          `${reason}. Check that a broker is running there and that the user and password are right.`,
        { cause },
      );
    }
    return hub;
  }

  private constructor(options: RabbitMqEventHubOptions, timeoutMs: number) {
    if (!options.nodeId)
      throw new BrokerConfigError('The event hub needs a nodeId: it names the queues of this node');
    const retryHigh = options.reconnectMaxDelayMs ?? 30_000;
    const hosts = brokerHosts(options.brokers);
    this.nodeId = options.nodeId;
    this.cluster = options.cluster ?? 'portcullis';
    this.closeTimeoutMs = timeoutMs;
    this.logger = options.logger.child({ component: 'event-hub', nodeId: options.nodeId });
    this.onHandlerError = options.onHandlerError ?? logHandlerErrors(this.logger);
    this.connection = new Connection({
      url: options.brokers[0],
      hosts,
      retryLow: Math.min(1000, retryHigh),
      retryHigh,
      // Each attempt gets its share of the time, so that a black-holed first broker leaves time for the next.
      connectionTimeout: Math.max(1000, Math.floor(timeoutMs / hosts.length)),
      acquireTimeout: timeoutMs,
      // Shows the node in the management UI and lets operators (and tests) find its connection.
      connectionName: `portcullis.${options.nodeId}`,
      // Events are small and latency matters (throttle counts every 10 ms): no Nagle delay (20-40 ms seen).
      noDelay: true,
    });
    this.logger.info({ brokers: options.brokers.map(maskBroker) }, 'Connecting to RabbitMQ');
    this.connection.on('error', (err: unknown) => {
      // rabbitmq-client reports the first failure of each outage only, and its messages carry no URL.
      this.logger.warn({ err }, 'RabbitMQ connection failed; reconnecting with back-off');
    });
    this.connection.on('connection', () => this.connected());
    this.publisher = this.connection.createPublisher({
      confirm: true,
      // One retry, after a reconnection, for a publish cut off by a dropped connection. Receivers drop
      // duplicates by event id.
      maxAttempts: 2,
      exchanges: EVENT_TOPICS.map((topic) => ({
        exchange: this.exchange(topic),
        type: 'fanout',
        durable: true,
      })),
    });
  }

  async publish(topic: EventTopic, event: HubEvent): Promise<void> {
    const action = `publish a ${event.type} event to topic "${topic}"`;
    this.assertOpen(action);
    // The same check as the in-process hub's, so that an event behaves alike on either (frozen-event.ts).
    freezeEvent(event);
    try {
      await this.publisher.send({ exchange: this.exchange(topic), messageId: event.id }, event);
    } catch (err) {
      throw new Error(`Could not ${action}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
  }

  async subscribe(
    topic: EventTopic,
    handler: EventHandler,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    const { group } = options;
    const action = `subscribe to topic "${topic}"${group === undefined ? '' : ` in group "${group}"`}`;
    this.assertOpen(action);
    checkGroup(group);
    const key = group === undefined ? topic : `${topic}:${group}`;
    const queue = this.topics.get(key) ?? this.bindQueue(topic, key, group);
    const entry = { handler };
    queue.handlers.add(entry);
    try {
      await queue.bound;
    } catch (err) {
      queue.handlers.delete(entry);
      throw new Error(`Could not ${action}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
    return {
      unsubscribe: async () => {
        queue.handlers.delete(entry);
        // A group's last member here stops consuming, so that the other nodes' members get the messages.
        // A node's own queue stays bound without handlers until close: rebinding on the next subscribe would
        // race with the auto-delete of the old queue, and there are only a few topics.
        if (queue.group !== undefined && queue.handlers.size === 0 && this.topics.get(key) === queue) {
          this.topics.delete(key);
          await queue.consumer.close();
        }
      },
    };
  }

  isReady(): boolean {
    return !this.closed && this.connection.ready && this.rebinding === undefined;
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /** Closes gracefully, letting running handlers finish, but never waits longer than `connectTimeoutMs`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    // Closing the connection first stops reconnection, so that consumers waiting for it give up at once.
    const connectionClosed = this.connection.close();
    const graceful = Promise.allSettled([
      ...[...this.topics.values()].map((queue) => queue.consumer.close()),
      this.publisher.close(),
    ]).then(() => connectionClosed);
    this.topics.clear();
    // rabbitmq-client 5.0.8's close() never settles when the socket dies while it closes, and a handler
    // may hang: a shutdown must not hang with them.
    if (!(await settlesWithin(graceful, this.closeTimeoutMs))) {
      this.logger.warn(
        { timeoutMs: this.closeTimeoutMs },
        'RabbitMQ did not close in time; dropping the connection',
      );
      this.connection.unsafeDestroy();
    }
  }

  private exchange(topic: EventTopic): string {
    return `${this.cluster}.${topic}`;
  }

  private bindQueue(topic: EventTopic, key: string, group: string | undefined): TopicQueue {
    const exchange = this.exchange(topic);
    const handlers: TopicQueue['handlers'] = new Set();
    let turn = 0;
    // A group's message is for one of its handlers: on this node too, they take turns.
    const receivers = (): Iterable<HandlerEntry> => {
      if (group === undefined) return handlers;
      const list = [...handlers];
      const one = list[turn++ % list.length];
      return one ? [one] : [];
    };
    const receive = (message: AsyncMessage) => this.receive(topic, receivers(), message);
    const consumer =
      group === undefined
        ? this.connection.createConsumer(
            {
              queue: `${exchange}.${this.nodeId}`,
              queueOptions: { exclusive: true, autoDelete: true, durable: false },
              exchanges: [{ exchange, type: 'fanout', durable: true }],
              queueBindings: [{ exchange, queue: `${exchange}.${this.nodeId}` }],
              // Nothing to redeliver: the queue dies with the connection, and handler failures are reported.
              noAck: true,
            },
            receive,
          )
        : this.connection.createConsumer(
            {
              queue: `${exchange}:${group}`,
              queueOptions: {
                durable: true,
                exclusive: false,
                autoDelete: false,
                arguments: { 'x-max-length': GROUP_QUEUE_MAX_LENGTH },
              },
              qos: { prefetchCount: GROUP_PREFETCH },
              exchanges: [{ exchange, type: 'fanout', durable: true }],
              queueBindings: [{ exchange, queue: `${exchange}:${group}` }],
              // Handler failures are reported, not retried: redelivering would only fail again.
              requeue: false,
            },
            // A message that arrives after the last handler left goes back for another member.
            (message) => (handlers.size === 0 ? ConsumerStatus.REQUEUE : receive(message)),
          );
    const bound = new Promise<void>((resolve, reject) => {
      consumer.once('ready', resolve);
      consumer.once('error', reject);
      this.closing.signal.addEventListener('abort', () => reject(new Error('the event hub was closed')), {
        once: true,
      });
    });
    const queue: TopicQueue = { consumer, group, handlers, bound };
    consumer.on('ready', () => this.rebound(queue));
    consumer.on('error', (err: unknown) => {
      if (!this.closed)
        this.logger.warn({ err, topic }, 'RabbitMQ consumer failed; it retries with back-off');
    });
    bound.catch(() => {
      if (this.closed) return;
      // A queue that could not be bound is dropped, so that the next subscribe tries again.
      if (this.topics.get(key) === queue) this.topics.delete(key);
      this.rebound(queue);
      consumer.close().catch(() => undefined);
    });
    this.topics.set(key, queue);
    return queue;
  }

  private receive(
    topic: EventTopic,
    handlers: Iterable<HandlerEntry>,
    message: AsyncMessage,
  ): Promise<void> | void {
    const event: unknown = message.body;
    if (!HubEventValidator.Check(event)) {
      // The payload is not logged: it may hold personal data or secrets.
      const errors = HubEventValidator.Errors(event)
        .slice(0, 5)
        .map((error) => `${error.instancePath || '/'} ${error.message}`);
      this.logger.warn(
        { topic, messageId: message.messageId, contentType: message.contentType, errors },
        'Dropped an event that does not match the event schema',
      );
      return;
    }
    // Frozen as the in-process hub's events are: a handler that changes one fails with either hub.
    return dispatch(handlers, topic, freezeEvent(event), this.onHandlerError);
  }

  private connected(): void {
    if (!this.hasConnected) {
      this.hasConnected = true;
      this.logger.info('Connected to RabbitMQ');
      return;
    }
    // Listeners pull a snapshot; they must wait until the queues are bound again, or an event published
    // between the snapshot and the binding would be lost.
    this.rebinding = new Set(this.topics.values());
    this.logger.info({ queues: this.rebinding.size }, 'Reconnected to RabbitMQ; binding the queues again');
    this.checkRebound();
  }

  private rebound(queue: TopicQueue): void {
    if (!this.rebinding) return;
    this.rebinding.delete(queue);
    this.checkRebound();
  }

  private checkRebound(): void {
    if (!this.rebinding || this.rebinding.size > 0) return;
    this.rebinding = undefined;
    this.logger.info('Event hub ready again after reconnection');
    for (const listener of this.reconnectListeners) {
      // A failing listener must not keep the others from their snapshot.
      Promise.resolve()
        .then(listener)
        .catch((err: unknown) => this.logger.error({ err }, 'A reconnection listener failed'));
    }
  }

  private assertOpen(action: string): void {
    if (this.closed) throw new Error(`Cannot ${action}: the event hub is closed`);
  }
}
