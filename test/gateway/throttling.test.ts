/**
 * The gateway's throttling step on a real RuntimeState loaded with a snapshot: nothing to limit under
 * Unlimited tiers; subscription quotas (900804, 429 with Retry-After and RateLimit-* headers), their burst
 * limits (900807) and stopOnQuotaReach=false (admitted, marked over quota); application tiers per user
 * (900803); advanced policies of the API over those of the resource (900800 / 900802) with their condition
 * groups; backend maximum TPS per key type (900801, 503); WSO2's order, first hit wins and a refused call
 * counted nowhere; bandwidth settled after the response; the traffic managers' decisions.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApplicationEvent } from '../../src/events/application-events.js';
import { GatewayError } from '../../src/gateway/gateway-errors.js';
import type { CallContext } from '../../src/gateway/pipeline/request-handler.js';
import type { Route } from '../../src/gateway/routing/route-table.js';
import { RuntimeState } from '../../src/gateway/state/runtime-state.js';
import { Throttling, type Admission } from '../../src/gateway/throttling/throttling.js';
import type { AccessToken } from '../../src/platform/auth/access-token-verifier.js';
import type { Api } from '../../src/publisher/apis/api-schemas.js';
import {
  DEFAULT_ADVANCED_POLICIES,
  DEFAULT_APPLICATION_POLICIES,
  DEFAULT_SUBSCRIPTION_POLICIES,
} from '../../src/publisher/admin/default-policies.js';
import type {
  AdvancedPolicy,
  ApplicationPolicy,
  SubscriptionPolicy,
  ThrottleLimit,
} from '../../src/publisher/admin/policy-schemas.js';
import type { Limit } from '../../src/throttle/limits.js';
import { GlobalCounts } from '../../src/traffic-manager/global-counts.js';
import { deployedApi, requestOf, snapshotOf } from './fixtures.js';

/** The policies' version: when the Publisher made the snapshot (fixtures' generatedAt). */
const POLICIES_VERSION = snapshotOf().generatedAt;

/** The start of an hour (and so of a minute and a second) window. */
const T0 = Date.UTC(2024, 0, 15, 12);
const CONTEXT = '/pizza/1.0.0';
const API_KEY = `${CONTEXT}:1.0.0`;
const RESOURCE_KEY = `${CONTEXT}/1.0.0/menu:GET`;
const SUBSCRIPTION_KEY = `app-1:${CONTEXT}:1.0.0`;

const perMinute = (requestCount: number): ThrottleLimit => ({
  type: 'REQUESTCOUNTLIMIT',
  requestCount: { requestCount, timeUnit: 'min', unitTime: 1 },
});
const subscriptionPolicy = (
  policyName: string,
  defaultLimit: ThrottleLimit,
  extra: Partial<SubscriptionPolicy> = {},
): SubscriptionPolicy => ({ policyName, defaultLimit, ...extra });
const applicationPolicy = (
  policyName: string,
  defaultLimit: ThrottleLimit,
  extra: Partial<ApplicationPolicy> = {},
): ApplicationPolicy => ({ policyName, defaultLimit, ...extra });
const advancedPolicy = (
  policyName: string,
  defaultLimit: ThrottleLimit,
  extra: Partial<AdvancedPolicy> = {},
): AdvancedPolicy => ({ policyName, defaultLimit, ...extra });

interface Setup {
  api?: Partial<Api>;
  /** The operation's throttling policy (resource level). */
  resourcePolicy?: string;
  subscription?: SubscriptionPolicy[];
  application?: ApplicationPolicy[];
  advanced?: AdvancedPolicy[];
}

/** A gateway's state with the default (WSO2) policies, the ones given, and one API with GET /menu. */
function stateWith(setup: Setup = {}): RuntimeState {
  const state = new RuntimeState('Default', 30_000);
  state.load(snapshotOf({ apis: [apiOf(setup)], policies: policiesOf(setup) }));
  return state;
}

