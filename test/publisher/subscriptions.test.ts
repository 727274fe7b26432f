/**
 * Subscriptions as API providers see them (publisher API v4): the list per API with paging and `query`, blocking
 * (wholly or production only) and unblocking, who may do which, and what subscriptions keep from being
 * deleted (the API, the subscription policy they hold, the application policy of their application).
 * Subscriptions are made the way developers make them: applications and subscriptions in the Developer Portal,
 * by subscriber users with their own tokens. Every reply is checked against WSO2's definitions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCredentials, UserAdmin } from '../support/oauth-helpers.js';
import { postgresAvailable, rabbitmqAvailable } from '../support/services.js';
import { expectError as expectAdminError } from './admin-client.js';
import {
  ALL_API_SCOPES,
  expectError,
  startPublisherNode,
  uniqueName,
  type Engine,
  type Json,
  type PublisherApi,
  type PublisherContext,
  type PublisherReply,
} from './apis-client.js';
import {
  newSubscriber,
  newUserToken,
  publishedApi,
  RABBITMQ_ENV,
  TopicObserver,
  type Portal,
} from './subscriptions-client.js';

const postgresUp = await postgresAvailable();
const rabbitUp = await rabbitmqAvailable();
const engines: Engine[] = postgresUp ? ['sqlite', 'postgres'] : ['sqlite'];

const LIST = '/subscriptions';
const BLOCK = '/subscriptions/block-subscription';
const UNBLOCK = '/subscriptions/unblock-subscription';

const search = (params: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();

const list = (caller: PublisherApi, params: Record<string, string | number> = {}) =>
  caller.call('GET', `${LIST}${Object.keys(params).length ? `?${search(params)}` : ''}`, { template: LIST });
const block = (caller: PublisherApi, subscriptionId: string, blockState: string) =>
  caller.call('POST', `${BLOCK}?${search({ subscriptionId, blockState })}`, { template: BLOCK });
const unblock = (caller: PublisherApi, subscriptionId: string) =>
  caller.call('POST', `${UNBLOCK}?${search({ subscriptionId })}`, { template: UNBLOCK });

function expect403(reply: PublisherReply, ...scopes: string[]): void {
  expectError(reply, 403, 900910, ...scopes);
  expect(reply.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
}

const SUBSCRIPTION_SCOPES = 'apim:subscription_view apim:subscription_block apim:subscription_manage';

/** The admin with every API scope and every subscription scope. */
async function providerOf(ctx: PublisherContext): Promise<PublisherApi> {
  const scope = `${ALL_API_SCOPES} ${SUBSCRIPTION_SCOPES}`;
  const tokens = await ctx.tokenFor(adminCredentials(ctx.node), scope);
  expect(tokens.scope).toBe(scope);
  return ctx.apis.withToken(tokens.access_token);
}

/** A token of the admin's with only this scope. */
async function adminWith(ctx: PublisherContext, scope: string): Promise<PublisherApi> {
  const tokens = await ctx.tokenFor(adminCredentials(ctx.node), scope);
  expect(tokens.scope).toBe(scope);
  return ctx.apis.withToken(tokens.access_token);
}

const limit = { type: 'REQUESTCOUNTLIMIT', requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 7 } };

