/**
 * /subscriptions of the Developer Portal: subscribing one's own application to a published API at one of its
 * tiers (201 UNBLOCKED), the refusals (tier not offered 400, duplicate 409, API not visible or missing 404,
 * deprecated or prototyped API 400), the lists by application and by API, changing the tier, unsubscribing,
 * and the application's subscriptionCount.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { expectWso2Request } from '../support/wso2-contract.js';
import { DEVPORTAL, expectError, useDevportalNode, type Devportal, type Json } from './devportal-client.js';

describe('request bodies', () => {
  it('the subscription bodies these suites send are valid WSO2 devportal requests', () => {
    const body = { applicationId: 'a', apiId: 'b', throttlingPolicy: 'Gold' };
    expectWso2Request('devportal', 'POST', '/subscriptions', body);
    expectWso2Request('devportal', 'PUT', '/subscriptions/{subscriptionId}', body);
  });
});

describeEachEngine('devportal subscriptions', (engine) => {
  const ctx = useDevportalNode(engine);
  let portal: Devportal;
  /** Published, tiers Gold and Bronze. */
  let api: Json;

  beforeAll(async () => {
    portal = (await ctx.newUser()).portal;
    api = await ctx.deployedApi({ policies: ['Gold', 'Bronze'] });
  });

  describe('subscribe', () => {
    it('own application, published API, offered tier: 201 UNBLOCKED with apiInfo and applicationInfo', async () => {
      const app = await portal.createdApp();
      const reply = await portal.subscribe({
        applicationId: app.applicationId,
        apiId: api.id,
        throttlingPolicy: 'Gold',
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      const subscription = reply.body;
      expect(subscription).toEqual({
        subscriptionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        applicationId: app.applicationId,
        apiId: api.id,
        apiInfo: expect.objectContaining({
          id: api.id,
          name: api.name,
          context: `${api.context}/1.0.0`,
          version: '1.0.0',
          lifeCycleStatus: 'PUBLISHED',
          throttlingPolicies: ['Gold', 'Bronze'],
        }),
        applicationInfo: expect.objectContaining({
          applicationId: app.applicationId,
          name: app.name,
          owner: app.owner,
          subscriptionCount: 1,
        }),
        throttlingPolicy: 'Gold',
        requestedThrottlingPolicy: 'Gold',
        status: 'UNBLOCKED',
      });
      expect(reply.headers.get('location')).toBe(`${DEVPORTAL}/subscriptions/${subscription.subscriptionId}`);
      const read = await portal.getSubscription(subscription.subscriptionId);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(subscription);
    });

    it('the application’s subscriptionCount follows its subscriptions', async () => {
      const app = await portal.createdApp();
      const other = await ctx.deployedApi();
      const count = async () => (await portal.getApp(app.applicationId)).body.subscriptionCount;
      const listed = async () =>
        (await portal.listApps({ query: app.name })).body.list[0].subscriptionCount as number;
      expect(await count()).toBe(0);
      const first = await portal.subscribed(app.applicationId, api.id);
      expect(await count()).toBe(1);
      await portal.subscribed(app.applicationId, other.id);
      expect(await count()).toBe(2);
      expect(await listed()).toBe(2);
      await portal.deleteSubscription(first.subscriptionId);
      expect(await count()).toBe(1);
      expect(await listed()).toBe(1);
    });

    it('a tier the API does not offer: 400 naming throttlingPolicy', async () => {
      const app = await portal.createdApp();
      for (const tier of ['Silver', 'NoSuchTier']) {
        const reply = await portal.subscribe({
          applicationId: app.applicationId,
          apiId: api.id,
          throttlingPolicy: tier,
        });
        expectError(reply, 400, 400, 'throttlingPolicy', tier);
      }
      expect((await portal.getApp(app.applicationId)).body.subscriptionCount).toBe(0);
    });

    it('the same application to the same API twice: 409, even at another tier', async () => {
      const app = await portal.createdApp();
      await portal.subscribed(app.applicationId, api.id, 'Gold');
      const again = await portal.subscribe({
        applicationId: app.applicationId,
        apiId: api.id,
        throttlingPolicy: 'Bronze',
      });
      expectError(again, 409, 409, app.name);
      const list = await portal.listSubscriptions({ applicationId: app.applicationId });
      expect(list.body.list.map((s: Json) => s.throttlingPolicy)).toEqual(['Gold']);
    });

    it('an API that does not exist, is not in the catalogue, or is not visible to the caller: 404', async () => {
      const app = await portal.createdApp();
      const created = await ctx.deployedApi({}, 'CREATED');
      const blocked = await ctx.deployedApi({}, 'BLOCKED');
      const restricted = await ctx.deployedApi({ visibility: 'RESTRICTED', visibleRoles: ['creator'] });
      for (const apiId of ['00000000-0000-0000-0000-000000000000', created.id, blocked.id, restricted.id]) {
        const reply = await portal.subscribe({
          applicationId: app.applicationId,
          apiId,
          throttlingPolicy: 'Gold',
        });
        expectError(reply, 404, 404);
      }
      // The admin sees the restricted API and may subscribe to it.
      const own = await ctx.portal.createdApp();
      await ctx.portal.subscribed(own.applicationId, restricted.id);
    });

    it.each(['DEPRECATED', 'PROTOTYPED'] as const)(
      'a %s API takes no new subscription: 400',
      async (state) => {
        const app = await portal.createdApp();
        const target = await ctx.deployedApi({}, state);
        const reply = await portal.subscribe({
          applicationId: app.applicationId,
          apiId: target.id,
          throttlingPolicy: 'Gold',
        });
        expectError(reply, 400, 400, state);
        expect((await portal.getApp(app.applicationId)).body.subscriptionCount).toBe(0);
      },
    );

    it('someone else’s application, or one that does not exist: 404', async () => {
      const other = (await ctx.newUser()).portal;
      const theirs = await other.createdApp();
      for (const applicationId of [theirs.applicationId, 'no-such-app']) {
        const reply = await portal.subscribe({ applicationId, apiId: api.id, throttlingPolicy: 'Gold' });
        expectError(reply, 404, 404);
      }
      expect((await other.getApp(theirs.applicationId)).body.subscriptionCount).toBe(0);
    });

    it('a body without applicationId or throttlingPolicy: 400', async () => {
      const app = await portal.createdApp();
      expectError(
        await portal.subscribe({ apiId: api.id, throttlingPolicy: 'Gold' }),
        400,
        400,
        'applicationId',
      );
      expectError(
        await portal.subscribe({ applicationId: app.applicationId, apiId: api.id }),
        400,
        400,
        'throttlingPolicy',
      );
    });
  });

  describe('lists', () => {
    let app1: Json;
    let app2: Json;
    let api2: Json;
    let subs: Json[];

    beforeAll(async () => {
      app1 = await portal.createdApp();
      app2 = await portal.createdApp();
      api2 = await ctx.deployedApi({ policies: ['Gold', 'Bronze'] });
      subs = [
        await portal.subscribed(app1.applicationId, api.id, 'Gold'),
        await portal.subscribed(app1.applicationId, api2.id, 'Bronze'),
        await portal.subscribed(app2.applicationId, api2.id, 'Gold'),
      ];
    });

    const ids = (reply: { body: Json }) => reply.body.list.map((s: Json) => s.subscriptionId).sort();
    const idsOf = (...list: Json[]) => list.map((s) => s.subscriptionId).sort();

    it('by applicationId: that application’s subscriptions', async () => {
      const reply = await portal.listSubscriptions({ applicationId: app1.applicationId });
      expect(reply.status).toBe(200);
      expect(ids(reply)).toEqual(idsOf(subs[0], subs[1]));
      expect(reply.body.count).toBe(2);
      expect(reply.body.pagination).toMatchObject({ offset: 0, total: 2, next: '', previous: '' });
      const one = reply.body.list.find((s: Json) => s.subscriptionId === subs[0].subscriptionId);
      expect(one).toEqual((await portal.getSubscription(subs[0].subscriptionId)).body);
    });

    it('by apiId: the caller’s subscriptions to that API', async () => {
      expect(ids(await portal.listSubscriptions({ apiId: api2.id }))).toEqual(idsOf(subs[1], subs[2]));
      const both = await portal.listSubscriptions({ apiId: api2.id, applicationId: app2.applicationId });
      expect(ids(both)).toEqual(idsOf(subs[2]));
    });

    it('limit and offset', async () => {
      const first = await portal.listSubscriptions({ apiId: api2.id, limit: 1 });
      expect(first.body.count).toBe(1);
      expect(first.body.pagination).toMatchObject({
        offset: 0,
        limit: 1,
        total: 2,
        next: `/subscriptions?limit=1&offset=1&apiId=${api2.id}`,
      });
      const second = await portal.listSubscriptions({ apiId: api2.id, limit: 1, offset: 1 });
      expect([...ids(first), ...ids(second)].sort()).toEqual(idsOf(subs[1], subs[2]));
    });
  });

  describe('change and unsubscribe', () => {
    it('PUT changes the tier to another one the API offers', async () => {
      const app = await portal.createdApp();
      const subscription = await portal.subscribed(app.applicationId, api.id, 'Gold');
      const body = { applicationId: app.applicationId, apiId: api.id, throttlingPolicy: 'Bronze' };
      const reply = await portal.updateSubscription(subscription.subscriptionId, body);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toMatchObject({
        subscriptionId: subscription.subscriptionId,
        throttlingPolicy: 'Bronze',
        requestedThrottlingPolicy: 'Bronze',
        status: 'UNBLOCKED',
      });
      expect((await portal.getSubscription(subscription.subscriptionId)).body.throttlingPolicy).toBe(
        'Bronze',
      );
    });

    it('PUT: a tier not offered 400; another API or application 400; unknown subscription 404', async () => {
      const app = await portal.createdApp();
      const other = await portal.createdApp();
      const subscription = await portal.subscribed(app.applicationId, api.id, 'Gold');
      const id = subscription.subscriptionId;
      const body = { applicationId: app.applicationId, apiId: api.id, throttlingPolicy: 'Gold' };
      expectError(
        await portal.updateSubscription(id, { ...body, throttlingPolicy: 'Silver' }),
        400,
        400,
        'throttlingPolicy',
      );
      expectError(
        await portal.updateSubscription(id, { ...body, applicationId: other.applicationId }),
        400,
        400,
      );
      expectError(await portal.updateSubscription('no-such-subscription', body), 404, 404);
      expect((await portal.getSubscription(id)).body).toEqual(subscription);
    });

    it('DELETE unsubscribes: 200, then 404; the application may subscribe again', async () => {
      const app = await portal.createdApp();
      const subscription = await portal.subscribed(app.applicationId, api.id);
      const reply = await portal.deleteSubscription(subscription.subscriptionId);
      expect(reply.status).toBe(200);
      expectError(await portal.getSubscription(subscription.subscriptionId), 404, 404);
      expectError(await portal.deleteSubscription(subscription.subscriptionId), 404, 404);
      expect((await portal.listSubscriptions({ applicationId: app.applicationId })).body.count).toBe(0);
      await portal.subscribed(app.applicationId, api.id, 'Bronze');
    });

    it('deleting the application removes its subscriptions', async () => {
      const app = await portal.createdApp();
      const subscription = await portal.subscribed(app.applicationId, api.id);
      expect((await portal.deleteApp(app.applicationId)).status).toBe(200);
      expectError(await portal.getSubscription(subscription.subscriptionId), 404, 404);
      const remaining = await portal.listSubscriptions({ apiId: api.id });
      expect(remaining.body.list.map((s: Json) => s.applicationId)).not.toContain(app.applicationId);
    });
  });
});