function apiOf(setup: Setup) {
  return deployedApi({
    name: 'pizza',
    operations: [
      {
        target: '/menu',
        verb: 'GET',
        authType: 'Any',
        ...(setup.resourcePolicy ? { throttlingPolicy: setup.resourcePolicy } : {}),
      },
    ],
    ...setup.api,
  });
}

function policiesOf(setup: Setup) {
  return {
    subscription: [...DEFAULT_SUBSCRIPTION_POLICIES, ...(setup.subscription ?? [])],
    application: [...DEFAULT_APPLICATION_POLICIES, ...(setup.application ?? [])],
    advanced: [...DEFAULT_ADVANCED_POLICIES, ...(setup.advanced ?? [])],
  };
}

const app = (applicationId: string, throttlingPolicy = 'Unlimited'): ApplicationEvent => ({
  applicationId,
  name: `${applicationId}-name`,
  owner: 'alice',
  throttlingPolicy,
  tokenType: 'JWT',
});

const token = (username: string | undefined): AccessToken => ({
  id: 'jti',
  username,
  clientId: 'client-1',
  scopes: new Set(),
  roles: [],
  expiresAt: T0 + 3_600_000,
});

interface CallParts {
  application?: ApplicationEvent | undefined;
  username?: string | undefined;
  subscriptionPolicy?: string | null;
  keyType?: 'PRODUCTION' | 'SANDBOX';
  clientIp?: string;
  headers?: Record<string, string>;
  query?: string;
  /** No token, no application: an operation without authentication. */
  anonymous?: boolean;
}

/** Runs the throttling step for one GET /pizza/1.0.0/menu call. */
function checkCall(throttling: Throttling, state: RuntimeState, parts: CallParts = {}) {
  const route = state.routes.find('localhost', `${CONTEXT}/menu`)?.route as Route;
  const operation = route.operations[0];
  if (!operation) throw new Error('no operation');
  const call: CallContext = parts.anonymous
    ? {
        deployed: route.deployed,
        token: undefined,
        application: undefined,
        subscriptionPolicy: parts.subscriptionPolicy ?? 'Unauthenticated',
        keyType: 'PRODUCTION',
        clientIp: parts.clientIp ?? '192.0.2.10',
      }
    : {
        deployed: route.deployed,
        token: token('username' in parts ? parts.username : 'bob'),
        application: 'application' in parts ? parts.application : app('app-1'),
        subscriptionPolicy: parts.subscriptionPolicy === undefined ? 'Unlimited' : parts.subscriptionPolicy,
        keyType: parts.keyType ?? 'PRODUCTION',
        clientIp: parts.clientIp ?? '192.0.2.10',
      };
  return throttling.check({
    call,
    route,
    operation,
    req: requestOf('GET', parts.headers ?? {}),
    query: parts.query ?? '',
  });
}

function admitted(result: GatewayError | Admission | undefined): Admission {
  if (result instanceof GatewayError) throw new Error(`refused: ${result.code} ${result.description}`);
  if (!result) throw new Error('nothing applied');
  return result;
}

function refused(result: GatewayError | Admission | undefined): GatewayError {
  if (!(result instanceof GatewayError)) throw new Error(`not refused: ${JSON.stringify(result)}`);
  return result;
}

/** The calls' outcomes: 'ok' or the error code. */
function outcomes(results: (GatewayError | Admission | undefined)[]): (string | number)[] {
  return results.map((r) => (r instanceof GatewayError ? r.code : 'ok'));
}

/** A gateway's throttling over a state, and a caller that makes `n` calls at once. */
function gateway(setup: Setup) {
  const state = stateWith(setup);
  const throttling = new Throttling(state);
  const call = (parts: CallParts = {}) => checkCall(throttling, state, parts);
  const calls = (n: number, parts: CallParts = {}) => Array.from({ length: n }, () => call(parts));
  return { state, throttling, call, calls };
}

