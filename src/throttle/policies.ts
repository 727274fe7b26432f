/**
 * The throttling policies of a snapshot, compiled for the request path: limits in counting terms (null for
 * unlimited ones), burst limits, condition groups as predicates. Built once per change of the policies.
 */
import type { Snapshot } from '../publisher/internal/internal-data-schemas.js';
import { compileConditions, type Predicate } from './conditions.js';
import { compileBurst, compileLimit, type Limit } from './limits.js';

export interface SubscriptionTier {
  readonly limit: Limit | null;
  readonly burst: Limit | null;
  /** false: a call over the quota still passes, marked in its request event (billing). */
  readonly stopOnQuotaReach: boolean;
}

export interface ApplicationTier {
  readonly limit: Limit | null;
  readonly burst: Limit | null;
}

export interface ConditionGroup {
  readonly matches: Predicate;
  readonly limit: Limit | null;
}

export interface AdvancedRules {
  /** Applies when no condition group matches. */
  readonly limit: Limit | null;
  readonly groups: readonly ConditionGroup[];
}

export class ThrottlePolicies {
  /** When the Publisher made the snapshot these came from: the newer of two gateways' limits wins. */
  readonly version: number;
  readonly #subscription = new Map<string, SubscriptionTier>();
  readonly #application = new Map<string, ApplicationTier>();
  readonly #advanced = new Map<string, AdvancedRules>();

  constructor(policies: Snapshot['policies'], version = 0) {
    this.version = version;
    for (const p of policies.subscription) {
      this.#subscription.set(p.policyName, {
        limit: compileLimit(p.defaultLimit),
        burst: compileBurst(p.rateLimitCount, p.rateLimitTimeUnit),
        stopOnQuotaReach: p.stopOnQuotaReach !== false,
      });
    }
    for (const p of policies.application) {
      this.#application.set(p.policyName, {
        limit: compileLimit(p.defaultLimit),
        burst: compileBurst(p.burstLimit?.rateLimitCount, p.burstLimit?.rateLimitTimeUnit),
      });
    }
    for (const p of policies.advanced) {
      this.#advanced.set(p.policyName, {
        limit: compileLimit(p.defaultLimit),
        groups: (p.conditionalGroups ?? []).map((g) => ({
          matches: compileConditions(g.conditions),
          limit: compileLimit(g.limit),
        })),
      });
    }
  }

  /** A tier the snapshot does not know (deleted since) limits nothing: the Publisher keeps those in use. */
  subscription(name: string | null | undefined): SubscriptionTier | undefined {
    return name ? this.#subscription.get(name) : undefined;
  }

  application(name: string | null | undefined): ApplicationTier | undefined {
    return name ? this.#application.get(name) : undefined;
  }

  advanced(name: string | null | undefined): AdvancedRules | undefined {
    return name ? this.#advanced.get(name) : undefined;
  }
}
