/**
 * Advanced throttling policies at the gateway and policy changes made through the Admin API, end to end
 * (all-in-one node, in-process Traffic Manager). Condition groups as WSO2 evaluates them, at the API level
 * (900800) and the resource level (900802): an IP condition (a fixed address or a range; the default client
 * connects from 127.0.0.1, a second one binds 127.0.0.2), a header condition (a regular expression found in
 * the value; header names in any case), a query parameter condition (the exact value), a JWT claim condition
 * (a regular expression on a claim of WSO2's dialect, e.g. http://wso2.org/claims/applicationname), inverted
 * conditions, all conditions of a group together, each group counted apart from the others and from the
 * default limit. Then Admin changes reaching the gateway within 250 ms of the Admin API's reply: a raised
 * subscription tier lets a throttled application through again, a lowered advanced policy and a condition
 * group added to one apply, a policy created under a name a deployed revision uses applies; and a policy
 * change must not undo a subscription made while the gateway pulls its state.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, type Json } from '../publisher/admin-client.js';
import {
  expectGatewayError,
  GatewayClient,
  httpEndpoints,
  timeUntil,
  useGatewayNode,
  type CallOptions,
  type GatewayApi,
  type GatewayReply,
  type Subscribed,
  type TestBackend,
} from './gateway-support.js';
import {
  createdPolicy,
  otherClient,
  outcome,
  outcomes,
  policyChange,
  POLICIES,
  putPolicy,
  requests,
} from './throttling-support.js';

const ctx = useGatewayNode();

/** The most a change may take to reach the gateway once the Admin API has answered. */
const EVENT_BUDGET_MS = 250;

let backend: TestBackend;
/** A client of the gateway whose connections come from 127.0.0.2 (the default client's are 127.0.0.1). */
let other: GatewayClient;

beforeAll(async () => {
  backend = await ctx.backend('conditions');
  other = otherClient(ctx);
});

afterAll(async () => {
  await other?.dispatcher.destroy();
});

const ipSpecific = (specificIP: string, invertCondition = false) => ({
  type: 'IPCONDITION',
  invertCondition,
  ipCondition: { ipConditionType: 'IPSPECIFIC', specificIP },
});
const ipRange = (startingIP: string, endingIP: string) => ({
  type: 'IPCONDITION',
  ipCondition: { ipConditionType: 'IPRANGE', startingIP, endingIP },
});
const header = (headerName: string, headerValue: string, invertCondition = false) => ({
  type: 'HEADERCONDITION',
  invertCondition,
  headerCondition: { headerName, headerValue },
});
const queryParameter = (parameterName: string, parameterValue: string) => ({
  type: 'QUERYPARAMETERCONDITION',
  queryParameterCondition: { parameterName, parameterValue },
});
const claim = (claimUrl: string, attribute: string, invertCondition = false) => ({
  type: 'JWTCLAIMSCONDITION',
  invertCondition,
  jwtClaimsCondition: { claimUrl, attribute },
});

function expectThrottled(reply: GatewayReply, code: number): void {
  expectGatewayError(reply, 429, code);
  expect(reply.body.message).toBe('Message throttled out');
  expect(reply.headers['retry-after']).toMatch(/^[1-9]\d*$/);
}

interface Conditioned {
  api: GatewayApi;
  policy: Json;
  subscriber: Subscribed;
  /** GET `path` (default /x) with the subscriber's token from `client` (default: 127.0.0.1). */
  call(options?: CallOptions & { path?: string; client?: GatewayClient }): Promise<GatewayReply>;
}

/**
 * An advanced policy (default limit 100 an hour unless said) with these condition groups, on a new API
 * (`level` api: its apiThrottlingPolicy, answering 900800) or on its GET /* (`resource`: 900802), and an
 * application subscribed to it.
 */