describe.each(engines)('publisher subscriptions [%s]', (engine) => {
  let ctx: PublisherContext;
  /** The admin, with every API scope and every subscription scope. */
  let provider: PublisherApi;
  let users: UserAdmin;
  let alice: Portal;
  let bob: Portal;
  /** An API with five subscriptions: alice's three applications and bob's two. */
  let api: Json;
  let other: Json;
  /** The subscriptions to `api`, in the order they were made. */
  const made: { subscription: Json; application: Json; owner: Portal }[] = [];

  beforeAll(async () => {
    ctx = await startPublisherNode(engine);
    provider = await providerOf(ctx);
    users = await UserAdmin.create(ctx.node, ctx.as, ctx.client);
    alice = await newSubscriber(ctx, users, 'alice');
    bob = await newSubscriber(ctx, users, 'bob');
    api = await publishedApi(ctx);
    other = await publishedApi(ctx);
    const plan: [Portal, string, string][] = [
      [alice, 'Weather Station', 'Gold'],
      [alice, 'Tide_Tables', 'Silver'],
      [bob, 'Harbour Master', 'Gold'],
      [alice, 'Ferry Times', 'Gold'],
      [bob, 'Lighthouse', 'Silver'],
    ];
    for (const [owner, name, tier] of plan) {
      const application = await owner.application(name);
      const subscription = await owner.subscribe(application.applicationId, api.id, tier);
      made.push({ subscription, application, owner });
      // created_at orders the list: keep one millisecond between subscriptions.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    // The first application subscribes to another API too: its subscriptionCount is 2.
    await alice.subscribe(made[0]!.application.applicationId, other.id, 'Silver');
  }, 60_000);

  afterAll(async () => {
    await ctx?.close();
  });

  const expected = ({ subscription, application, owner }: (typeof made)[number], count = 1) => ({
    subscriptionId: subscription.subscriptionId,
    applicationInfo: {
      applicationId: application.applicationId,
      name: application.name,
      subscriber: owner.username,
      subscriptionCount: count,
    },
    throttlingPolicy: subscription.throttlingPolicy,
    subscriptionStatus: 'UNBLOCKED',
  });

  describe('GET /subscriptions', () => {
    it("lists an API's subscriptions: application, subscriber, tier and status", async () => {
      const reply = await list(provider, { apiId: api.id });
      expect(reply.status).toBe(200);
      expect(reply.body.count).toBe(5);
      expect(reply.body.pagination).toMatchObject({ offset: 0, limit: 25, total: 5, next: '', previous: '' });
      expect(reply.body.list).toEqual(made.map((m, i) => expected(m, i === 0 ? 2 : 1)));
    });

    it('without apiId, lists the subscriptions to every API', async () => {
      const reply = await list(provider, { limit: 1000 });
      expect(reply.status).toBe(200);
      const ids = reply.body.list.map((s: Json) => s.subscriptionId);
      expect(ids).toEqual(expect.arrayContaining(made.map((m) => m.subscription.subscriptionId)));
      expect(reply.body.pagination.total).toBe(6);
      const ofOther = await list(provider, { apiId: other.id });
      expect(ofOther.body.list).toEqual([
        expect.objectContaining({
          applicationInfo: expect.objectContaining({ applicationId: made[0]!.application.applicationId }),
          throttlingPolicy: 'Silver',
        }),
      ]);
    });

    it('pages with limit and offset; next and previous keep apiId', async () => {
      const all = (await list(provider, { apiId: api.id })).body.list.map((s: Json) => s.subscriptionId);
      const first = await list(provider, { apiId: api.id, limit: 2 });
      expect(first.body.count).toBe(2);
      expect(first.body.list.map((s: Json) => s.subscriptionId)).toEqual(all.slice(0, 2));
      expect(first.body.pagination).toEqual({
        offset: 0,
        limit: 2,
        total: 5,
        next: `/subscriptions?${search({ limit: 2, offset: 2, apiId: api.id })}`,
        previous: '',
      });

      const middle = await list(provider, { apiId: api.id, limit: 2, offset: 2 });
      expect(middle.body.list.map((s: Json) => s.subscriptionId)).toEqual(all.slice(2, 4));
      expect(middle.body.pagination.previous).toBe(
        `/subscriptions?${search({ limit: 2, offset: 0, apiId: api.id })}`,
      );
      expect(middle.body.pagination.next).toBe(
        `/subscriptions?${search({ limit: 2, offset: 4, apiId: api.id })}`,
      );

      const last = await list(provider, { apiId: api.id, limit: 2, offset: 4 });
      expect(last.body.list.map((s: Json) => s.subscriptionId)).toEqual(all.slice(4));
      expect(last.body.pagination).toMatchObject({ total: 5, next: '' });

      const beyond = await list(provider, { apiId: api.id, limit: 2, offset: 10 });
      expect(beyond.body).toMatchObject({ count: 0, list: [], pagination: { total: 5, next: '' } });
    });

    it('refuses limits and offsets out of bounds (400)', async () => {
      const outOfBounds: Record<string, string | number>[] = [
        { limit: 0 },
        { limit: 1001 },
        { offset: -1 },
        { limit: 'many' },
      ];
      for (const params of outOfBounds) {
        const reply = await list(provider, { apiId: api.id, ...params });
        expect(reply.status, JSON.stringify(params)).toBe(400);
      }
    });

    it("query matches part of the application's name or of its subscriber's, in any case", async () => {
      const names = async (query: string, extra: Record<string, string | number> = {}) => {
        const reply = await list(provider, { apiId: api.id, query, ...extra });
        expect(reply.status).toBe(200);
        expect(reply.body.pagination.total).toBe(reply.body.list.length);
        return reply.body.list.map((s: Json) => s.applicationInfo.name).sort();
      };
      expect(await names('HARBOUR')).toEqual(['Harbour Master']);
      expect(await names('times')).toEqual(['Ferry Times']);
      expect(await names(bob.username)).toEqual(['Harbour Master', 'Lighthouse']);
      expect(await names(alice.username.toUpperCase())).toEqual([
        'Ferry Times',
        'Tide_Tables',
        'Weather Station',
      ]);
      expect(await names('nothing-like-this')).toEqual([]);
      // LIKE wildcards are plain characters: `_` is only the underscore, `%` matches nothing here.
      expect(await names('_')).toEqual(['Tide_Tables']);
      expect(await names('%')).toEqual([]);

      const paged = await list(provider, { apiId: api.id, query: 'a', limit: 1 });
      expect(paged.body.pagination.next).toContain(`query=a`);
      expect(paged.body.pagination.next).toContain(`apiId=${api.id}`);
    });

    it('an unknown apiId is 404', async () => {
      const reply = await list(provider, { apiId: '00000000-0000-0000-0000-000000000000' });
      expectError(reply, 404, 404, '00000000-0000-0000-0000-000000000000');
    });
  });

  describe('blocking', () => {
    /** A fresh subscription of a new application of alice's to `api`. */
    async function fresh(tier = 'Gold'): Promise<Json> {
      const application = await alice.application(uniqueName('block'));
      return alice.subscribe(application.applicationId, api.id, tier);
    }

    async function statusEverywhere(
      subscriptionId: string,
    ): Promise<{ publisher: string; devportal: string }> {
      const listed = await list(provider, { apiId: api.id, limit: 1000 });
      const found = listed.body.list.find((s: Json) => s.subscriptionId === subscriptionId);
      const seen = await alice.subscription(subscriptionId);
      expect(seen.status).toBe(200);
      return { publisher: found?.subscriptionStatus, devportal: seen.body.status };
    }

    it('BLOCKED, PROD_ONLY_BLOCKED and unblocking show in the publisher list and the devportal', async () => {
      const { subscriptionId } = await fresh();
      expect(await statusEverywhere(subscriptionId)).toEqual({
        publisher: 'UNBLOCKED',
        devportal: 'UNBLOCKED',
      });

      const blocked = await block(provider, subscriptionId, 'BLOCKED');
      expect(blocked.status).toBe(200);
      expect(blocked.body).toBeUndefined();
      expect(await statusEverywhere(subscriptionId)).toEqual({ publisher: 'BLOCKED', devportal: 'BLOCKED' });

      expect((await block(provider, subscriptionId, 'PROD_ONLY_BLOCKED')).status).toBe(200);
      expect(await statusEverywhere(subscriptionId)).toEqual({
        publisher: 'PROD_ONLY_BLOCKED',
        devportal: 'PROD_ONLY_BLOCKED',
      });

      const unblocked = await unblock(provider, subscriptionId);
      expect(unblocked.status).toBe(200);
      expect(unblocked.body).toBeUndefined();
      expect(await statusEverywhere(subscriptionId)).toEqual({
        publisher: 'UNBLOCKED',
        devportal: 'UNBLOCKED',
      });
    });

    it('blocking twice, or unblocking an unblocked subscription, is accepted and changes nothing', async () => {
      const { subscriptionId } = await fresh();
      expect((await unblock(provider, subscriptionId)).status).toBe(200);
      expect(await statusEverywhere(subscriptionId)).toEqual({
        publisher: 'UNBLOCKED',
        devportal: 'UNBLOCKED',
      });
      expect((await block(provider, subscriptionId, 'BLOCKED')).status).toBe(200);
      expect((await block(provider, subscriptionId, 'BLOCKED')).status).toBe(200);
      expect(await statusEverywhere(subscriptionId)).toEqual({ publisher: 'BLOCKED', devportal: 'BLOCKED' });
    });

    it('a blocked subscription keeps its tier: the subscriber cannot change it until unblocked', async () => {
      const subscription = await fresh('Gold');
      const { subscriptionId } = subscription;
      expect((await block(provider, subscriptionId, 'PROD_ONLY_BLOCKED')).status).toBe(200);
      const body = { applicationId: subscription.applicationId, apiId: api.id, throttlingPolicy: 'Silver' };
      const refused = await alice.call(
        'PUT',
        `/subscriptions/${subscriptionId}`,
        '/subscriptions/{subscriptionId}',
        body,
      );
      expect(refused.status).toBe(400);
      expect((await alice.subscription(subscriptionId)).body).toMatchObject({
        throttlingPolicy: 'Gold',
        status: 'PROD_ONLY_BLOCKED',
      });
      expect((await unblock(provider, subscriptionId)).status).toBe(200);
      const changed = await alice.call(
        'PUT',
        `/subscriptions/${subscriptionId}`,
        '/subscriptions/{subscriptionId}',
        body,
      );
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ throttlingPolicy: 'Silver', status: 'UNBLOCKED' });
    });

    it('a bad or missing blockState is 400 and changes nothing', async () => {
      const { subscriptionId } = await fresh();
      for (const state of ['UNBLOCKED', 'blocked', 'SANDBOX_ONLY_BLOCKED', '']) {
        const reply = await block(provider, subscriptionId, state);
        expectError(reply, 400, 400);
        expect(JSON.stringify(reply.body), state).toContain('blockState');
      }
      const missing = await provider.call('POST', `${BLOCK}?${search({ subscriptionId })}`, {
        template: BLOCK,
      });
      expectError(missing, 400, 400);
      expect(JSON.stringify(missing.body)).toContain('blockState');
      const noId = await provider.call('POST', `${BLOCK}?blockState=BLOCKED`, { template: BLOCK });
      expectError(noId, 400, 400);
      expect(JSON.stringify(noId.body)).toContain('subscriptionId');
      expect(await statusEverywhere(subscriptionId)).toEqual({
        publisher: 'UNBLOCKED',
        devportal: 'UNBLOCKED',
      });
    });

    it('an unknown subscription is 404 for block and unblock', async () => {
      const unknown = 'a7f9c2d4-0000-4000-8000-000000000000';
      expectError(await block(provider, unknown, 'BLOCKED'), 404, 404, unknown);
      expectError(await unblock(provider, unknown), 404, 404, unknown);
    });
  });

  describe('who may list and block', () => {
    it('a creator lists subscriptions but cannot block them', async () => {
      const creator = await newUserToken(
        ctx,
        users,
        ['creator'],
        'apim:api_view apim:subscription_view apim:subscription_block apim:subscription_manage',
      );
      expect(creator.scope).toBe('apim:api_view apim:subscription_view');
      const caller = ctx.apis.withToken(creator.token);
      const listed = await list(caller, { apiId: api.id });
      expect(listed.status).toBe(200);
      expect(listed.body.pagination.total).toBeGreaterThanOrEqual(5);
      const { subscriptionId } = made[1]!.subscription;
      expect403(
        await block(caller, subscriptionId, 'BLOCKED'),
        'apim:subscription_block',
        'apim:subscription_manage',
      );
      expect403(await unblock(caller, subscriptionId), 'apim:subscription_block');
      expect((await alice.subscription(subscriptionId)).body.status).toBe('UNBLOCKED');
    });

    it('a publisher lists, blocks and unblocks', async () => {
      const publisher = await newUserToken(
        ctx,
        users,
        ['publisher'],
        'apim:subscription_view apim:subscription_block',
      );
      expect(publisher.scope).toBe('apim:subscription_view apim:subscription_block');
      const caller = ctx.apis.withToken(publisher.token);
      expect((await list(caller, { apiId: api.id })).status).toBe(200);
      const { subscriptionId } = made[2]!.subscription;
      expect((await block(caller, subscriptionId, 'BLOCKED')).status).toBe(200);
      expect((await bob.subscription(subscriptionId)).body.status).toBe('BLOCKED');
      expect((await unblock(caller, subscriptionId)).status).toBe(200);
      expect((await bob.subscription(subscriptionId)).body.status).toBe('UNBLOCKED');
    });

    it('a subscriber cannot list or block subscriptions', async () => {
      const subscriber = await newUserToken(
        ctx,
        users,
        ['subscriber'],
        'apim:subscribe apim:api_view apim:subscription_view apim:subscription_block',
      );
      expect(subscriber.scope).toBe('apim:subscribe');
      const caller = ctx.apis.withToken(subscriber.token);
      expect403(await list(caller, { apiId: api.id }), 'apim:api_view', 'apim:subscription_view');
      expect403(
        await block(caller, made[0]!.subscription.subscriptionId, 'BLOCKED'),
        'apim:subscription_block',
      );
    });

    it('each scope alone: view scopes list, block scopes block', async () => {
      const { subscriptionId } = made[3]!.subscription;
      for (const scope of ['apim:api_view', 'apim:subscription_view', 'apim:subscription_manage']) {
        expect((await list(await adminWith(ctx, scope), { apiId: api.id })).status, scope).toBe(200);
      }
      for (const scope of ['apim:subscription_block', 'apim:subscription_manage']) {
        const caller = await adminWith(ctx, scope);
        expect((await block(caller, subscriptionId, 'BLOCKED')).status, scope).toBe(200);
        expect((await unblock(caller, subscriptionId)).status, scope).toBe(200);
      }
      const blockOnly = await adminWith(ctx, 'apim:subscription_block');
      expect403(await list(blockOnly, { apiId: api.id }), 'apim:subscription_view');
      const viewOnly = await adminWith(ctx, 'apim:subscription_view apim:api_view');
      expect403(await block(viewOnly, subscriptionId, 'BLOCKED'), 'apim:subscription_block');
      expect403(await unblock(viewOnly, subscriptionId), 'apim:subscription_manage');
      expect((await alice.subscription(subscriptionId)).body.status).toBe('UNBLOCKED');
    });

    it('no token, or a bad one, is 401', async () => {
      const anonymous = ctx.apis.withToken(null);
      expectError(await list(anonymous, { apiId: api.id }), 401, 900902);
      expectError(await block(anonymous, made[0]!.subscription.subscriptionId, 'BLOCKED'), 401, 900902);
      expectError(
        await unblock(ctx.apis.withToken('not-a-token'), made[0]!.subscription.subscriptionId),
        401,
        900901,
      );
    });
  });

  describe('what subscriptions keep from being deleted', () => {
    it('an API with subscriptions cannot be deleted (409) until they are gone', async () => {
      const target = await publishedApi(ctx);
      const application = await bob.application(uniqueName('keeps'));
      const subscription = await bob.subscribe(application.applicationId, target.id, 'Silver');

      expectError(await ctx.apis.delete(target.id), 409, 409, target.name);
      expect((await ctx.apis.get(target.id)).status).toBe(200);
      // Blocking does not end a subscription.
      expect((await block(provider, subscription.subscriptionId, 'BLOCKED')).status).toBe(200);
      expectError(await ctx.apis.delete(target.id), 409, 409, target.name);

      expect((await bob.unsubscribe(subscription.subscriptionId)).status).toBe(200);
      expect((await ctx.apis.delete(target.id)).status).toBe(200);
      expect((await ctx.apis.get(target.id)).status).toBe(404);
    });

    it('a subscription policy held by a subscription cannot be deleted (409), even once no API offers it', async () => {
      const tier = (
        await ctx.api.post('/throttling/policies/subscription', {
          policyName: uniqueName('Tier'),
          defaultLimit: limit,
        })
      ).body;
      const target = await publishedApi(ctx, { policies: [tier.policyName, 'Gold'] });
      const application = await alice.application(uniqueName('tiered'));
      const subscription = await alice.subscribe(application.applicationId, target.id, tier.policyName);

      // The API stops offering the tier; the subscription still holds it.
      const current = (await ctx.apis.get(target.id)).body;
      const updated = await ctx.apis.update(target.id, { ...current, policies: ['Gold'] });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);

      const template = '/throttling/policies/subscription/{policyId}';
      const refused = await ctx.api.delete(`/throttling/policies/subscription/${tier.policyId}`, template);
      expectAdminError(refused, 409, 409, tier.policyName, 'subscription');
      expect((await alice.subscription(subscription.subscriptionId)).body.throttlingPolicy).toBe(
        tier.policyName,
      );

      expect((await alice.unsubscribe(subscription.subscriptionId)).status).toBe(200);
      expect(
        (await ctx.api.delete(`/throttling/policies/subscription/${tier.policyId}`, template)).status,
      ).toBe(200);
    });

    it("an application policy an application uses cannot be deleted (409 naming the application's owner)", async () => {
      const policy = (
        await ctx.api.post('/throttling/policies/application', {
          policyName: uniqueName('AppTier'),
          defaultLimit: limit,
        })
      ).body;
      const name = uniqueName('limited');
      const application = await bob.application(name, policy.policyName);

      const template = '/throttling/policies/application/{policyId}';
      const refused = await ctx.api.delete(`/throttling/policies/application/${policy.policyId}`, template);
      expectAdminError(refused, 409, 409, policy.policyName, bob.username, name);

      const moved = await bob.updateApplication(application, { throttlingPolicy: '10PerMin' });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(
        (await ctx.api.delete(`/throttling/policies/application/${policy.policyId}`, template)).status,
      ).toBe(200);
    });
  });
});

