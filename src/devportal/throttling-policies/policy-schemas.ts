/** Throttling policies as a consumer sees them (WSO2 devportal v3 ThrottlingPolicy, ThrottlingPolicyList). */
import { Type, type Static } from 'typebox';
import { PageQuery, PageSchema } from '../../platform/pagination.js';

export const POLICY_LEVELS = ['application', 'subscription'] as const;

export const PortalPolicySchema = Type.Object({
  name: Type.String(),
  description: Type.Optional(Type.String()),
  policyLevel: Type.Enum(POLICY_LEVELS),
  attributes: Type.Record(Type.String(), Type.String()),
  /** Requests (REQUESTCOUNT) or data units (BANDWIDTHVOLUME) allowed per unitTime. */
  requestCount: Type.Integer(),
  dataUnit: Type.Optional(Type.String()),
  /** Milliseconds. */
  unitTime: Type.Integer(),
  timeUnit: Type.String(),
  rateLimitCount: Type.Integer(),
  rateLimitTimeUnit: Type.Optional(Type.String()),
  quotaPolicyType: Type.Enum(['REQUESTCOUNT', 'BANDWIDTHVOLUME']),
  tierPlan: Type.Enum(['FREE', 'COMMERCIAL']),
  stopOnQuotaReach: Type.Boolean(),
});
export type PortalPolicy = Static<typeof PortalPolicySchema>;

export const PortalPolicyListSchema = PageSchema(PortalPolicySchema);

export const PortalPolicyListQuerySchema = Type.Object(PageQuery);

export const PolicyLevelParams = Type.Object({ policyLevel: Type.Enum(POLICY_LEVELS) });
