/**
 * SUBSCRIPTIONS_CREATE|UPDATE|DELETE on `notification`: the Developer Portal subscribes and unsubscribes, the
 * Publisher blocks and unblocks. Gateways keep (application, API) → tier and status from these.
 */
import { Type, type Static } from 'typebox';
import type { Tables } from '../store/tables.js';

export const SubscriptionEventSchema = Type.Object({
  subscriptionId: Type.String(),
  applicationId: Type.String(),
  apiId: Type.String(),
  throttlingPolicy: Type.String(),
  status: Type.String(),
});
export type SubscriptionEvent = Static<typeof SubscriptionEventSchema>;

export function subscriptionEvent(row: Tables['subscriptions']): SubscriptionEvent {
  return {
    subscriptionId: row.id,
    applicationId: row.application_id,
    apiId: row.api_id,
    throttlingPolicy: row.throttling_policy,
    status: row.status,
  };
}
