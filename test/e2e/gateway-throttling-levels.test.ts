/**
 * Throttling at the gateway, end to end (all-in-one node: the in-process Traffic Manager adds up the counts),
 * level by level with policies made through the Admin API: the advanced policy of the API (900800) or of a
 * resource (900802, ignored under an API-level one), the subscription tier (900804) and its burst limit
 * (900807), `stopOnQuotaReach: false` (calls pass, `overQuota: true` in the request event), the application
 * tier per user (900803, and its burst limit), the API's maxTps per key type (503 900801); WSO2's order (the
 * first level used up answers; a refused call uses no quota); the Unauthenticated tier of auth-type-None
 * operations keyed by the client's IP (a second client binds 127.0.0.2); time units and epoch-aligned windows
 * (a new second lets calls through again); bandwidth limits on request and response bytes; and the headers:
 * Retry-After and RateLimit-* on refusals, RateLimit-* of the tightest counted limit on passing calls.
 *
 * Quotas are per hour or day unless a test is about the unit, so that counting to a limit never straddles a
 * window boundary; per-second and per-minute tests first make sure enough of the window is left.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InProcessEventHub } from '../../src/events/in-process.js';
import type { HubEvent } from '../../src/events/topics.js';
import type { RequestEvent } from '../../src/events/request-event.js';
import { uniqueName, type Json } from '../publisher/admin-client.js';
import {
  expectGatewayError,
  GatewayClient,
  httpEndpoints,
  timeUntil,
  useGatewayNode,
  type GatewayApi,
  type GatewayReply,
  type Subscribed,
  type TestBackend,
} from './gateway-support.js';
import {
  bandwidth,
  createdPolicy,
  otherClient,
  outcome,
  outcomes,
  POLICIES,
  requests,
  updatedPolicy,
} from './throttling-support.js';

/** Every hub the node makes subscribes through this; the spy tells which object the node's hub is. */
const subscribeSpy = vi.spyOn(InProcessEventHub.prototype, 'subscribe');

const ctx = useGatewayNode();

let backend: TestBackend;
let sandbox: TestBackend;
/** A client of the gateway whose connections come from 127.0.0.2 (the default client's are 127.0.0.1). */
let other: GatewayClient;
const requestBatches: HubEvent[] = [];

beforeAll(async () => {
  backend = await ctx.backend('throttled');
  sandbox = await ctx.backend('throttled-sandbox');
  other = otherClient(ctx);
  const index = subscribeSpy.mock.calls.findIndex(([topic]) => topic === 'notification');
  const hub = subscribeSpy.mock.contexts[index] as InProcessEventHub | undefined;
  if (!hub) throw new Error('the node subscribed to no notification topic');
  await hub.subscribe('requests', (event) => {
    if (event.type === 'REQUEST_BATCH') requestBatches.push(event);
  });
});

afterAll(async () => {
  await other?.dispatcher.destroy();
});

/** Waits, if need be, until at least `needMs` are left in the current epoch-aligned window of `windowMs`. */
async function roomInWindow(windowMs: number, needMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await sleep(left + 5);
}

/** The seconds until the end of the epoch-aligned window of `windowMs` that holds `at`, as RateLimit-Reset says. */
const secondsLeft = (windowMs: number, at: number) =>
  Math.max(1, Math.ceil((at - (at % windowMs) + windowMs - at) / 1000));