const MINUTE_LIMIT = (max: number): Limit => ({ kind: 'requests', max, windowMs: 60_000 });
/** What the shared counters hold for a key this minute. */
const sharedCount = (throttling: Throttling, key: string, max: number) =>
  throttling.shared.current(key, MINUTE_LIMIT(max), Date.now()).count;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0 + 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Throttling: nothing to limit', () => {
  it('finds nothing under Unlimited tiers and policies', () => {
    const { call, throttling } = gateway({
      api: { apiThrottlingPolicy: 'Unlimited' },
      resourcePolicy: 'Unlimited',
    });
    expect(call({ subscriptionPolicy: 'Unlimited', application: app('app-1', 'Unlimited') })).toBeUndefined();
    expect(throttling.shared.size).toBe(0);
    expect(throttling.local.size).toBe(0);
  });

  it('finds nothing for tiers the snapshot does not know, or no tier at all (a prototype)', () => {
    const { call } = gateway({});
    expect(call({ subscriptionPolicy: 'Deleted', application: app('app-1', 'GoneToo') })).toBeUndefined();
    expect(call({ subscriptionPolicy: null })).toBeUndefined();
  });
});

describe('Throttling: subscription tiers', () => {
  const setup: Setup = { subscription: [subscriptionPolicy('Three', perMinute(3))] };

  it('refuses the call over the quota with 900804, 429, Retry-After and RateLimit-* headers', () => {
    const { calls, call } = gateway(setup);
    const passed = calls(3, { subscriptionPolicy: 'Three' }).map(admitted);
    expect(passed.map((a) => a.headers)).toEqual([
      { 'ratelimit-limit': '3', 'ratelimit-remaining': '2', 'ratelimit-reset': '59' },
      { 'ratelimit-limit': '3', 'ratelimit-remaining': '1', 'ratelimit-reset': '59' },
      { 'ratelimit-limit': '3', 'ratelimit-remaining': '0', 'ratelimit-reset': '59' },
    ]);
    expect(passed.every((a) => !a.overQuota)).toBe(true);

    vi.setSystemTime(T0 + 30_500);
    const error = refused(call({ subscriptionPolicy: 'Three' }));
    expect(error).toMatchObject({ status: 429, code: 900804, message: 'Message throttled out' });
    expect(error.headers).toEqual({
      'retry-after': '30',
      'ratelimit-limit': '3',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '30',
    });
    expect(error.description).toContain(new Date(T0 + 60_000).toISOString());
  });

  it('counts the subscription (application and API) under its WSO2 key, for the traffic managers', () => {
    const { calls, throttling } = gateway(setup);
    calls(2, { subscriptionPolicy: 'Three' });
    expect(throttling.shared.takeChanged()).toEqual([[SUBSCRIPTION_KEY, T0, 60_000, 3, 2, POLICIES_VERSION]]);
  });

  it('counts each application’s subscription apart, and starts again in the next window', () => {
    const { calls, call } = gateway(setup);
    expect(outcomes(calls(4, { subscriptionPolicy: 'Three' }))).toEqual(['ok', 'ok', 'ok', 900804]);
    expect(outcomes(calls(4, { subscriptionPolicy: 'Three', application: app('app-2') }))).toEqual([
      'ok',
      'ok',
      'ok',
      900804,
    ]);
    vi.setSystemTime(T0 + 60_000);
    expect(admitted(call({ subscriptionPolicy: 'Three' })).headers?.['ratelimit-remaining']).toBe('2');
  });

  it('counts an operation without authentication per client IP', () => {
    const { calls } = gateway({
      subscription: [subscriptionPolicy('Unauthenticated', perMinute(1))],
    });
    // The default Unauthenticated tier (500/min) comes first in the snapshot; this one replaces it.
    expect(outcomes(calls(2, { anonymous: true, clientIp: '192.0.2.1' }))).toEqual(['ok', 900804]);
    expect(outcomes(calls(2, { anonymous: true, clientIp: '192.0.2.2' }))).toEqual(['ok', 900804]);
  });

  it('refuses over the burst limit with 900807, counted per second', () => {
    const { calls, throttling } = gateway({
      subscription: [
        subscriptionPolicy('Bursty', perMinute(100), { rateLimitCount: 2, rateLimitTimeUnit: 'sec' }),
      ],
    });
    const results = calls(3, { subscriptionPolicy: 'Bursty' });
    expect(outcomes(results)).toEqual(['ok', 'ok', 900807]);
    expect(refused(results[2])).toMatchObject({ status: 429 });
    expect(refused(results[2]).headers).toMatchObject({ 'retry-after': '1', 'ratelimit-limit': '2' });
    vi.setSystemTime(T0 + 2000);
    expect(outcomes(calls(3, { subscriptionPolicy: 'Bursty' }))).toEqual(['ok', 'ok', 900807]);
    // The quota counted the four that passed, not the refused ones; the burst is this gateway's own count.
    expect(sharedCount(throttling, SUBSCRIPTION_KEY, 100)).toBe(4);
    expect(throttling.local.all(Date.now())).toEqual([[SUBSCRIPTION_KEY, T0 + 2000, 1000, 2, 2, 0]]);
  });

  it('lets a call over the quota through, marked overQuota, when stopOnQuotaReach is false', () => {
    const { calls } = gateway({
      subscription: [subscriptionPolicy('Billed', perMinute(2), { stopOnQuotaReach: false })],
    });
    const results = calls(4, { subscriptionPolicy: 'Billed' }).map(admitted);
    expect(results.map((a) => a.overQuota)).toEqual([false, false, true, true]);
    expect(results[3]?.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '0' });
  });
});

