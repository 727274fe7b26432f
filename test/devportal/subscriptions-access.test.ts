/**
 * Who may use /subscriptions: a token with apim:subscribe or apim:sub_manage (401 without a token, 403
 * without those scopes); each user sees and changes only their own applications' subscriptions, another
 * user's being a 404.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { expectError, useDevportalNode, type Devportal, type Json } from './devportal-client.js';

describeEachEngine('devportal subscriptions: access', (engine) => {
  const ctx = useDevportalNode(engine);
  let alice: Devportal;
  let bob: Devportal;
  let api: Json;
  let aliceApp: Json;
  let subscription: Json;

  beforeAll(async () => {
    alice = (await ctx.newUser()).portal;
    bob = (await ctx.newUser()).portal;
    api = await ctx.deployedApi({ policies: ['Gold', 'Bronze'] });
    aliceApp = await alice.createdApp();
    subscription = await alice.subscribed(aliceApp.applicationId, api.id, 'Gold');
  });

  describe('user isolation', () => {
    it('another user cannot get, change or delete the subscription: 404', async () => {
      const id = subscription.subscriptionId;
      const body = { applicationId: aliceApp.applicationId, apiId: api.id, throttlingPolicy: 'Bronze' };
      for (const reply of [
        await bob.getSubscription(id),
        await bob.updateSubscription(id, body),
        await bob.deleteSubscription(id),
      ]) {
        expectError(reply, 404, 404);
      }
      expect((await alice.getSubscription(id)).body).toEqual(subscription);
    });

    it('another user’s lists do not show it; listing by their applicationId is a 404', async () => {
      const bobApp = await bob.createdApp();
      const bobs = await bob.subscribed(bobApp.applicationId, api.id, 'Bronze');
      const byApi = await bob.listSubscriptions({ apiId: api.id });
      expect(byApi.body.list.map((s: Json) => s.subscriptionId)).toEqual([bobs.subscriptionId]);
      expectError(await bob.listSubscriptions({ applicationId: aliceApp.applicationId }), 404, 404);
      const alices = await alice.listSubscriptions({ apiId: api.id });
      expect(alices.body.list.map((s: Json) => s.subscriptionId)).toEqual([subscription.subscriptionId]);
    });
  });

  describe('tokens and scopes', () => {
    it('no token: 401 900902', async () => {
      const id = subscription.subscriptionId;
      for (const reply of [
        await ctx.anonymous.listSubscriptions({ apiId: api.id }),
        await ctx.anonymous.subscribe({
          applicationId: aliceApp.applicationId,
          apiId: api.id,
          throttlingPolicy: 'Gold',
        }),
        await ctx.anonymous.getSubscription(id),
        await ctx.anonymous.deleteSubscription(id),
      ]) {
        expectError(reply, 401, 900902);
      }
    });

    it('a token with apim:app_manage only: 403 900910 naming the scopes needed', async () => {
      const { credentials } = await ctx.newUser();
      const manager = await ctx.portalAs(credentials, 'apim:app_manage');
      const app = await manager.createdApp();
      const reply = await manager.subscribe({
        applicationId: app.applicationId,
        apiId: api.id,
        throttlingPolicy: 'Gold',
      });
      expectError(reply, 403, 900910, 'apim:subscribe', 'apim:sub_manage');
      expectError(await manager.listSubscriptions({ applicationId: app.applicationId }), 403, 900910);
    });

    it('apim:sub_manage is enough to subscribe an application', async () => {
      const { credentials } = await ctx.newUser();
      const app = await (await ctx.portalAs(credentials, 'apim:app_manage')).createdApp();
      const subscriber = await ctx.portalAs(credentials, 'apim:sub_manage');
      const created = await subscriber.subscribed(app.applicationId, api.id, 'Bronze');
      expect((await subscriber.deleteSubscription(created.subscriptionId)).status).toBe(200);
    });
  });
});