/** Expects WSO2's throttling refusal: the code, "Message throttled out", and the rate-limit headers. */
function expectThrottled(reply: GatewayReply, code: number, status = 429): void {
  expectGatewayError(reply, status, code);
  expect(reply.body.message).toBe('Message throttled out');
  expect(reply.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  expect(reply.headers['ratelimit-remaining']).toBe('0');
}

/** An API on the test backends offering these subscription tiers, and an application subscribed at `tier`. */
async function tieredApi(
  tier: string,
  options: { api?: Json; applicationPolicy?: string; operations?: Json[] } = {},
): Promise<{ api: GatewayApi; subscriber: Subscribed; call: (path?: string) => Promise<GatewayReply> }> {
  const api = await ctx.servedApi({
    endpointConfig: httpEndpoints(backend.url, sandbox.url),
    ...(options.operations ? { operations: options.operations } : {}),
    overrides: { policies: [tier], ...options.api },
  });
  const subscriber = await ctx.subscriber([api.id], {
    throttlingPolicy: tier,
    ...(options.applicationPolicy ? { applicationPolicy: options.applicationPolicy } : {}),
  });
  return {
    api,
    subscriber,
    call: (path = '/x') => ctx.gateway.call(`${api.base}${path}`, { token: subscriber.token() }),
  };
}

const eventsOf = (apiId: string) =>
  requestBatches
    .flatMap((batch) => batch.payload['events'] as RequestEvent[])
    .filter((event) => event.apiId === apiId);

describe('advanced policies', () => {
  it("the API's policy (apiThrottlingPolicy) limits all its resources and callers together: 900800", async () => {
    const policy = await createdPolicy(ctx, 'advanced', { defaultLimit: requests(3) });
    const api = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      operations: [
        { target: '/a', verb: 'GET', authType: 'Any' },
        { target: '/b', verb: 'GET', authType: 'Any' },
      ],
      overrides: { apiThrottlingPolicy: policy.policyName },
    });
    const first = await ctx.subscriber([api.id]);
    const second = await ctx.subscriber([api.id]);
    const call = (path: string, subscriber: Subscribed) =>
      ctx.gateway.call(`${api.base}${path}`, { token: subscriber.token() });

    expect(outcome(await call('/a', first))).toBe(200);
    expect(outcome(await call('/b', first))).toBe(200);
    expect(outcome(await call('/a', second))).toBe(200);
    const refused = await call('/b', first);
    expectThrottled(refused, 900800);
    expect(refused.body.description).toMatch(/API/);
    // Another application, another resource: the same API-wide count.
    expectThrottled(await call('/a', second), 900800);
    expect(backend.requests.filter((r) => r.url === '/a' || r.url === '/b')).toHaveLength(3);
  });

  it("an operation's policy (throttlingPolicy) limits that resource and verb alone: 900802", async () => {
    const policy = await createdPolicy(ctx, 'advanced', { defaultLimit: requests(2) });
    const api = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      operations: [
        { target: '/items', verb: 'GET', authType: 'Any', throttlingPolicy: policy.policyName },
        { target: '/items', verb: 'POST', authType: 'Any', throttlingPolicy: policy.policyName },
        { target: '/free', verb: 'GET', authType: 'Any' },
      ],
    });
    const subscriber = await ctx.subscriber([api.id]);
    const call = (path: string, method = 'GET') =>
      ctx.gateway.call(`${api.base}${path}`, { method, token: subscriber.token() });

    expect(await outcomes(3, () => call('/items'))).toEqual([200, 200, '429 900802']);
    expectThrottled(await call('/items'), 900802);
    // The same policy on another verb is another resource, counted apart.
    expect(await outcomes(3, () => call('/items', 'POST'))).toEqual([200, 200, '429 900802']);
    // An operation without a policy is not limited by it.
    expect(await outcomes(4, () => call('/free'))).toEqual([200, 200, 200, 200]);
  });

  it("under an API-level policy the operations' policies are ignored (as in WSO2)", async () => {
    const apiPolicy = await createdPolicy(ctx, 'advanced', { defaultLimit: requests(100) });
    const resourcePolicy = await createdPolicy(ctx, 'advanced', { defaultLimit: requests(1) });
    const api = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      operations: [
        { target: '/x', verb: 'GET', authType: 'Any', throttlingPolicy: resourcePolicy.policyName },
      ],
      overrides: { apiThrottlingPolicy: apiPolicy.policyName },
    });
    const subscriber = await ctx.subscriber([api.id]);
    const replies: GatewayReply[] = [];
    for (let i = 0; i < 3; i++)
      replies.push(await ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() }));
    expect(replies.map(outcome)).toEqual([200, 200, 200]);
    // The API's limit is the tightest (Gold allows 5000 a minute).
    expect(replies.map((r) => [r.headers['ratelimit-limit'], r.headers['ratelimit-remaining']])).toEqual([
      ['100', '99'],
      ['100', '98'],
      ['100', '97'],
    ]);
  });
});