describe('Throttling: application tiers', () => {
  it('counts each user of an application apart and refuses with 900803', () => {
    const { calls, throttling } = gateway({ application: [applicationPolicy('Two', perMinute(2))] });
    const application = app('app-1', 'Two');
    expect(outcomes(calls(3, { application, username: 'bob' }))).toEqual(['ok', 'ok', 900803]);
    expect(outcomes(calls(3, { application, username: 'carol' }))).toEqual(['ok', 'ok', 900803]);
    // A token of the application itself counts for its owner.
    expect(outcomes(calls(3, { application, username: undefined }))).toEqual(['ok', 'ok', 900803]);
    expect(
      throttling.shared
        .takeChanged()
        .map(([key, , , , count]) => [key, count])
        .sort(),
    ).toEqual([
      ['app-1:alice', 2],
      ['app-1:bob', 2],
      ['app-1:carol', 2],
    ]);
  });

  it('refuses over the application’s burst limit with 900803', () => {
    const { calls } = gateway({
      application: [
        applicationPolicy('BurstApp', perMinute(100), {
          burstLimit: { rateLimitCount: 1, rateLimitTimeUnit: 'sec' },
        }),
      ],
    });
    const application = app('app-1', 'BurstApp');
    const results = calls(2, { application });
    expect(outcomes(results)).toEqual(['ok', 900803]);
    expect(refused(results[1])).toMatchObject({ status: 429 });
    expect(refused(results[1]).headers['retry-after']).toBe('1');
    vi.setSystemTime(T0 + 2000);
    expect(outcomes(calls(2, { application }))).toEqual(['ok', 900803]);
  });
});

