/**
 * Deny policies as WSO2's admin API v4 defines them (BlockingCondition). WSO2's definition types
 * `conditionValue` as an object, but WSO2 itself and its clients send and return a string for API
 * (`/context/version`), APPLICATION (`owner:name`) and USER, and an object for IP (`{fixedIp, invert}`) and
 * IPRANGE (`{startingIp, endingIp, invert}`); we follow what WSO2 does, so its scripts work unchanged.
 */
import { Type, type Static } from 'typebox';

export const DENY_TYPES = ['API', 'APPLICATION', 'IP', 'IPRANGE', 'USER'] as const;
export type DenyType = (typeof DENY_TYPES)[number];

export const IpValueSchema = Type.Object(
  { fixedIp: Type.String({ maxLength: 64 }), invert: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const IpRangeValueSchema = Type.Object(
  {
    startingIp: Type.String({ maxLength: 64 }),
    endingIp: Type.String({ maxLength: 64 }),
    invert: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const DenyPolicySchema = Type.Object({
  conditionId: Type.Optional(Type.String({ readOnly: true })),
  conditionType: Type.Enum(DENY_TYPES),
  conditionValue: Type.Union([
    Type.String({ minLength: 1, maxLength: 512 }),
    Type.Record(Type.String(), Type.Unknown()),
  ]),
  conditionStatus: Type.Optional(Type.Boolean({ default: true })),
});
export type DenyPolicy = Static<typeof DenyPolicySchema>;

export const DenyPolicyListSchema = Type.Object({
  count: Type.Integer(),
  list: Type.Array(DenyPolicySchema),
});

export const DenyPolicyStatusSchema = Type.Object({
  conditionId: Type.Optional(Type.String()),
  conditionStatus: Type.Boolean(),
});

export const DenyPolicyListQuerySchema = Type.Object({
  /** `conditionType:API`, `conditionValue:/pizza/1.0.0`, or both, space-separated. */
  query: Type.Optional(Type.String({ maxLength: 600 })),
});