describe('subscription tiers', () => {
  it('a tier limits each application on each API: 900804', async () => {
    const tier = await createdPolicy(ctx, 'subscription', { defaultLimit: requests(3) });
    const { api, subscriber, call } = await tieredApi(tier.policyName);
    expect(await outcomes(4, call)).toEqual([200, 200, 200, '429 900804']);
    const refused = await call();
    expectThrottled(refused, 900804);
    expect(refused.body.description).toMatch(/subscription/);

    // Another application subscribed at the same tier has its own count.
    const neighbour = await ctx.subscriber([api.id], { throttlingPolicy: tier.policyName });
    expect(await outcomes(3, () => ctx.gateway.call(`${api.base}/x`, { token: neighbour.token() }))).toEqual([
      200, 200, 200,
    ]);
    // The same application on another API at the same tier too.
    const second = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      overrides: { policies: [tier.policyName] },
    });
    await ctx.portal.subscribed(subscriber.app.applicationId, second.id, tier.policyName);
    expect(outcome(await ctx.gateway.call(`${second.base}/x`, { token: subscriber.token() }))).toBe(200);
    expectThrottled(await call(), 900804);
  });

  it('its burst limit (rateLimitCount per rateLimitTimeUnit) refuses before the quota: 900807', async () => {
    const tier = await createdPolicy(ctx, 'subscription', {
      defaultLimit: requests(100),
      rateLimitCount: 2,
      rateLimitTimeUnit: 'min',
    });
    const { call } = await tieredApi(tier.policyName);
    await roomInWindow(60_000, 5000);
    expect(await outcomes(2, call)).toEqual([200, 200]);
    const refused = await call();
    expectThrottled(refused, 900807);
    expect(refused.body.description).toMatch(/burst/);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('stopOnQuotaReach=false lets calls over the quota through, marked overQuota in their request events', async () => {
    const tier = await createdPolicy(ctx, 'subscription', {
      defaultLimit: requests(2),
      stopOnQuotaReach: false,
      billingPlan: 'COMMERCIAL',
    });
    const { api, call } = await tieredApi(tier.policyName);
    const replies: GatewayReply[] = [];
    for (let i = 0; i < 4; i++) replies.push(await call());
    expect(replies.map(outcome)).toEqual([200, 200, 200, 200]);
    expect(replies.map((r) => r.headers['ratelimit-remaining'])).toEqual(['1', '0', '0', '0']);

    const { value: events } = await timeUntil(
      async () => eventsOf(api.id).filter((event) => event.status === 200),
      (list) => list.length >= 4,
      3000,
    );
    expect(events.map((event) => event.overQuota)).toEqual([false, false, true, true]);
    expect(events.every((event) => event.subscriptionPolicy === tier.policyName)).toBe(true);
  });
});

describe('application tiers', () => {
  it('a tier limits the application across all the APIs it calls: 900803', async () => {
    const appTier = await createdPolicy(ctx, 'application', { defaultLimit: requests(3) });
    const first = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url) });
    const second = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url) });
    const subscriber = await ctx.subscriber([first.id, second.id], { applicationPolicy: appTier.policyName });
    const call = (api: GatewayApi) => ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() });
    expect(outcome(await call(first))).toBe(200);
    expect(outcome(await call(second))).toBe(200);
    expect(outcome(await call(first))).toBe(200);
    const refused = await call(second);
    expectThrottled(refused, 900803);
    expect(refused.body.description).toMatch(/application/);
    expectThrottled(await call(first), 900803);
  });

  it('its burst limit (burstLimit) refuses before the quota: 900803', async () => {
    const appTier = await createdPolicy(ctx, 'application', {
      defaultLimit: requests(100),
      burstLimit: { rateLimitCount: 2, rateLimitTimeUnit: 'min' },
    });
    const api = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url) });
    const subscriber = await ctx.subscriber([api.id], { applicationPolicy: appTier.policyName });
    await roomInWindow(60_000, 5000);
    const replies = await outcomes(3, () => ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() }));
    expect(replies).toEqual([200, 200, '429 900803']);
  });

  it("counts per user: each user's password-grant tokens apart; client-credentials tokens as the owner", async () => {
    const appTier = await createdPolicy(ctx, 'application', { defaultLimit: requests(2) });
    const api = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url) });
    const subscriber = await ctx.subscriber([api.id], { applicationPolicy: appTier.policyName });
    const keys = subscriber.keys.PRODUCTION;
    const password = 'a-long-enough-password-1';
    const bob = await ctx.users.add(uniqueName('bob'), password, ['subscriber']);
    const carol = await ctx.users.add(uniqueName('carol'), password, ['subscriber']);
    const call = (token: string) => ctx.gateway.call(`${api.base}/x`, { token });

    // The application's own token (client credentials): counted for its owner, the admin.
    expect(await outcomes(3, () => call(subscriber.token()))).toEqual([200, 200, '429 900803']);
    // Users of the application each have their own count.
    const bobToken = await ctx.userToken(keys, bob.username, password);
    expect(await outcomes(3, () => call(bobToken))).toEqual([200, 200, '429 900803']);
    const carolToken = await ctx.userToken(keys, carol.username, password);
    expect(await outcomes(2, () => call(carolToken))).toEqual([200, 200]);
    // The owner's own user token shares the owner's count with the client-credentials token (WSO2's key).
    const adminToken = await ctx.userToken(keys, 'admin', ctx.node.adminPassword);
    expectThrottled(await call(adminToken), 900803);
  });
});

