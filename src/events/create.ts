/** The one place that picks the event hub implementation from configuration. */
import type { Logger } from 'pino';
import type { EventHub } from './hub.js';
import { InProcessEventHub, logHandlerErrors } from './in-process.js';
import { RabbitMqEventHub } from './rabbitmq.js';

export interface CreateEventHubOptions {
  /** `in-process` for a single node; `rabbitmq` when several nodes must see each other's events. */
  type: 'in-process' | 'rabbitmq';
  /** RabbitMQ `amqp://` URLs in failover order; unused in-process. */
  brokers: string[];
  /** Unique per running node; names its RabbitMQ queues. */
  nodeId: string;
  /** Names the RabbitMQ exchanges of this cluster. */
  cluster?: string;
  logger: Logger;
  /** Upper bound of the back-off between RabbitMQ reconnection attempts. */
  reconnectMaxDelayMs?: number;
}

/** A ready hub: for RabbitMQ, connected (or rejected with the reason none of the brokers was reachable). */
export async function createEventHub(options: CreateEventHubOptions): Promise<EventHub> {
  switch (options.type) {
    case 'in-process':
      return new InProcessEventHub({ onHandlerError: logHandlerErrors(options.logger) });
    case 'rabbitmq':
      return RabbitMqEventHub.connect({
        brokers: options.brokers,
        nodeId: options.nodeId,
        cluster: options.cluster,
        logger: options.logger,
        reconnectMaxDelayMs: options.reconnectMaxDelayMs,
      });
  }
}
