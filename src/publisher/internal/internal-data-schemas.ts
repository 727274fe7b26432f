/**
 * The internal data API's shapes: what a gateway or traffic manager of one environment pulls on start and on
 * reconnect (the snapshot), and what it fetches when told an API was deployed. Application, key mapping and
 * subscription entries have the shapes of their `notification` events, so one parser serves both.
 */
import { Type, type Static } from 'typebox';
import { ApplicationEventSchema, KeyMappingEventSchema } from '../../events/application-events.js';
import { SubscriptionEventSchema } from '../../events/subscription-events.js';
import { DenyPolicySchema } from '../admin/deny-policy-schemas.js';
import {
  AdvancedPolicySchema,
  ApplicationPolicySchema,
  SubscriptionPolicySchema,
} from '../admin/policy-schemas.js';
import { ApiSchema } from '../apis/api-schemas.js';

export const INTERNAL_BASE = '/internal/data/v1';

export const DeployedApiSchema = Type.Object({
  apiId: Type.String(),
  revisionId: Type.String(),
  environment: Type.String(),
  vhost: Type.String(),
  /** Milliseconds since the epoch. */
  deployedAt: Type.Integer(),
  /** The API as frozen in the revision: what the gateway runs. */
  api: ApiSchema,
});
export type DeployedApi = Static<typeof DeployedApiSchema>;

export const SnapshotSchema = Type.Object({
  environment: Type.String(),
  /** Milliseconds since the epoch; events after this time are newer than the snapshot. */
  generatedAt: Type.Integer(),
  apis: Type.Array(DeployedApiSchema),
  applications: Type.Array(ApplicationEventSchema),
  keyMappings: Type.Array(KeyMappingEventSchema),
  /** Subscriptions to the APIs of this snapshot. */
  subscriptions: Type.Array(SubscriptionEventSchema),
  policies: Type.Object({
    application: Type.Array(ApplicationPolicySchema),
    subscription: Type.Array(SubscriptionPolicySchema),
    advanced: Type.Array(AdvancedPolicySchema),
  }),
  denyPolicies: Type.Array(DenyPolicySchema),
});
export type Snapshot = Static<typeof SnapshotSchema>;

export const EnvironmentQuerySchema = Type.Object({
  environment: Type.String({ minLength: 1, maxLength: 255 }),
});