describe("the API's maxTps", () => {
  it('limits production and sandbox calls per second apart, with 503 900801', async () => {
    const api = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url, sandbox.url),
      overrides: { maxTps: { production: 2, sandbox: 1 } },
    });
    const subscriber = await ctx.subscriber([api.id], { keyTypes: ['PRODUCTION', 'SANDBOX'] });
    const call = (keyType: 'PRODUCTION' | 'SANDBOX') =>
      ctx.gateway.call(`${api.base}/x`, { token: subscriber.token(keyType) });
    await roomInWindow(1000, 700);
    const production = await outcomes(3, () => call('PRODUCTION'));
    const sandboxed = await outcomes(2, () => call('SANDBOX'));
    expect(production).toEqual([200, 200, '503 900801']);
    expect(sandboxed).toEqual([200, '503 900801']);
    const refused = await call('PRODUCTION');
    expectThrottled(refused, 900801, 503);
    expect(refused.headers['retry-after']).toBe('1');
    // A new second: the backend takes calls again.
    await sleep(1000 - (Date.now() % 1000) + 5);
    expect(outcome(await call('PRODUCTION'))).toBe(200);
    expect(outcome(await call('SANDBOX'))).toBe(200);
  });
});

describe("WSO2's order", () => {
  it('the first level used up answers: API policy, then subscription, then application, then maxTps', async () => {
    const tight = requests(2);
    const advanced = await createdPolicy(ctx, 'advanced', { defaultLimit: tight });
    const subTier = await createdPolicy(ctx, 'subscription', { defaultLimit: tight });
    const appTier = await createdPolicy(ctx, 'application', { defaultLimit: tight });

    // All three used up together: the advanced policy answers.
    const all = await tieredApi(subTier.policyName, {
      api: { apiThrottlingPolicy: advanced.policyName },
      applicationPolicy: appTier.policyName,
    });
    expect(await outcomes(3, () => all.call())).toEqual([200, 200, '429 900800']);

    // Subscription and application tiers used up together: the subscription answers.
    const both = await tieredApi(subTier.policyName, { applicationPolicy: appTier.policyName });
    expect(await outcomes(3, () => both.call())).toEqual([200, 200, '429 900804']);

    // Subscription tier and backend TPS used up together: the subscription answers.
    const oneTier = await createdPolicy(ctx, 'subscription', { defaultLimit: requests(1) });
    const tps = await tieredApi(oneTier.policyName, { api: { maxTps: { production: 1 } } });
    await roomInWindow(1000, 500);
    expect(await outcomes(2, () => tps.call())).toEqual([200, '429 900804']);
  });

  it('a refused call uses no quota at the levels it did not pass', async () => {
    const subTier = await createdPolicy(ctx, 'subscription', { defaultLimit: requests(2) });
    const roomyTier = await createdPolicy(ctx, 'subscription', { defaultLimit: requests(100) });
    const appTier = await createdPolicy(ctx, 'application', { defaultLimit: requests(3) });
    const limited = await tieredApi(subTier.policyName, { applicationPolicy: appTier.policyName });
    const roomy = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      overrides: { policies: [roomyTier.policyName] },
    });
    await ctx.portal.subscribed(limited.subscriber.app.applicationId, roomy.id, roomyTier.policyName);

    // Refused by the subscription tier twice: the application tier counted only the 2 that passed.
    expect(await outcomes(4, () => limited.call())).toEqual([200, 200, '429 900804', '429 900804']);
    const onRoomy = () => ctx.gateway.call(`${roomy.base}/x`, { token: limited.subscriber.token() });
    expect(await outcomes(2, onRoomy)).toEqual([200, '429 900803']);
  });
});