describe.runIf(rabbitUp)('SUBSCRIPTIONS_UPDATE on notification (RabbitMQ)', () => {
  let ctx: PublisherContext;
  let provider: PublisherApi;
  let observer: TopicObserver;
  let alice: Portal;
  let api: Json;

  beforeAll(async () => {
    observer = await TopicObserver.start('notification');
    ctx = await startPublisherNode('sqlite', RABBITMQ_ENV);
    provider = await providerOf(ctx);
    const users = await UserAdmin.create(ctx.node, ctx.as, ctx.client);
    alice = await newSubscriber(ctx, users, 'events');
    api = await publishedApi(ctx);
  });

  afterAll(async () => {
    await ctx?.close();
    await observer?.close();
  });

  it('announces each block and unblock with the subscription and its new status', async () => {
    const application = await alice.application(uniqueName('evented'));
    const subscription = await alice.subscribe(application.applicationId, api.id, 'Silver');
    const { subscriptionId } = subscription;
    const base = {
      subscriptionId,
      applicationId: application.applicationId,
      apiId: api.id,
      throttlingPolicy: 'Silver',
    };
    await observer.wait('SUBSCRIPTIONS_CREATE', { subscriptionId });

    expect((await block(provider, subscriptionId, 'BLOCKED')).status).toBe(200);
    const [blocked] = await observer.wait('SUBSCRIPTIONS_UPDATE', { subscriptionId, status: 'BLOCKED' });
    expect(blocked!.payload).toEqual({ ...base, status: 'BLOCKED' });
    expect(blocked).toMatchObject({ id: expect.any(String), timestamp: expect.any(Number) });

    expect((await block(provider, subscriptionId, 'PROD_ONLY_BLOCKED')).status).toBe(200);
    const [prodOnly] = await observer.wait('SUBSCRIPTIONS_UPDATE', {
      subscriptionId,
      status: 'PROD_ONLY_BLOCKED',
    });
    expect(prodOnly!.payload).toEqual({ ...base, status: 'PROD_ONLY_BLOCKED' });

    expect((await unblock(provider, subscriptionId)).status).toBe(200);
    const [unblocked] = await observer.wait('SUBSCRIPTIONS_UPDATE', { subscriptionId, status: 'UNBLOCKED' });
    expect(unblocked!.payload).toEqual({ ...base, status: 'UNBLOCKED' });
  });

  it('announces nothing for refused calls or a block that changes nothing', async () => {
    const application = await alice.application(uniqueName('quiet'));
    const { subscriptionId } = await alice.subscribe(application.applicationId, api.id, 'Gold');
    await observer.wait('SUBSCRIPTIONS_CREATE', { subscriptionId });

    expect((await unblock(provider, subscriptionId)).status).toBe(200);
    expect((await block(provider, subscriptionId, 'NOPE')).status).toBe(400);
    expect((await block(provider, subscriptionId, 'BLOCKED')).status).toBe(200);
    expect((await block(provider, subscriptionId, 'BLOCKED')).status).toBe(200);
    // Then one last change: events of one node arrive in order, so once it is seen, any earlier one would be.
    expect((await block(provider, subscriptionId, 'PROD_ONLY_BLOCKED')).status).toBe(200);
    await observer.wait('SUBSCRIPTIONS_UPDATE', { subscriptionId, status: 'PROD_ONLY_BLOCKED' });
    expect(
      observer.matching('SUBSCRIPTIONS_UPDATE', { subscriptionId }).map((e) => e.payload['status']),
    ).toEqual(['BLOCKED', 'PROD_ONLY_BLOCKED']);
  });
});
