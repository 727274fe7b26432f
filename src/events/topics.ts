/** Event topics (named after WSO2's JMS topics) and the envelope every event travels in. */
import { randomUUID } from 'node:crypto';
import { Type, type Static } from 'typebox';

export const EVENT_TOPICS = ['notification', 'throttleData', 'tokenRevocation', 'requests'] as const;
export type EventTopic = (typeof EVENT_TOPICS)[number];

export const HubEventSchema = Type.Object({
  /** Unique id, so that a receiver can drop duplicates. */
  id: Type.String(),
  /** What happened, e.g. `USER_DELETE`, `TOKEN_REVOKE`, `DEPLOY_API_IN_GATEWAY`. */
  type: Type.String(),
  /** Milliseconds since the epoch, when it happened. */
  timestamp: Type.Number(),
  /** The event's data; its shape depends on `type`. */
  payload: Type.Record(Type.String(), Type.Unknown()),
});
export type HubEvent = Static<typeof HubEventSchema>;

/** A new event of the given type, with a fresh id and the current time. */
export function newEvent(type: string, payload: Record<string, unknown>): HubEvent {
  return { id: randomUUID(), type, timestamp: Date.now(), payload };
}