describe('the Unauthenticated tier', () => {
  it('limits operations with auth type None per client IP and API: 900804', async () => {
    // Only /open: the probe that waits for the deployment (on /) matches no resource and is not counted.
    const operations = [
      { target: '/open', verb: 'GET', authType: 'None' },
      { target: '/closed', verb: 'GET', authType: 'Any' },
    ];
    const api = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url), operations });
    const second = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url), operations });
    const subscriber = await ctx.subscriber([api.id]);
    const list = await ctx.api.get(`${POLICIES}/subscription`);
    const original = (list.body.list as Json[]).find((p) => p.policyName === 'Unauthenticated');
    expect(original).toBeDefined();
    // 500 a minute by default: lowered for the test, and put back after.
    await updatedPolicy(ctx, 'subscription', { ...original, defaultLimit: requests(3) });
    try {
      const open =
        (client: GatewayClient, target: GatewayApi = api) =>
        () =>
          client.call(`${target.base}/open`);

      expect(await outcomes(4, open(ctx.gateway))).toEqual([200, 200, 200, '429 900804']);
      expectThrottled(await open(ctx.gateway)(), 900804);
      // Another client IP has its own count.
      expect(await outcomes(4, open(other))).toEqual([200, 200, 200, '429 900804']);
      // So does the same IP on another API.
      expect(outcome(await open(ctx.gateway, second)())).toBe(200);
      // Authenticated operations of the API go by the caller's subscription (Gold) instead.
      expect(outcome(await ctx.gateway.call(`${api.base}/closed`, { token: subscriber.token() }))).toBe(200);

      const { value: events } = await timeUntil(
        async () => eventsOf(api.id).filter((event) => event.operation === 'GET /open'),
        (found) => found.length >= 9,
        3000,
      );
      expect(new Set(events.map((event) => event.subscriptionPolicy))).toEqual(new Set(['Unauthenticated']));
      expect(new Set(events.map((event) => event.clientIp))).toEqual(new Set(['127.0.0.1', '127.0.0.2']));
    } finally {
      await updatedPolicy(ctx, 'subscription', original);
    }
  });
});

describe('time units', () => {
  it('a per-second quota: used up within the second, a new second lets calls through again', async () => {
    const tier = await createdPolicy(ctx, 'subscription', { defaultLimit: requests(2, 'sec') });
    const { call } = await tieredApi(tier.policyName);
    await roomInWindow(1000, 700);
    expect(await outcomes(2, call)).toEqual([200, 200]);
    const refused = await call();
    expectThrottled(refused, 900804);
    expect(refused.headers['retry-after']).toBe('1');
    await sleep(1000 - (Date.now() % 1000) + 5);
    expect(await outcomes(2, call)).toEqual([200, 200]);
  });

  it('windows of each unit (and of several units) are aligned to the epoch: RateLimit-Reset says when they end', async () => {
    const units: [string, number, number][] = [
      ['sec', 30, 30_000],
      ['min', 1, 60_000],
      ['min', 5, 300_000],
      ['hour', 1, 3_600_000],
      ['hour', 2, 7_200_000],
      ['day', 1, 86_400_000],
    ];
    const tiers: Json[] = [];
    for (const [unit, unitTime] of units)
      tiers.push(
        await createdPolicy(ctx, 'subscription', {
          defaultLimit: requests(50 + tiers.length, unit, unitTime),
        }),
      );
    const api = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      overrides: { policies: tiers.map((t) => t.policyName) },
    });
    for (const [i, [unit, unitTime, windowMs]] of units.entries()) {
      const subscriber = await ctx.subscriber([api.id], { throttlingPolicy: tiers[i].policyName });
      const before = Date.now();
      const reply = await ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() });
      const after = Date.now();
      expect(reply.status, `${unitTime} ${unit}`).toBe(200);
      expect(reply.headers['ratelimit-limit']).toBe(String(50 + i));
      expect(reply.headers['ratelimit-remaining']).toBe(String(49 + i));
      const reset = Number(reply.headers['ratelimit-reset']);
      const bounds = [secondsLeft(windowMs, before), secondsLeft(windowMs, after)];
      expect(reset, `${unitTime} ${unit}`).toBeGreaterThanOrEqual(Math.min(...bounds));
      expect(reset, `${unitTime} ${unit}`).toBeLessThanOrEqual(Math.max(...bounds));
    }
  });
});

