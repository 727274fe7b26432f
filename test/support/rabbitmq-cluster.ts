/**
 * An `event_hub.cluster` name of a suite's own, so that its nodes see no other suite's events on the shared
 * broker, and the removal of its exchanges and of the analytics group's queue (durable, they would outlive the
 * suite) when the suite is done. The nodes' own queues are auto-deleted with their connections.
 */
import { randomBytes } from 'node:crypto';
import { Connection } from 'rabbitmq-client';
import { ANALYTICS_GROUP } from '../../src/analytics/component.js';
import { EVENT_TOPICS } from '../../src/events/topics.js';
import { RABBITMQ_URL } from './services.js';

export function uniqueCluster(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function deleteClusterExchanges(cluster: string): Promise<void> {
  const connection = new Connection({ url: RABBITMQ_URL, retryLow: 100, retryHigh: 500 });
  connection.on('error', () => {});
  try {
    await connection.onConnect(5000, true);
    for (const topic of EVENT_TOPICS) await connection.exchangeDelete({ exchange: `${cluster}.${topic}` });
    await connection.queueDelete({ queue: `${cluster}.requests:${ANALYTICS_GROUP}` });
  } finally {
    await connection.close();
  }
}
