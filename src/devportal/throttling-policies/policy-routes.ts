/**
 * GET /throttling-policies/{policyLevel}: the application and subscription policies a consumer chooses from
 * (an application's throttling tier, a subscription's tier), read from the Admin API's policies. Open like the
 * catalogue: the tiers of an API are public.
 */
import type { App } from '../../platform/http-server.js';
import { pageOfAll } from '../../platform/pagination.js';
import type {
  ApplicationPolicy,
  SubscriptionPolicy,
  ThrottleLimit,
} from '../../publisher/admin/policy-schemas.js';
import type { PolicyService } from '../../publisher/admin/policy-service.js';
import { TIME_UNIT_MS } from '../../throttle/limits.js';
import { DEVPORTAL_BASE, type DevportalGuards } from '../devportal-base.js';
import {
  PolicyLevelParams,
  PortalPolicyListQuerySchema,
  PortalPolicyListSchema,
  type PortalPolicy,
} from './policy-schemas.js';

function limitFields(limit: ThrottleLimit) {
  if (limit.type === 'REQUESTCOUNTLIMIT') {
    const { requestCount, timeUnit, unitTime } = limit.requestCount;
    return {
      quotaPolicyType: 'REQUESTCOUNT' as const,
      requestCount,
      timeUnit,
      unitTime: unitTime * TIME_UNIT_MS[timeUnit],
    };
  }
  const { dataAmount, dataUnit, timeUnit, unitTime } = limit.bandwidth;
  return {
    quotaPolicyType: 'BANDWIDTHVOLUME' as const,
    requestCount: dataAmount,
    dataUnit,
    timeUnit,
    unitTime: unitTime * TIME_UNIT_MS[timeUnit],
  };
}

function toPortalApplicationPolicy(policy: ApplicationPolicy): PortalPolicy {
  return {
    name: policy.policyName,
    ...(policy.description ? { description: policy.description } : {}),
    policyLevel: 'application',
    attributes: {},
    ...limitFields(policy.defaultLimit),
    rateLimitCount: policy.burstLimit?.rateLimitCount ?? 0,
    ...(policy.burstLimit?.rateLimitTimeUnit
      ? { rateLimitTimeUnit: policy.burstLimit.rateLimitTimeUnit }
      : {}),
    tierPlan: 'FREE',
    stopOnQuotaReach: true,
  };
}

function toPortalSubscriptionPolicy(policy: SubscriptionPolicy): PortalPolicy {
  return {
    name: policy.policyName,
    ...(policy.description ? { description: policy.description } : {}),
    policyLevel: 'subscription',
    attributes: Object.fromEntries((policy.customAttributes ?? []).map((a) => [a.name, a.value])),
    ...limitFields(policy.defaultLimit),
    rateLimitCount: policy.rateLimitCount ?? 0,
    ...(policy.rateLimitTimeUnit ? { rateLimitTimeUnit: policy.rateLimitTimeUnit } : {}),
    tierPlan: policy.billingPlan ?? 'FREE',
    stopOnQuotaReach: policy.stopOnQuotaReach ?? true,
  };
}

export function registerPortalPolicyRoutes(app: App, policies: PolicyService, guards: DevportalGuards): void {
  app.get(
    `${DEVPORTAL_BASE}/throttling-policies/:policyLevel`,
    {
      onRequest: guards.browse,
      schema: {
        params: PolicyLevelParams,
        querystring: PortalPolicyListQuerySchema,
        response: { 200: PortalPolicyListSchema },
      },
    },
    async (request) => {
      const { policyLevel } = request.params;
      const all =
        policyLevel === 'application'
          ? (await policies.list('application')).map((p) => toPortalApplicationPolicy(p as ApplicationPolicy))
          : (await policies.list('subscription')).map((p) =>
              toPortalSubscriptionPolicy(p as SubscriptionPolicy),
            );
      return pageOfAll(all, request.query, `/throttling-policies/${policyLevel}`);
    },
  );
}