async function conditioned(
  level: 'api' | 'resource',
  groups: { conditions: Json[]; limit: number }[],
  defaultLimit = 100,
): Promise<Conditioned> {
  const policy = await createdPolicy(ctx, 'advanced', {
    defaultLimit: requests(defaultLimit),
    conditionalGroups: groups.map((g, i) => ({
      description: `group ${i}`,
      conditions: g.conditions,
      limit: requests(g.limit),
    })),
  });
  const api = await ctx.servedApi({
    endpointConfig: httpEndpoints(backend.url),
    operations: [
      {
        target: '/*',
        verb: 'GET',
        authType: 'Any',
        ...(level === 'resource' ? { throttlingPolicy: policy.policyName } : {}),
      },
    ],
    ...(level === 'api' ? { overrides: { apiThrottlingPolicy: policy.policyName } } : {}),
  });
  const subscriber = await ctx.subscriber([api.id]);
  return {
    api,
    policy,
    subscriber,
    call: ({ path = '/x', client = ctx.gateway, ...options } = {}) =>
      client.call(`${api.base}${path}`, { token: subscriber.token(), ...options }),
  };
}

describe('condition groups', () => {
  it('IP condition, a fixed address: calls from it are counted under the group; others under the default', async () => {
    const { call } = await conditioned('api', [{ conditions: [ipSpecific('127.0.0.1')], limit: 2 }], 4);
    expect(await outcomes(3, () => call())).toEqual([200, 200, '429 900800']);
    expectThrottled(await call(), 900800);
    // 127.0.0.2 matches no group: the default limit, with its own count.
    expect(await outcomes(5, () => call({ client: other }))).toEqual([200, 200, 200, 200, '429 900800']);
  });

  it('IP condition, a range (on a resource: 900802)', async () => {
    const { call } = await conditioned('resource', [
      { conditions: [ipRange('127.0.0.2', '127.0.0.9')], limit: 1 },
    ]);
    expect(await outcomes(2, () => call({ client: other }))).toEqual([200, '429 900802']);
    expectThrottled(await call({ client: other }), 900802);
    expect(await outcomes(3, () => call())).toEqual([200, 200, 200]);
  });

  it('an inverted IP condition holds for every other address', async () => {
    const { call } = await conditioned('api', [{ conditions: [ipSpecific('127.0.0.1', true)], limit: 1 }]);
    expect(await outcomes(2, () => call({ client: other }))).toEqual([200, '429 900800']);
    expect(await outcomes(3, () => call())).toEqual([200, 200, 200]);
  });

  it("header condition: a regular expression found in the header's value; header names in any case", async () => {
    const { call } = await conditioned('resource', [{ conditions: [header('X-Plan', '^fre+')], limit: 1 }]);
    expect(outcome(await call({ headers: { 'X-Plan': 'free-tier' } }))).toBe(200);
    expectThrottled(await call({ headers: { 'x-plan': 'freeee' } }), 900802);
    expect(outcome(await call({ headers: { 'X-Plan': 'not-free' } }))).toBe(200);
    expect(outcome(await call({ headers: { 'X-Plan': 'paid' } }))).toBe(200);
    expect(outcome(await call())).toBe(200);
  });

  it('an inverted header condition holds when the header is absent or does not match', async () => {
    const { call } = await conditioned('api', [{ conditions: [header('X-Plan', '^gold$', true)], limit: 1 }]);
    expect(outcome(await call())).toBe(200);
    expectThrottled(await call({ headers: { 'X-Plan': 'silver' } }), 900800);
    expect(await outcomes(3, () => call({ headers: { 'X-Plan': 'gold' } }))).toEqual([200, 200, 200]);
  });

  it("query parameter condition: the parameter's exact value", async () => {
    const { call } = await conditioned('api', [{ conditions: [queryParameter('plan', 'free')], limit: 1 }]);
    expect(outcome(await call({ path: '/x?plan=free' }))).toBe(200);
    expect(outcome(await call({ path: '/x?plan=freedom' }))).toBe(200);
    expect(outcome(await call({ path: '/x?plan=Free' }))).toBe(200);
    expect(outcome(await call({ path: '/x' }))).toBe(200);
    expectThrottled(await call({ path: '/x?other=1&plan=free' }), 900800);
  });

  it("JWT claim condition: a regular expression on a WSO2 claim (the application's name)", async () => {
    const first = await conditioned('api', []);
    const name = first.subscriber.app.name as string;
    // A policy naming this application, on a new API both applications call.
    const { api, call } = await conditioned('resource', [
      { conditions: [claim('http://wso2.org/claims/applicationname', `^${name}$`)], limit: 1 },
    ]);
    await ctx.portal.subscribed(first.subscriber.app.applicationId, api.id);
    const callAs = (subscriber: Subscribed) =>
      ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() });
    expect(await outcomes(2, () => callAs(first.subscriber))).toEqual([200, '429 900802']);
    // The API's own subscriber has another name: the default limit.
    expect(await outcomes(3, () => call())).toEqual([200, 200, 200]);
  });

  it('JWT claim condition on the user type, inverted: application tokens are counted, users are not', async () => {
    const { subscriber, call } = await conditioned('api', [
      { conditions: [claim('http://wso2.org/claims/usertype', '^APPLICATION_USER$', true)], limit: 1 },
    ]);
    expect(await outcomes(2, () => call())).toEqual([200, '429 900800']);
    const userToken = await ctx.userToken(subscriber.keys.PRODUCTION, 'admin', ctx.node.adminPassword);
    expect(await outcomes(3, () => call({ token: userToken }))).toEqual([200, 200, 200]);
  });

  it('each group is counted apart (<key>_condition_<i>) and apart from the default limit', async () => {
    const { call } = await conditioned(
      'api',
      [
        { conditions: [header('X-A', '.')], limit: 1 },
        { conditions: [queryParameter('b', '1')], limit: 2 },
      ],
      3,
    );
    expect(await outcomes(2, () => call({ headers: { 'X-A': 'yes' } }))).toEqual([200, '429 900800']);
    expect(await outcomes(3, () => call({ path: '/x?b=1' }))).toEqual([200, 200, '429 900800']);
    expect(await outcomes(4, () => call())).toEqual([200, 200, 200, '429 900800']);
    // A call matching both groups is counted under both: the first one used up refuses it.
    const fresh = await conditioned('api', [
      { conditions: [header('X-A', '.')], limit: 1 },
      { conditions: [queryParameter('b', '1')], limit: 5 },
    ]);
    expect(outcome(await fresh.call({ path: '/x?b=1', headers: { 'X-A': 'yes' } }))).toBe(200);
    expectThrottled(await fresh.call({ path: '/x?b=1', headers: { 'X-A': 'yes' } }), 900800);
    // The refused call was not counted under the second group: 4 of its 5 are left.
    expect(await outcomes(5, () => fresh.call({ path: '/x?b=1' }))).toEqual([
      200,
      200,
      200,
      200,
      '429 900800',
    ]);
  });

  it("all of a group's conditions must hold", async () => {
    const { call } = await conditioned('resource', [
      { conditions: [header('X-C', '^yes$'), queryParameter('c', '1')], limit: 1 },
    ]);
    expect(await outcomes(2, () => call({ headers: { 'X-C': 'yes' } }))).toEqual([200, 200]);
    expect(await outcomes(2, () => call({ path: '/x?c=1' }))).toEqual([200, 200]);
    expect(await outcomes(2, () => call({ path: '/x?c=1', headers: { 'X-C': 'yes' } }))).toEqual([
      200,
      '429 900802',
    ]);
  });
});

