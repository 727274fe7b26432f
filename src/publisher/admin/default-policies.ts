/** WSO2 API Manager's default throttling policies, created on first start. */
import type {
  ApplicationPolicy,
  AdvancedPolicy,
  SubscriptionPolicy,
  ThrottleLimit,
} from './policy-schemas.js';

/** WSO2's "unlimited" is the largest 32-bit count per minute. */
const UNLIMITED = 2147483647;

const perMinute = (requestCount: number): ThrottleLimit => ({
  type: 'REQUESTCOUNTLIMIT',
  requestCount: { timeUnit: 'min', unitTime: 1, requestCount },
});

const named = (policyName: string, description: string) => ({
  policyName,
  displayName: policyName,
  description,
});

export const DEFAULT_SUBSCRIPTION_POLICIES: SubscriptionPolicy[] = [
  {
    ...named('Gold', 'Allows 5000 requests per minute'),
    defaultLimit: perMinute(5000),
    stopOnQuotaReach: true,
    billingPlan: 'FREE',
  },
  {
    ...named('Silver', 'Allows 2000 requests per minute'),
    defaultLimit: perMinute(2000),
    stopOnQuotaReach: true,
    billingPlan: 'FREE',
  },
  {
    ...named('Bronze', 'Allows 1000 requests per minute'),
    defaultLimit: perMinute(1000),
    stopOnQuotaReach: true,
    billingPlan: 'FREE',
  },
  {
    ...named('Unauthenticated', 'Allows 500 requests per minute, for operations without authentication'),
    defaultLimit: perMinute(500),
    stopOnQuotaReach: true,
    billingPlan: 'FREE',
  },
  {
    ...named('Unlimited', 'Allows unlimited requests'),
    defaultLimit: perMinute(UNLIMITED),
    stopOnQuotaReach: true,
    billingPlan: 'FREE',
  },
];

export const DEFAULT_APPLICATION_POLICIES: ApplicationPolicy[] = [
  { ...named('10PerMin', 'Allows 10 requests per minute'), defaultLimit: perMinute(10) },
  { ...named('20PerMin', 'Allows 20 requests per minute'), defaultLimit: perMinute(20) },
  { ...named('50PerMin', 'Allows 50 requests per minute'), defaultLimit: perMinute(50) },
  { ...named('Unlimited', 'Allows unlimited requests'), defaultLimit: perMinute(UNLIMITED) },
];

export const DEFAULT_ADVANCED_POLICIES: AdvancedPolicy[] = [
  { ...named('10KPerMin', 'Allows 10000 requests per minute'), defaultLimit: perMinute(10_000) },
  { ...named('20KPerMin', 'Allows 20000 requests per minute'), defaultLimit: perMinute(20_000) },
  { ...named('50KPerMin', 'Allows 50000 requests per minute'), defaultLimit: perMinute(50_000) },
  { ...named('Unlimited', 'Allows unlimited requests'), defaultLimit: perMinute(UNLIMITED) },
];
