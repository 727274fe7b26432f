/**
 * Who may call an API at the gateway once the token is valid, end to end: the token's client must be an
 * application's key (900908 otherwise), subscribed to the API (900908), with the subscription not blocked
 * (900907; PROD_ONLY_BLOCKED blocks production keys only), holding one of the operation's scopes (900910);
 * what the API's lifecycle does to it: BLOCKED is 700700 (503), demoted to CREATED or RETIRED is gone (404),
 * DEPRECATED still serves existing subscriptions, PROTOTYPED needs no subscription; and deny policies made
 * through the Admin API (/throttling/deny-policies): an API (context with version), an IP or IP range, an
 * application (`owner:name`) and a user are refused with 900805 (403) until the policy is switched off
 * (PATCH conditionStatus false) or deleted.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PublisherApi } from '../publisher/apis-client.js';
import { DenyPolicies } from '../publisher/deny-policies-client.js';
import { adminCredentials, clientCredentials } from '../support/oauth-helpers.js';
import {
  expectForwarded,
  expectGatewayError,
  httpEndpoints,
  useGatewayNode,
  type GatewayApi,
  type Subscribed,
  type TestBackend,
} from './gateway-support.js';

const ctx = useGatewayNode();

let backend: TestBackend;
let sandbox: TestBackend;
/** The Publisher API as an admin who may block subscriptions. */
let blocker: PublisherApi;

beforeAll(async () => {
  backend = await ctx.backend('production');
  sandbox = await ctx.backend('sandbox');
  const tokens = await ctx.tokenFor(
    adminCredentials(ctx.node),
    'apim:subscription_view apim:subscription_block apim:subscription_manage',
  );
  blocker = new PublisherApi(ctx.node, tokens.access_token);
});

const endpoints = () => httpEndpoints(backend.url, sandbox.url);