describe('Throttling: advanced policies', () => {
  const advanced = [advancedPolicy('ApiTwo', perMinute(2)), advancedPolicy('ResourceOne', perMinute(1))];

  it('limits the resource by its own policy with 900802', () => {
    const { calls, throttling } = gateway({ advanced, resourcePolicy: 'ResourceOne' });
    expect(outcomes(calls(2))).toEqual(['ok', 900802]);
    expect(throttling.shared.takeChanged()).toEqual([[RESOURCE_KEY, T0, 60_000, 1, 1, POLICIES_VERSION]]);
  });

  it('applies the API’s policy instead of the resource’s when the API has one (900800)', () => {
    const { calls, throttling } = gateway({
      advanced,
      api: { apiThrottlingPolicy: 'ApiTwo' },
      resourcePolicy: 'ResourceOne',
    });
    expect(outcomes(calls(3))).toEqual(['ok', 'ok', 900800]);
    expect(throttling.shared.takeChanged()).toEqual([[API_KEY, T0, 60_000, 2, 2, POLICIES_VERSION]]);
  });

  describe('condition groups', () => {
    const conditional = advancedPolicy('Conditional', perMinute(3), {
      conditionalGroups: [
        {
          conditions: [
            { type: 'HEADERCONDITION', headerCondition: { headerName: 'X-Tier', headerValue: 'free' } },
          ],
          limit: perMinute(1),
        },
        {
          conditions: [
            {
              type: 'QUERYPARAMETERCONDITION',
              queryParameterCondition: { parameterName: 'bulk', parameterValue: 'true' },
            },
          ],
          limit: perMinute(2),
        },
        {
          conditions: [
            {
              type: 'JWTCLAIMSCONDITION',
              jwtClaimsCondition: {
                claimUrl: 'http://wso2.org/claims/applicationname',
                attribute: '^mobile-',
              },
            },
          ],
          limit: perMinute(1),
        },
      ],
    });
    const setup: Setup = { advanced: [conditional], resourcePolicy: 'Conditional' };

    it('counts a matching group under `<key>_condition_<i>`, with its own limit', () => {
      const { calls, throttling } = gateway(setup);
      expect(outcomes(calls(2, { headers: { 'x-tier': 'free-trial' } }))).toEqual(['ok', 900802]);
      expect(outcomes(calls(3, { query: 'bulk=true&x=1' }))).toEqual(['ok', 'ok', 900802]);
      expect(outcomes(calls(2, { application: { ...app('mobile-app'), name: 'mobile-app' } }))).toEqual([
        'ok',
        900802,
      ]);
      expect(throttling.shared.takeChanged()).toEqual([
        [`${RESOURCE_KEY}_condition_0`, T0, 60_000, 1, 1, POLICIES_VERSION],
        [`${RESOURCE_KEY}_condition_1`, T0, 60_000, 2, 2, POLICIES_VERSION],
        [`${RESOURCE_KEY}_condition_2`, T0, 60_000, 1, 1, POLICIES_VERSION],
      ]);
    });

    it('applies the default limit, under the plain key, when no group matches', () => {
      const { calls, throttling } = gateway(setup);
      expect(outcomes(calls(4, { headers: { 'x-tier': 'gold' }, query: 'bulk=false' }))).toEqual([
        'ok',
        'ok',
        'ok',
        900802,
      ]);
      expect(throttling.shared.takeChanged()).toEqual([[RESOURCE_KEY, T0, 60_000, 3, 3, POLICIES_VERSION]]);
    });

    it('counts every group that matches, and refuses when any one is used up', () => {
      const { calls, throttling } = gateway(setup);
      const both: CallParts = { headers: { 'x-tier': 'free' }, query: 'bulk=true' };
      expect(outcomes(calls(2, both))).toEqual(['ok', 900802]);
      expect(throttling.shared.takeChanged()).toEqual([
        [`${RESOURCE_KEY}_condition_0`, T0, 60_000, 1, 1, POLICIES_VERSION],
        [`${RESOURCE_KEY}_condition_1`, T0, 60_000, 2, 1, POLICIES_VERSION],
      ]);
    });
  });
});

describe('Throttling: backend maximum TPS', () => {
  it('refuses with 900801 and 503 over the production or sandbox maximum, counted per key type', () => {
    const { calls, throttling } = gateway({ api: { maxTps: { production: 2, sandbox: 1 } } });
    const production = calls(3, { keyType: 'PRODUCTION' });
    expect(outcomes(production)).toEqual(['ok', 'ok', 900801]);
    expect(refused(production[2])).toMatchObject({ status: 503, code: 900801 });
    expect(refused(production[2]).headers).toMatchObject({ 'retry-after': '1', 'ratelimit-limit': '2' });
    expect(outcomes(calls(2, { keyType: 'SANDBOX' }))).toEqual(['ok', 900801]);
    // Counted by this gateway alone, per second.
    expect(throttling.shared.size).toBe(0);
    expect(throttling.local.all(Date.now()).sort()).toEqual([
      [`${API_KEY}:PRODUCTION`, T0 + 1000, 1000, 2, 2, 0],
      [`${API_KEY}:SANDBOX`, T0 + 1000, 1000, 1, 1, 0],
    ]);
    vi.setSystemTime(T0 + 2000);
    expect(outcomes(calls(1, { keyType: 'PRODUCTION' }))).toEqual(['ok']);
  });

  it('sets no RateLimit-* headers for a limit of this gateway alone', () => {
    const { call } = gateway({ api: { maxTps: { production: 5 } } });
    expect(admitted(call()).headers).toBeUndefined();
  });
});

