/** Subscriptions as the publisher API v4 shows them to API providers (Subscription, SubscriptionList). */
import { Type, type Static } from 'typebox';
import { PageQuery, PageSchema } from '../../platform/pagination.js';

export const BLOCK_STATES = ['BLOCKED', 'PROD_ONLY_BLOCKED'] as const;

export const ProviderSubscriptionSchema = Type.Object({
  subscriptionId: Type.String(),
  applicationInfo: Type.Object({
    applicationId: Type.String(),
    name: Type.String(),
    subscriber: Type.String(),
    subscriptionCount: Type.Integer(),
  }),
  throttlingPolicy: Type.String(),
  subscriptionStatus: Type.String(),
});
export type ProviderSubscription = Static<typeof ProviderSubscriptionSchema>;

export const ProviderSubscriptionListSchema = PageSchema(ProviderSubscriptionSchema);

export const ProviderSubscriptionListQuerySchema = Type.Object({
  ...PageQuery,
  apiId: Type.Optional(Type.String({ maxLength: 64 })),
  /** Part of the application's name or of its owner's, case-insensitive. */
  query: Type.Optional(Type.String({ maxLength: 100 })),
});
export type ProviderSubscriptionListQuery = Static<typeof ProviderSubscriptionListQuerySchema>;

export const BlockQuerySchema = Type.Object({
  subscriptionId: Type.String({ maxLength: 64 }),
  blockState: Type.Enum(BLOCK_STATES),
});
export const UnblockQuerySchema = Type.Object({ subscriptionId: Type.String({ maxLength: 64 }) });