async function block(subscriptionId: string, blockState: 'BLOCKED' | 'PROD_ONLY_BLOCKED'): Promise<void> {
  const reply = await blocker.call(
    'POST',
    `/subscriptions/block-subscription?${new URLSearchParams({ subscriptionId, blockState }).toString()}`,
    { template: '/subscriptions/block-subscription' },
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
}

async function unblock(subscriptionId: string): Promise<void> {
  const reply = await blocker.call(
    'POST',
    `/subscriptions/unblock-subscription?${new URLSearchParams({ subscriptionId }).toString()}`,
    { template: '/subscriptions/unblock-subscription' },
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
}

/** The subscription of the application to the API, as the Developer Portal lists it. */
async function subscriptionOf(subscriber: Subscribed, apiId: string): Promise<string> {
  const reply = await ctx.portal.listSubscriptions({ applicationId: subscriber.app.applicationId, apiId });
  const id = reply.body.list?.[0]?.subscriptionId;
  expect(id, JSON.stringify(reply.body)).toEqual(expect.any(String));
  return id as string;
}

describe('subscriptions', () => {
  let api: GatewayApi;
  let subscriber: Subscribed;

  beforeAll(async () => {
    api = await ctx.servedApi({ endpointConfig: endpoints() });
    subscriber = await ctx.subscriber([api.id], { keyTypes: ['PRODUCTION', 'SANDBOX'] });
  });

  it('a subscribed application calls the API with its production and its sandbox keys', async () => {
    expectForwarded(
      await ctx.gateway.call(`${api.base}/x`, { token: subscriber.token('PRODUCTION') }),
      backend,
    );
    expectForwarded(await ctx.gateway.call(`${api.base}/x`, { token: subscriber.token('SANDBOX') }), sandbox);
  });

  it('a valid token of a client that is no application key is 900908', async () => {
    const tokens = await clientCredentials(ctx.node, ctx.as, ctx.client);
    expectGatewayError(await ctx.gateway.call(`${api.base}/x`, { token: tokens.access_token }), 403, 900908);
  });

  it('an application that is not subscribed is 900908', async () => {
    const other = await ctx.subscriber([api.id], { subscribe: false });
    expectGatewayError(await ctx.gateway.call(`${api.base}/x`, { token: other.token() }), 403, 900908);
    // Subscribed to another API only: still not this one.
    const elsewhere = await ctx.servedApi({ endpointConfig: endpoints() });
    const subscribedElsewhere = await ctx.subscriber([elsewhere.id]);
    expectGatewayError(
      await ctx.gateway.call(`${api.base}/x`, { token: subscribedElsewhere.token() }),
      403,
      900908,
    );
    expectForwarded(await ctx.gateway.call(`${elsewhere.base}/x`, { token: subscribedElsewhere.token() }));
  });

  it('subscribing lets the application in at once; unsubscribing shuts it out at once', async () => {
    const later = await ctx.subscriber([api.id], { subscribe: false });
    expectGatewayError(await ctx.gateway.call(`${api.base}/x`, { token: later.token() }), 403, 900908);
    const subscription = await ctx.portal.subscribed(later.app.applicationId, api.id);
    expectForwarded(await ctx.gateway.call(`${api.base}/x`, { token: later.token() }));
    expect((await ctx.portal.deleteSubscription(subscription.subscriptionId)).status).toBe(200);
    expectGatewayError(await ctx.gateway.call(`${api.base}/x`, { token: later.token() }), 403, 900908);
  });

  it('a BLOCKED subscription is 900907 for every key; unblocked, it works again', async () => {
    const blocked = await ctx.subscriber([api.id], { keyTypes: ['PRODUCTION', 'SANDBOX'] });
    const id = await subscriptionOf(blocked, api.id);
    await block(id, 'BLOCKED');
    for (const keyType of ['PRODUCTION', 'SANDBOX'] as const) {
      expectGatewayError(
        await ctx.gateway.call(`${api.base}/x`, { token: blocked.token(keyType) }),
        403,
        900907,
      );
    }
    await unblock(id);
    expectForwarded(await ctx.gateway.call(`${api.base}/x`, { token: blocked.token('PRODUCTION') }), backend);
    expectForwarded(await ctx.gateway.call(`${api.base}/x`, { token: blocked.token('SANDBOX') }), sandbox);
  });

  it('PROD_ONLY_BLOCKED blocks production keys only: sandbox keys still work', async () => {
    const prodBlocked = await ctx.subscriber([api.id], { keyTypes: ['PRODUCTION', 'SANDBOX'] });
    await block(await subscriptionOf(prodBlocked, api.id), 'PROD_ONLY_BLOCKED');
    expectGatewayError(
      await ctx.gateway.call(`${api.base}/x`, { token: prodBlocked.token('PRODUCTION') }),
      403,
      900907,
    );
    expectForwarded(
      await ctx.gateway.call(`${api.base}/x`, { token: prodBlocked.token('SANDBOX') }),
      sandbox,
    );
  });

  it('a deleted application’s tokens no longer get in', async () => {
    const doomed = await ctx.subscriber([api.id]);
    expectForwarded(await ctx.gateway.call(`${api.base}/x`, { token: doomed.token() }));
    expect((await ctx.portal.deleteApp(doomed.app.applicationId)).status).toBe(200);
    const reply = await ctx.gateway.call(`${api.base}/x`, { token: doomed.token() });
    expect(reply.status, reply.text).toBeGreaterThanOrEqual(401);
    expect(['900901', '900908']).toContain(reply.body?.code);
  });
});

describe('scopes', () => {
  let api: GatewayApi;
  let subscriber: Subscribed;

  beforeAll(async () => {
    api = await ctx.servedApi({
      endpointConfig: endpoints(),
      overrides: {
        scopes: [
          { scope: { name: 'gw:read', displayName: 'Read' }, shared: false },
          { scope: { name: 'gw:write', displayName: 'Write' }, shared: false },
        ],
      },
      operations: [
        { target: '/read', verb: 'GET', authType: 'Any', scopes: ['gw:read'] },
        { target: '/either', verb: 'GET', authType: 'Any', scopes: ['gw:read', 'gw:write'] },
        { target: '/free', verb: 'GET', authType: 'Any', scopes: [] },
      ],
    });
    subscriber = await ctx.subscriber([api.id]);
  });

  async function tokenWith(scopes: string[]): Promise<string> {
    const keys = subscriber.keys.PRODUCTION;
    const reply = await ctx.portal.generateToken(subscriber.app.applicationId, keys.keyMappingId, {
      consumerSecret: keys.consumerSecret,
      scopes,
      validityPeriod: 3600,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.accessToken as string;
  }

  it('a token without the operation’s scope is 900910, naming the scopes', async () => {
    const reply = await ctx.gateway.call(`${api.base}/read`, { token: subscriber.token() });
    expectGatewayError(reply, 403, 900910, 'gw:read');
    expect(reply.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
    const other = await ctx.gateway.call(`${api.base}/read`, { token: await tokenWith(['gw:write']) });
    expectGatewayError(other, 403, 900910);
  });

  it('a token with one of the operation’s scopes gets in', async () => {
    const read = await tokenWith(['gw:read']);
    expectForwarded(await ctx.gateway.call(`${api.base}/read`, { token: read }), backend);
    expectForwarded(await ctx.gateway.call(`${api.base}/either`, { token: read }), backend);
    expectForwarded(await ctx.gateway.call(`${api.base}/either`, { token: await tokenWith(['gw:write']) }));
  });

  it('an operation without scopes takes any token', async () => {
    expectForwarded(await ctx.gateway.call(`${api.base}/free`, { token: subscriber.token() }));
  });
});

describe('lifecycle', () => {
  it('BLOCKED is 700700 (503) for everyone; re-published, the API answers again', async () => {
    const api = await ctx.servedApi({ endpointConfig: endpoints() });
    const subscriber = await ctx.subscriber([api.id]);
    await ctx.apis.move(api.id, 'Block');
    expectGatewayError(await ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() }), 503, 700700);
    expectGatewayError(await ctx.gateway.call(`${api.base}/x`), 503, 700700);
    await ctx.apis.move(api.id, 'Re-Publish');
    expectForwarded(await ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() }), backend);
  });

  it('demoted to CREATED, the API is not served (404)', async () => {
    const api = await ctx.servedApi({ endpointConfig: endpoints() });
    const subscriber = await ctx.subscriber([api.id]);
    expectForwarded(await ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() }));
    await ctx.apis.move(api.id, 'Demote to Created');
    expectGatewayError(await ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() }), 404, 404);
  });

  it('DEPRECATED still serves existing subscriptions; RETIRED takes the API off the gateway (404)', async () => {
    const api = await ctx.servedApi({ endpointConfig: endpoints() });
    const subscriber = await ctx.subscriber([api.id]);
    await ctx.apis.move(api.id, 'Deprecate');
    expectForwarded(await ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() }), backend);
    const newcomer = await ctx.subscriber([api.id], { subscribe: false });
    expectGatewayError(await ctx.gateway.call(`${api.base}/x`, { token: newcomer.token() }), 403, 900908);
    await ctx.apis.move(api.id, 'Retire');
    expectGatewayError(await ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() }), 404, 404);
    expect(await ctx.revisions.current(api.id)).toEqual([]);
  });

  it('PROTOTYPED is open to any valid token, without a subscription', async () => {
    const api = await ctx.servedApi({ endpointConfig: endpoints(), state: 'PROTOTYPED' });
    const unsubscribed = await ctx.subscriber([api.id], { subscribe: false });
    expectForwarded(await ctx.gateway.call(`${api.base}/x`, { token: unsubscribed.token() }), backend);
    const tokens = await clientCredentials(ctx.node, ctx.as, ctx.client);
    expectForwarded(await ctx.gateway.call(`${api.base}/x`, { token: tokens.access_token }), backend);
    // A token is still needed.
    expectGatewayError(await ctx.gateway.call(`${api.base}/x`), 401, 900902);
  });

  it('CREATED (deployed but never published) is not served', async () => {
    const api = await ctx.servedApi({ endpointConfig: endpoints(), state: 'CREATED' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expectGatewayError(await ctx.gateway.call(`${api.base}/x`), 404, 404);
  });
});

