/**
 * Publishes a control-plane change on `notification` without waiting for the broker. The database already
 * holds the change, and a node that misses the event pulls a fresh snapshot when it reconnects, so a failed
 * publish is logged, never failing (or delaying) the caller.
 */
import type { Logger } from '../platform/logger.js';
import type { EventHub } from './hub.js';
import { newEvent } from './topics.js';

export function notify(hub: EventHub, logger: Logger, type: string, payload: Record<string, unknown>): void {
  void hub.publish('notification', newEvent(type, payload)).catch((err: unknown) => {
    logger.error({ err, type, payload }, 'could not publish a notification event');
  });
}
