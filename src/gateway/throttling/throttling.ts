/**
 * The throttling step of the request path, in WSO2's order (first hit wins): the advanced policy of the API
 * or, without one, of the resource (its condition groups, else its default limit) → 900800 / 900802; the
 * subscription tier → 900804, its burst limit → 900807, or, with stopOnQuotaReach=false, a call over the quota
 * marked for billing and let through; the application tier per user → 900803 (its burst too); the API's backend
 * maximum TPS → 900801 (503). A call is counted at every level only once it has passed them all.
 *
 * Quotas hold across gateways: a key throttled by the traffic managers (decisions) is refused until its window
 * ends, and each gateway also counts alone, so that one node never passes a limit by itself. Burst limits and
 * backend TPS are counted per node. Bandwidth limits count request and response bytes once the call is done.
 */
import type { IncomingMessage } from 'node:http';
import type { ThrottleRequest } from '../../throttle/conditions.js';
import { ThrottleDecisions } from '../../throttle/decisions.js';
import type { Limit } from '../../throttle/limits.js';
import { throttleKeys } from '../../throttle/throttle-keys.js';
import { WindowCounters } from '../../throttle/window-counters.js';
import { GatewayError } from '../gateway-errors.js';
import type { CallContext } from '../pipeline/request-handler.js';
import type { CompiledOperation, Route } from '../routing/route-table.js';
import type { RuntimeState } from '../state/runtime-state.js';
import { wso2Claims } from '../wso2-claims.js';

interface Level {
  key: string;
  limit: Limit;
  code: number;
  /** Counted with the traffic managers (quotas), or by this node alone (bursts, backend TPS). */
  shared: boolean;
  /** stopOnQuotaReach=false: over the quota is marked, not refused. */
  soft: boolean;
}

export interface ThrottleInput {
  call: CallContext;
  route: Route;
  operation: CompiledOperation;
  req: IncomingMessage;
  /** The query string without `?`, empty when there is none. */
  query: string;
}

/** What a call that passed carries on: its RateLimit-* headers, its billing mark, its bandwidth levels. */
export interface Admission {
  headers: Record<string, string> | undefined;
  overQuota: boolean;
  bandwidth: Level[] | undefined;
}

const MESSAGES: Record<number, string> = {
  900800: 'The API has reached its request limit.',
  900801: "The API's backend takes no more requests now (its maximum requests per second).",
  900802: 'The resource has reached its request limit.',
  900803: 'The application has reached its request limit.',
  900804: 'The subscription has reached its request limit.',
  900807: 'The subscription has reached its burst limit.',
};

function throttledOut(level: Level, retryAt: number, now: number): GatewayError {
  const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  return new GatewayError(
    level.code === 900801 ? 503 : 429,
    level.code,
    'Message throttled out',
    `${MESSAGES[level.code] ?? 'You have exceeded your quota.'} Try again after ${new Date(retryAt).toISOString()}.`,
    {
      'retry-after': String(seconds),
      'ratelimit-limit': String(level.limit.max),
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(seconds),
    },
  );
}

/** The request as conditions see it; the query and the claims are parsed only when a condition asks. */
class ConditionView implements ThrottleRequest {
  #params: URLSearchParams | undefined;
  #claims: Record<string, string> | undefined;

  constructor(private readonly input: ThrottleInput) {}

  get clientIp(): string {
    return this.input.call.clientIp;
  }

  header(name: string): string | undefined {
    const value = this.input.req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  query(name: string): string | undefined {
    this.#params ??= new URLSearchParams(this.input.query);
    return this.#params.get(name) ?? undefined;
  }

  claim(uri: string): string | undefined {
    const { call, route } = this.input;
    this.#claims ??= call.token
      ? wso2Claims({
          username: call.token.username,
          clientId: call.token.clientId,
          application: call.application,
          subscriptionPolicy: call.subscriptionPolicy,
          keyType: call.keyType,
          api: { name: route.api.name, version: route.api.version, context: route.versionedContext },
        })
      : {};
    return this.#claims[uri];
  }
}

export class Throttling {
  /** Counts the traffic managers add up across gateways (sent by CountSync). */
  readonly shared = new WindowCounters();
  /** Counts this node keeps alone. */
  readonly local = new WindowCounters();
  readonly decisions = new ThrottleDecisions();

  constructor(private readonly state: RuntimeState) {}

