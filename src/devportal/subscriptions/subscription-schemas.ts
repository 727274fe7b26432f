/** Subscriptions as WSO2's devportal API v3 defines them (Subscription, SubscriptionList). */
import { Type, type Static } from 'typebox';
import { PageQuery, PageSchema } from '../../platform/pagination.js';
import { ApplicationInfoSchema } from '../applications/application-schemas.js';
import { PortalApiInfoSchema } from '../catalogue/catalogue-schemas.js';

export const SUBSCRIPTION_STATUSES = [
  'BLOCKED',
  'PROD_ONLY_BLOCKED',
  'UNBLOCKED',
  'ON_HOLD',
  'REJECTED',
  'TIER_UPDATE_PENDING',
  'DELETE_PENDING',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

const Id = Type.String({ minLength: 1, maxLength: 64 });

export const SubscriptionSchema = Type.Object({
  subscriptionId: Type.Optional(Type.String({ readOnly: true })),
  applicationId: Id,
  apiId: Id,
  apiInfo: Type.Optional(PortalApiInfoSchema),
  applicationInfo: Type.Optional(ApplicationInfoSchema),
  throttlingPolicy: Type.String({ minLength: 1, maxLength: 60 }),
  requestedThrottlingPolicy: Type.Optional(Type.String({ maxLength: 60 })),
  status: Type.Optional(Type.Enum(SUBSCRIPTION_STATUSES)),
});
export type Subscription = Static<typeof SubscriptionSchema>;

export const SubscriptionListSchema = PageSchema(SubscriptionSchema);

export const SubscriptionListQuerySchema = Type.Object({
  ...PageQuery,
  applicationId: Type.Optional(Id),
  apiId: Type.Optional(Id),
});
export type SubscriptionListQuery = Static<typeof SubscriptionListQuerySchema>;

export const SubscriptionParams = Type.Object({ subscriptionId: Type.String({ maxLength: 64 }) });
