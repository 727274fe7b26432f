/**
 * What gateways learn of applications: APPLICATION_CREATE|UPDATE|DELETE, and the key mappings that tie a
 * token's client to an application (APPLICATION_REGISTRATION_CREATE, REMOVE_APPLICATION_KEYMAPPING), on
 * `notification`. The internal data API serves the same shapes in its snapshot.
 */
import { Type, type Static } from 'typebox';
import type { Tables } from '../store/tables.js';

export const ApplicationEventSchema = Type.Object({
  applicationId: Type.String(),
  name: Type.String(),
  owner: Type.String(),
  throttlingPolicy: Type.String(),
  /** JWT or OAUTH. */
  tokenType: Type.String(),
});
export type ApplicationEvent = Static<typeof ApplicationEventSchema>;

export const KeyMappingEventSchema = Type.Object({
  applicationId: Type.String(),
  keyMappingId: Type.String(),
  /** The OAuth2 client_id. */
  consumerKey: Type.String(),
  /** PRODUCTION or SANDBOX. */
  keyType: Type.String(),
});
export type KeyMappingEvent = Static<typeof KeyMappingEventSchema>;

export function applicationEvent(row: Tables['applications']): ApplicationEvent {
  return {
    applicationId: row.id,
    name: row.name,
    owner: row.owner,
    throttlingPolicy: row.throttling_policy,
    tokenType: row.token_type,
  };
}

export function keyMappingEvent(row: Tables['application_keys']): KeyMappingEvent {
  return {
    applicationId: row.application_id,
    keyMappingId: row.id,
    consumerKey: row.consumer_key,
    keyType: row.key_type,
  };
}