describe('Admin changes reach the gateway within 250 ms', () => {
  /** Polls the gateway from the Admin API's reply until `done`, and expects it within the budget. */
  async function takesEffect(call: () => Promise<GatewayReply>, done: (reply: GatewayReply) => boolean) {
    const { elapsed, value } = await timeUntil(call, done, 3000);
    expect(elapsed, `took ${Math.round(elapsed)} ms`).toBeLessThan(EVENT_BUDGET_MS);
    return value;
  }

  it("a subscription tier's raised limit (PUT) lets the throttled application through again", async () => {
    const tier = await createdPolicy(ctx, 'subscription', { defaultLimit: requests(2) });
    const api = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      overrides: { policies: [tier.policyName] },
    });
    const subscriber = await ctx.subscriber([api.id], { throttlingPolicy: tier.policyName });
    const call = () => ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() });
    expect(await outcomes(3, call)).toEqual([200, 200, '429 900804']);
    // An operator raises a limit well after it was reached: the Traffic Manager has decided by then.
    await sleep(100);
    expectThrottled(await call(), 900804);

    await putPolicy(ctx, 'subscription', { ...tier, defaultLimit: requests(100) });
    const passed = await takesEffect(call, (reply) => reply.status === 200);
    expect(passed.headers['ratelimit-limit']).toBe('100');
  });

  it("an advanced policy's lowered limit (PUT) refuses calls over it", async () => {
    const { policy, call } = await conditioned('api', []);
    expect(await outcomes(3, () => call())).toEqual([200, 200, 200]);
    await putPolicy(ctx, 'advanced', { ...policy, defaultLimit: requests(3) });
    const refused = await takesEffect(call, (reply) => reply.status === 429);
    expectThrottled(refused, 900800);
  });

  it('a condition group added to an advanced policy (PUT) applies to the calls it matches', async () => {
    const { policy, call } = await conditioned('api', [], 50);
    const free = () => call({ headers: { 'X-Plan': 'free' } });
    expect((await free()).headers['ratelimit-limit']).toBe('50');
    await putPolicy(ctx, 'advanced', {
      ...policy,
      conditionalGroups: [
        { description: 'free plan', conditions: [header('X-Plan', '^free$')], limit: requests(1) },
      ],
    });
    const first = await takesEffect(free, (reply) => reply.headers['ratelimit-limit'] === '1');
    expect(outcome(first)).toBe(200);
    expectThrottled(await free(), 900800);
    expect(outcome(await call())).toBe(200);
  });

  it('a policy created (POST) under a name a deployed revision uses applies to it', async () => {
    const name = uniqueName('adv');
    const original = await createdPolicy(ctx, 'advanced', { policyName: name, defaultLimit: requests(50) });
    const api = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      operations: [{ target: '/*', verb: 'GET', authType: 'Any', throttlingPolicy: name }],
    });
    const subscriber = await ctx.subscriber([api.id]);
    const call = () => ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() });
    expect((await call()).headers['ratelimit-limit']).toBe('50');
    // The API stops naming the policy (its deployed revision still does), and the policy is deleted.
    const current = (await ctx.apis.get(api.id)).body;
    const updated = await ctx.apis.update(api.id, {
      ...current,
      operations: [{ target: '/*', verb: 'GET', authType: 'Any' }],
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    const deleted = await policyChange(ctx, () =>
      ctx.api.delete(`${POLICIES}/advanced/${original.policyId}`, `${POLICIES}/advanced/{policyId}`),
    );
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    // A policy the gateway does not know limits nothing: Gold's 5000 a minute is the tightest now.
    expect((await call()).headers['ratelimit-limit']).toBe('5000');

    const created = await ctx.api.post(`${POLICIES}/advanced`, {
      policyName: name,
      defaultLimit: requests(2),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const first = await takesEffect(call, (reply) => reply.headers['ratelimit-limit'] === '2');
    // The resource's count of this window goes on: the call made under the first policy counts too.
    expect(first.headers['ratelimit-remaining']).toBe('0');
    expectThrottled(await call(), 900802);
  });
});

describe('policy changes and the gateway state', () => {
  it('a subscription made just after a policy change still holds once the gateway has pulled its state', async () => {
    const api = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url) });
    const subscriber = await ctx.subscriber([api.id], { subscribe: false });
    const call = () => ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() });
    expectGatewayError(await call(), 403, 900908);
    // The policy change makes the gateway pull a snapshot; the subscription is made while it is on its way.
    await policyChange(ctx, async () => {
      const created = await ctx.api.post(`${POLICIES}/advanced`, {
        policyName: uniqueName('adv'),
        defaultLimit: requests(100),
      });
      expect(created.status).toBe(201);
      await ctx.portal.subscribed(subscriber.app.applicationId, api.id);
    });
    expect(outcome(await call())).toBe(200);
    await sleep(200);
    expect(outcome(await call())).toBe(200);
  });
});