describe('deny policies', () => {
  let api: GatewayApi;
  let other: GatewayApi;
  let subscriber: Subscribed;
  let deny: DenyPolicies;
  const made: string[] = [];

  beforeAll(async () => {
    api = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      overrides: { isDefaultVersion: true },
    });
    other = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url) });
    subscriber = await ctx.subscriber([api.id, other.id]);
    deny = new DenyPolicies(ctx.node, ctx.api.token);
  });

  afterEach(async () => {
    for (const id of made.splice(0)) await deny.delete(id);
  });

  async function denied(policy: unknown): Promise<string> {
    const created = await deny.created(policy);
    made.push(created.conditionId);
    return created.conditionId as string;
  }

  const call = (target: GatewayApi, token: string | undefined = subscriber.token()) =>
    ctx.gateway.call(`${target.base}/x`, token === undefined ? {} : { token });

  it('API: the API named by its context and version is refused, before authentication; other APIs are not', async () => {
    await denied({ conditionType: 'API', conditionValue: api.base });
    expectGatewayError(await call(api), 403, 900805, api.base);
    expectGatewayError(await call(api, undefined), 403, 900805);
    expectForwarded(await call(other), backend);
  });

  it('API: the default version is refused on its bare context too', async () => {
    await denied({ conditionType: 'API', conditionValue: api.base });
    expectGatewayError(
      await ctx.gateway.call(`${api.context}/x`, { token: subscriber.token() }),
      403,
      900805,
    );
  });

  it('a policy switched off lets requests through again; switched on, refuses them again', async () => {
    const id = await denied({ conditionType: 'API', conditionValue: api.base });
    expectGatewayError(await call(api), 403, 900805);
    const off = await deny.patch(id, { conditionStatus: false });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expectForwarded(await call(api), backend);
    expect((await deny.patch(id, { conditionStatus: true })).status).toBe(200);
    expectGatewayError(await call(api), 403, 900805);
  });

  it('a deleted policy refuses nothing', async () => {
    const created = await deny.created({ conditionType: 'API', conditionValue: other.base });
    expectGatewayError(await call(other), 403, 900805);
    expect((await deny.delete(created.conditionId)).status).toBe(200);
    expectForwarded(await call(other), backend);
  });

  it('IP: the caller’s address is refused, before authentication', async () => {
    const id = await denied({ conditionType: 'IP', conditionValue: { fixedIp: '127.0.0.1', invert: false } });
    expectGatewayError(await call(api), 403, 900805, '127.0.0.1');
    expectGatewayError(await call(other, undefined), 403, 900805);
    expect((await deny.patch(id, { conditionStatus: false })).status).toBe(200);
    expectForwarded(await call(api), backend);
  });

  it('IP: another address refuses nothing; inverted, it refuses everyone else', async () => {
    await denied({ conditionType: 'IP', conditionValue: { fixedIp: '10.20.30.40', invert: false } });
    expectForwarded(await call(api), backend);
    await denied({ conditionType: 'IP', conditionValue: { fixedIp: '10.20.30.41', invert: true } });
    expectGatewayError(await call(api), 403, 900805);
  });

  it('IPRANGE: an address in the range is refused', async () => {
    const inside = await denied({
      conditionType: 'IPRANGE',
      conditionValue: { startingIp: '127.0.0.0', endingIp: '127.0.0.255', invert: false },
    });
    expectGatewayError(await call(api), 403, 900805);
    await deny.delete(inside);
    made.splice(made.indexOf(inside), 1);
    await denied({
      conditionType: 'IPRANGE',
      conditionValue: { startingIp: '192.168.0.0', endingIp: '192.168.255.255', invert: false },
    });
    expectForwarded(await call(api), backend);
  });

  it('APPLICATION: the application named owner:name is refused; others are not', async () => {
    await denied({ conditionType: 'APPLICATION', conditionValue: `admin:${subscriber.app.name}` });
    expectGatewayError(await call(api), 403, 900805, subscriber.app.name);
    const another = await ctx.subscriber([api.id]);
    expectForwarded(await call(api, another.token()), backend);
  });

  it("USER: the user's tokens are refused; the application's own tokens are not", async () => {
    const { credentials, portal } = await ctx.newUser();
    const theirs = await ctx.subscriber([api.id], { portal });
    const userToken = await ctx.userToken(theirs.keys.PRODUCTION, credentials.username, credentials.password);
    expectForwarded(await call(api, userToken), backend);
    const id = await denied({ conditionType: 'USER', conditionValue: credentials.username });
    expectGatewayError(await call(api, userToken), 403, 900805, credentials.username);
    expectForwarded(await call(api, theirs.token()), backend);
    expect((await deny.patch(id, { conditionStatus: false })).status).toBe(200);
    expectForwarded(await call(api, userToken), backend);
  });
});