  /** Refuses the call (the error to answer), admits it (what it carries on), or finds nothing to limit. */
  check(input: ThrottleInput): GatewayError | Admission | undefined {
    const levels = this.#levels(input);
    if (!levels) return undefined;
    const now = Date.now();
    const { version } = this.state.throttlePolicies;
    let overQuota = false;
    for (const level of levels) {
      const retryAt = this.#exhausted(level, now, version);
      if (retryAt === 0) continue;
      if (!level.soft) return throttledOut(level, retryAt, now);
      overQuota = true;
    }
    let bandwidth: Level[] | undefined;
    let headers: Record<string, string> | undefined;
    let remaining = Infinity;
    for (const level of levels) {
      if (level.limit.kind === 'bytes') {
        (bandwidth ??= []).push(level);
        continue;
      }
      const entry = level.shared
        ? this.shared.add(level.key, level.limit, now, 1, version)
        : this.local.add(level.key, level.limit, now, 1);
      const left = Math.max(0, entry.max - entry.count);
      if (level.shared && left < remaining) {
        remaining = left;
        const reset = Math.max(1, Math.ceil((entry.windowStart + entry.windowMs - now) / 1000));
        headers = {
          'ratelimit-limit': String(entry.max),
          'ratelimit-remaining': String(left),
          'ratelimit-reset': String(reset),
        };
      }
    }
    return { headers, overQuota, bandwidth };
  }

  /** Counts a finished call's bytes against its bandwidth limits. */
  settle(admission: Admission, bytes: number): void {
    if (!admission.bandwidth || bytes <= 0) return;
    const now = Date.now();
    const { version } = this.state.throttlePolicies;
    for (const level of admission.bandwidth) {
      if (level.shared) this.shared.add(level.key, level.limit, now, bytes, version);
      else this.local.add(level.key, level.limit, now, bytes);
    }
  }

  /** 0 while the level has room; otherwise when it has again (milliseconds since the epoch). */
  #exhausted(level: Level, now: number, version: number): number {
    // The count first: it takes the current limit, which reaches the traffic managers even while they throttle
    // the key (a raised limit lifts their decision).
    const entry = level.shared
      ? this.shared.current(level.key, level.limit, now, version)
      : this.local.current(level.key, level.limit, now);
    if (level.shared) {
      const until = this.decisions.until(level.key, now);
      if (until > 0) return until;
    }
    const full = level.limit.kind === 'requests' ? entry.count + 1 > entry.max : entry.count >= entry.max;
    return full ? entry.windowStart + entry.windowMs : 0;
  }

  /** The limits that apply to the call, in order; undefined when none does (unlimited tiers, no policies). */
  #levels(input: ThrottleInput): Level[] | undefined {
    const { call, route, operation } = input;
    const policies = this.state.throttlePolicies;
    const { api } = route;
    let levels: Level[] | undefined;

    const apiRules = policies.advanced(api.apiThrottlingPolicy);
    const rules = apiRules ?? policies.advanced(operation.operation.throttlingPolicy);
    // An unlimited policy without condition groups (the usual resource policy) costs no key.
    if (rules && (rules.limit || rules.groups.length > 0)) {
      const base = apiRules ? route.throttleKeys.api : operation.throttleKey;
      const code = apiRules ? 900800 : 900802;
      let matched = false;
      if (rules.groups.length > 0) {
        const view = new ConditionView(input);
        rules.groups.forEach((group, i) => {
          if (!group.matches(view)) return;
          matched = true;
          if (group.limit) {
            (levels ??= []).push({
              key: throttleKeys.condition(base, i),
              limit: group.limit,
              code,
              shared: true,
              soft: false,
            });
          }
        });
      }
      if (!matched && rules.limit) {
        (levels ??= []).push({ key: base, limit: rules.limit, code, shared: true, soft: false });
      }
    }

    const tier = policies.subscription(call.subscriptionPolicy);
    if (tier && (tier.limit || tier.burst)) {
      const key = throttleKeys.subscription(
        call.application?.applicationId ?? call.clientIp,
        route.versionedContext,
        api.version,
      );
      if (tier.limit) {
        (levels ??= []).push({
          key,
          limit: tier.limit,
          code: 900804,
          shared: true,
          soft: !tier.stopOnQuotaReach,
        });
      }
      if (tier.burst)
        (levels ??= []).push({ key, limit: tier.burst, code: 900807, shared: false, soft: false });
    }

    const { application } = call;
    const appTier = application && policies.application(application.throttlingPolicy);
    if (application && appTier && (appTier.limit || appTier.burst)) {
      const key = throttleKeys.application(
        application.applicationId,
        call.token?.username ?? application.owner,
      );
      if (appTier.limit)
        (levels ??= []).push({ key, limit: appTier.limit, code: 900803, shared: true, soft: false });
      if (appTier.burst)
        (levels ??= []).push({ key, limit: appTier.burst, code: 900803, shared: false, soft: false });
    }

    const maxTps = call.keyType === 'SANDBOX' ? api.maxTps?.sandbox : api.maxTps?.production;
    if (maxTps) {
      (levels ??= []).push({
        key: route.throttleKeys.backend[call.keyType],
        limit: { kind: 'requests', max: maxTps, windowMs: 1000 },
        code: 900801,
        shared: false,
        soft: false,
      });
    }
    return levels;
  }
}
