/**
 * Throttling policies as WSO2's admin API v4 defines them (ApplicationThrottlePolicy,
 * SubscriptionThrottlePolicy, AdvancedThrottlePolicy), stricter where WSO2 only describes allowed values
 * in prose (time units, data units, limit types). The types of the Admin API come from these schemas.
 */
import { Type, type Static } from 'typebox';

export const TIME_UNITS = ['sec', 'min', 'hour', 'day'] as const;

const count = (description: string) =>
  Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description });

const LimitBase = {
  timeUnit: Type.Enum(TIME_UNITS, { description: 'sec, min, hour or day' }),
  unitTime: count('How many time units the limit spans.'),
};

export const RequestCountLimitSchema = Type.Object({
  ...LimitBase,
  requestCount: count('Requests allowed.'),
});
export const BandwidthLimitSchema = Type.Object({
  ...LimitBase,
  dataAmount: count('Data allowed.'),
  dataUnit: Type.Enum(['KB', 'MB', 'GB']),
});

export const ThrottleLimitSchema = Type.Union([
  Type.Object({ type: Type.Literal('REQUESTCOUNTLIMIT'), requestCount: RequestCountLimitSchema }),
  Type.Object({ type: Type.Literal('BANDWIDTHLIMIT'), bandwidth: BandwidthLimitSchema }),
]);
export type ThrottleLimit = Static<typeof ThrottleLimitSchema>;

const BurstFields = {
  rateLimitCount: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Burst control: requests allowed per unit.' }),
  ),
  rateLimitTimeUnit: Type.Optional(Type.Enum(['sec', 'min'], { description: 'Burst control time unit.' })),
};

/** The fields every policy has; `policyId` and `isDeployed` are the server's. */
const PolicyBase = {
  policyId: Type.Optional(Type.String({ readOnly: true })),
  policyName: Type.String({ minLength: 1, maxLength: 60, pattern: '^[A-Za-z0-9_.-]+$' }),
  displayName: Type.Optional(Type.String({ maxLength: 512 })),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  isDeployed: Type.Optional(Type.Boolean({ readOnly: true })),
};

export const ApplicationPolicySchema = Type.Object({
  ...PolicyBase,
  type: Type.Optional(Type.Literal('ApplicationThrottlePolicy')),
  defaultLimit: ThrottleLimitSchema,
  burstLimit: Type.Optional(Type.Object(BurstFields)),
});

export const SubscriptionPolicySchema = Type.Object({
  ...PolicyBase,
  type: Type.Optional(Type.Literal('SubscriptionThrottlePolicy')),
  defaultLimit: ThrottleLimitSchema,
  ...BurstFields,
  subscriberCount: Type.Optional(Type.Integer({ minimum: 0 })),
  customAttributes: Type.Optional(
    Type.Array(Type.Object({ name: Type.String({ minLength: 1 }), value: Type.String() }), { maxItems: 50 }),
  ),
  stopOnQuotaReach: Type.Optional(Type.Boolean({ default: true })),
  billingPlan: Type.Optional(Type.Enum(['FREE', 'COMMERCIAL'])),
});

/** IPv4 or IPv6 (checked with net.isIP when saved). */
const ipAddress = Type.String({ minLength: 2, maxLength: 45 });

export const ThrottleConditionSchema = Type.Union([
  Type.Object({
    type: Type.Literal('IPCONDITION'),
    invertCondition: Type.Optional(Type.Boolean()),
    ipCondition: Type.Union([
      Type.Object({ ipConditionType: Type.Literal('IPSPECIFIC'), specificIP: ipAddress }),
      Type.Object({ ipConditionType: Type.Literal('IPRANGE'), startingIP: ipAddress, endingIP: ipAddress }),
    ]),
  }),
  Type.Object({
    type: Type.Literal('HEADERCONDITION'),
    invertCondition: Type.Optional(Type.Boolean()),
    headerCondition: Type.Object({ headerName: Type.String({ minLength: 1 }), headerValue: Type.String() }),
  }),
  Type.Object({
    type: Type.Literal('QUERYPARAMETERCONDITION'),
    invertCondition: Type.Optional(Type.Boolean()),
    queryParameterCondition: Type.Object({
      parameterName: Type.String({ minLength: 1 }),
      parameterValue: Type.String(),
    }),
  }),
  Type.Object({
    type: Type.Literal('JWTCLAIMSCONDITION'),
    invertCondition: Type.Optional(Type.Boolean()),
    jwtClaimsCondition: Type.Object({ claimUrl: Type.String({ minLength: 1 }), attribute: Type.String() }),
  }),
]);

export type ThrottleCondition = Static<typeof ThrottleConditionSchema>;

export const AdvancedPolicySchema = Type.Object({
  ...PolicyBase,
  type: Type.Optional(Type.Literal('AdvancedThrottlePolicy')),
  defaultLimit: ThrottleLimitSchema,
  conditionalGroups: Type.Optional(
    Type.Array(
      Type.Object({
        description: Type.Optional(Type.String({ maxLength: 1024 })),
        conditions: Type.Array(ThrottleConditionSchema, { minItems: 1, maxItems: 20 }),
        limit: ThrottleLimitSchema,
      }),
      { maxItems: 50 },
    ),
  ),
});

export const POLICY_KINDS = {
  application: { schema: ApplicationPolicySchema, type: 'ApplicationThrottlePolicy' },
  subscription: { schema: SubscriptionPolicySchema, type: 'SubscriptionThrottlePolicy' },
  advanced: { schema: AdvancedPolicySchema, type: 'AdvancedThrottlePolicy' },
} as const;
export type PolicyKind = keyof typeof POLICY_KINDS;

export type ApplicationPolicy = Static<typeof ApplicationPolicySchema>;
export type SubscriptionPolicy = Static<typeof SubscriptionPolicySchema>;
export type AdvancedPolicy = Static<typeof AdvancedPolicySchema>;
export type Policy = ApplicationPolicy | SubscriptionPolicy | AdvancedPolicy;

export const policyListSchema = <T extends PolicyKind>(kind: T) =>
  Type.Object({ count: Type.Integer(), list: Type.Array(POLICY_KINDS[kind].schema) });
export type PolicyList<K extends PolicyKind> = Static<ReturnType<typeof policyListSchema<K>>>;