describe('Throttling: order', () => {
  const setup: Setup = {
    advanced: [advancedPolicy('ApiThree', perMinute(3))],
    subscription: [subscriptionPolicy('One', perMinute(1), { rateLimitCount: 10, rateLimitTimeUnit: 'sec' })],
    application: [applicationPolicy('Two', perMinute(2))],
    api: { apiThrottlingPolicy: 'ApiThree', maxTps: { production: 100 } },
  };

  it('answers the first level that is used up, in WSO2’s order', () => {
    const { call } = gateway(setup);
    const appOne = app('app-1', 'Two');
    expect(outcomes([call({ subscriptionPolicy: 'One', application: appOne })])).toEqual(['ok']);
    // The subscription of app-1 is used up; the API and the application still have room.
    expect(outcomes([call({ subscriptionPolicy: 'One', application: appOne })])).toEqual([900804]);
    // Another application: its subscription has room; the API takes two more.
    const appTwo = app('app-2', 'Two');
    expect(outcomes([call({ subscriptionPolicy: 'One', application: appTwo })])).toEqual(['ok']);
    const appThree = app('app-3', 'Two');
    expect(outcomes([call({ subscriptionPolicy: 'One', application: appThree })])).toEqual(['ok']);
    // Now the API is used up too: it comes first.
    expect(outcomes([call({ subscriptionPolicy: 'One', application: appOne })])).toEqual([900800]);
    expect(outcomes([call({ subscriptionPolicy: 'One', application: app('app-4', 'Two') })])).toEqual([
      900800,
    ]);
  });

  it('counts a refused call at no level', () => {
    const { call, throttling } = gateway(setup);
    const appOne = app('app-1', 'Two');
    admitted(call({ subscriptionPolicy: 'One', application: appOne }));
    refused(call({ subscriptionPolicy: 'One', application: appOne }));
    refused(call({ subscriptionPolicy: 'One', application: appOne }));
    const now = Date.now();
    expect(sharedCount(throttling, API_KEY, 3)).toBe(1);
    expect(sharedCount(throttling, SUBSCRIPTION_KEY, 1)).toBe(1);
    expect(sharedCount(throttling, 'app-1:bob', 2)).toBe(1);
    expect(throttling.local.all(now).sort()).toEqual([
      [`${API_KEY}:PRODUCTION`, T0 + 1000, 1000, 100, 1, 0],
      [SUBSCRIPTION_KEY, T0 + 1000, 1000, 10, 1, 0],
    ]);
  });

  it('sends the RateLimit-* headers of the shared level with the least room', () => {
    const { call } = gateway(setup);
    const headers = admitted(
      call({ subscriptionPolicy: 'Unlimited', application: app('app-1', 'Two') }),
    ).headers;
    // API: 2 of 3 left; application: 1 of 2 left.
    expect(headers).toEqual({ 'ratelimit-limit': '2', 'ratelimit-remaining': '1', 'ratelimit-reset': '59' });
  });
});