describe('bandwidth limits', () => {
  it('count response bytes once the call is done: 900804 when the data is used up', async () => {
    const tier = await createdPolicy(ctx, 'subscription', { defaultLimit: bandwidth(1, 'KB') });
    const { call } = await tieredApi(tier.policyName);
    const first = await call('/x?size=600');
    expect(outcome(first)).toBe(200);
    expect(first.text).toHaveLength(600);
    // Not counted in requests: no count limit to report.
    expect(first.headers['ratelimit-limit']).toBeUndefined();
    await sleep(20);
    expect(outcome(await call('/x?size=600'))).toBe(200);
    await sleep(20);
    // 1200 bytes of 1024 used: nothing passes, however small.
    expectThrottled(await call('/x'), 900804);
  });

  it('count request bytes too', async () => {
    const tier = await createdPolicy(ctx, 'subscription', { defaultLimit: bandwidth(2, 'KB') });
    const { call, subscriber, api } = await tieredApi(tier.policyName);
    const post = () =>
      ctx.gateway.call(`${api.base}/upload`, {
        method: 'POST',
        token: subscriber.token(),
        body: Buffer.alloc(2100, 1),
      });
    expect(outcome(await post())).toBe(200);
    await sleep(20);
    expectThrottled(await call(), 900804);
  });
});

describe('rate-limit headers', () => {
  it('passing calls carry the tightest counted limit; a refusal carries Retry-After and RateLimit-*', async () => {
    const subTier = await createdPolicy(ctx, 'subscription', { defaultLimit: requests(5) });
    const appTier = await createdPolicy(ctx, 'application', { defaultLimit: requests(3, 'day') });
    const { call } = await tieredApi(subTier.policyName, { applicationPolicy: appTier.policyName });
    const day = 86_400_000;
    for (const remaining of ['2', '1', '0']) {
      const before = Date.now();
      const reply = await call();
      expect(outcome(reply)).toBe(200);
      // The application's 3 a day leave fewer calls than the subscription's 5 an hour.
      expect(reply.headers['ratelimit-limit']).toBe('3');
      expect(reply.headers['ratelimit-remaining']).toBe(remaining);
      const reset = Number(reply.headers['ratelimit-reset']);
      expect(reset).toBeLessThanOrEqual(secondsLeft(day, before));
      expect(reset).toBeGreaterThanOrEqual(secondsLeft(day, Date.now()));
    }
    const before = Date.now();
    const refused = await call();
    expectThrottled(refused, 900803);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeLessThanOrEqual(secondsLeft(day, before));
    expect(retryAfter).toBeGreaterThanOrEqual(secondsLeft(day, Date.now()));
    expect(refused.headers['ratelimit-limit']).toBe('3');
    expect(refused.headers['ratelimit-reset']).toBe(refused.headers['retry-after']);
    // The description says when to try again: the end of the UTC day.
    const midnight = new Date(before - (before % day) + day).toISOString();
    expect(refused.body.description).toContain(midnight);
  });

  it('calls under unlimited tiers only carry no RateLimit headers', async () => {
    const { call } = await tieredApi('Unlimited');
    const reply = await call();
    expect(outcome(reply)).toBe(200);
    expect(reply.headers['ratelimit-limit']).toBeUndefined();
    expect(reply.headers['ratelimit-remaining']).toBeUndefined();
  });
});