describe('Throttling: bandwidth', () => {
  it('refuses once the bytes settled after the responses reach the limit', () => {
    const { call, throttling } = gateway({
      subscription: [
        subscriptionPolicy('OneKB', {
          type: 'BANDWIDTHLIMIT',
          bandwidth: { dataAmount: 1, dataUnit: 'KB', timeUnit: 'min', unitTime: 1 },
        }),
      ],
    });
    const first = admitted(call({ subscriptionPolicy: 'OneKB' }));
    expect(first.bandwidth).toHaveLength(1);
    expect(first.headers).toBeUndefined();
    throttling.settle(first, 1000);
    const second = admitted(call({ subscriptionPolicy: 'OneKB' }));
    throttling.settle(second, 23);
    const third = admitted(call({ subscriptionPolicy: 'OneKB' }));
    throttling.settle(third, 1);
    const error = refused(call({ subscriptionPolicy: 'OneKB' }));
    expect(error).toMatchObject({ status: 429, code: 900804 });
    expect(error.headers).toMatchObject({ 'retry-after': '59', 'ratelimit-limit': '1024' });
    // The bytes go to the traffic managers like any shared count.
    expect(throttling.shared.takeChanged()).toEqual([
      [SUBSCRIPTION_KEY, T0, 60_000, 1024, 1024, POLICIES_VERSION],
    ]);
  });
});

describe('Throttling: traffic-manager decisions', () => {
  const setup: Setup = { subscription: [subscriptionPolicy('Hundred', perMinute(100))] };

  it('refuses a key the traffic managers throttled though this gateway’s counts have room, until expiry', () => {
    const { call, throttling } = gateway(setup);
    admitted(call({ subscriptionPolicy: 'Hundred' }));
    throttling.decisions.apply(
      { throttleKey: SUBSCRIPTION_KEY, isThrottled: true, expiryTimeStamp: T0 + 6000 },
      Date.now(),
    );
    const error = refused(call({ subscriptionPolicy: 'Hundred' }));
    expect(error).toMatchObject({ status: 429, code: 900804 });
    expect(error.headers).toEqual({
      'retry-after': '5',
      'ratelimit-limit': '100',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '5',
    });
    // Another application's subscription is another key.
    admitted(call({ subscriptionPolicy: 'Hundred', application: app('app-2') }));

    vi.setSystemTime(T0 + 5999);
    refused(call({ subscriptionPolicy: 'Hundred' }));
    vi.setSystemTime(T0 + 6000);
    // Lifted at its expiry; the refused calls were not counted.
    expect(admitted(call({ subscriptionPolicy: 'Hundred' })).headers?.['ratelimit-remaining']).toBe('98');
  });

  it('marks a call over quota, not refused, when the throttled tier does not stop on quota', () => {
    const { call, throttling } = gateway({
      subscription: [subscriptionPolicy('Billed', perMinute(100), { stopOnQuotaReach: false })],
    });
    throttling.decisions.apply(
      { throttleKey: SUBSCRIPTION_KEY, isThrottled: true, expiryTimeStamp: T0 + 60_000 },
      Date.now(),
    );
    expect(admitted(call({ subscriptionPolicy: 'Billed' })).overQuota).toBe(true);
  });

  it('lets the traffic managers lift a throttled key once its limit is raised', () => {
    const trafficManager = new GlobalCounts();
    const { call, throttling, state } = gateway({
      subscription: [subscriptionPolicy('Tier', perMinute(3))],
    });
    const report = () => trafficManager.apply('gw1/aa', throttling.shared.all(Date.now()), Date.now());
    for (let i = 0; i < 3; i++) admitted(call({ subscriptionPolicy: 'Tier' }));
    const [decision] = report();
    expect(decision).toEqual({
      throttleKey: SUBSCRIPTION_KEY,
      isThrottled: true,
      expiryTimeStamp: T0 + 60_000,
    });
    throttling.decisions.apply(decision as NonNullable<typeof decision>, Date.now());

    // The tier now allows 10 a minute: the key has room again, and the traffic managers must learn it.
    vi.setSystemTime(T0 + 2000);
    state.load(
      snapshotOf({
        apis: [apiOf({})],
        policies: policiesOf({ subscription: [subscriptionPolicy('Tier', perMinute(10))] }),
      }),
    );
    call({ subscriptionPolicy: 'Tier' });
    vi.setSystemTime(T0 + 3000);
    expect(report()).toEqual([
      { throttleKey: SUBSCRIPTION_KEY, isThrottled: false, expiryTimeStamp: T0 + 60_000 },
    ]);
  });
});
