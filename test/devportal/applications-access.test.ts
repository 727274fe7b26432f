/**
 * Who may use /applications: a token is needed (401 without, or with an invalid one), with apim:subscribe or
 * apim:app_manage (403 otherwise); each user sees and changes only their own applications, another user's
 * being a 404 exactly like one that does not exist.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { expectError, uniqueName, useDevportalNode, type Devportal, type Json } from './devportal-client.js';

describeEachEngine('devportal applications: access', (engine) => {
  const ctx = useDevportalNode(engine);

  describe('owner isolation', () => {
    let alice: Devportal;
    let bob: Devportal;
    let app: Json;

    beforeAll(async () => {
      alice = (await ctx.newUser()).portal;
      bob = (await ctx.newUser()).portal;
      app = await alice.createdApp();
      await bob.createdApp();
    });

    it('another user cannot get, replace or delete the application: 404 like a missing one', async () => {
      const missing = await bob.getApp('00000000-0000-0000-0000-000000000000');
      const described = (reply: Json) => reply.body.description.replace(app.applicationId, '<id>');
      for (const reply of [
        await bob.getApp(app.applicationId),
        await bob.updateApp(app.applicationId, { name: 'taken-over', throttlingPolicy: 'Unlimited' }),
        await bob.deleteApp(app.applicationId),
      ]) {
        expectError(reply, 404, 404);
        expect(described(reply)).toBe(
          missing.body.description.replace('00000000-0000-0000-0000-000000000000', '<id>'),
        );
      }
      expect((await alice.getApp(app.applicationId)).body).toEqual(app);
    });

    it('another user does not list it, even when searching its name', async () => {
      const listed = await bob.listApps({ query: app.name });
      expect(listed.body).toMatchObject({ count: 0, list: [], pagination: { total: 0 } });
      const all = await bob.listApps();
      expect(all.body.list.map((a: Json) => a.applicationId)).not.toContain(app.applicationId);
      expect(all.body.list.every((a: Json) => a.owner === all.body.list[0].owner)).toBe(true);
      expect((await alice.listApps({ query: app.name })).body.list).toHaveLength(1);
    });

    it('an admin is no exception: the application is the owner’s alone', async () => {
      expectError(await ctx.portal.getApp(app.applicationId), 404, 404);
      expect((await ctx.portal.listApps({ query: app.name })).body.count).toBe(0);
    });
  });

  describe('tokens and scopes', () => {
    it('no token: 401 900902 with a Bearer challenge on every operation', async () => {
      const app = await ctx.portal.createdApp();
      const anonymous = ctx.anonymous;
      for (const reply of [
        await anonymous.listApps(),
        await anonymous.createApp({ name: uniqueName('app'), throttlingPolicy: '10PerMin' }),
        await anonymous.getApp(app.applicationId),
        await anonymous.updateApp(app.applicationId, { name: 'x', throttlingPolicy: '10PerMin' }),
        await anonymous.deleteApp(app.applicationId),
      ]) {
        expectError(reply, 401, 900902);
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]+"$/);
      }
      expect((await ctx.portal.getApp(app.applicationId)).status).toBe(200);
    });

    it('an invalid token: 401 900901', async () => {
      const reply = await ctx.anonymous.withToken('not-a-real-token').listApps();
      expectError(reply, 401, 900901);
      expect(reply.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    });

    it('a token without apim:subscribe or apim:app_manage: 403 900910', async () => {
      const app = await ctx.portal.createdApp();
      const { credentials } = await ctx.newUser(['creator', 'publisher']);
      const tokens = await ctx.tokenFor(credentials, 'apim:subscribe apim:app_manage apim:api_view');
      expect(tokens.scope).toBe('apim:api_view');
      const creator = ctx.portal.withToken(tokens.access_token);
      const adminViewer = await ctx.portalAs(
        { username: 'admin', password: ctx.node.adminPassword },
        'apim:api_view',
      );
      for (const portal of [creator, adminViewer]) {
        for (const reply of [
          await portal.listApps(),
          await portal.createApp({ name: uniqueName('app'), throttlingPolicy: '10PerMin' }),
          await portal.getApp(app.applicationId),
          await portal.deleteApp(app.applicationId),
        ]) {
          expectError(reply, 403, 900910, 'apim:subscribe');
          expect(reply.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
        }
      }
      expect((await ctx.portal.getApp(app.applicationId)).status).toBe(200);
    });

    it.each(['apim:subscribe', 'apim:app_manage'])('%s alone is enough', async (scope) => {
      const { credentials } = await ctx.newUser();
      const portal = await ctx.portalAs(credentials, scope);
      const app = await portal.createdApp();
      expect((await portal.listApps()).body.count).toBe(1);
      expect((await portal.deleteApp(app.applicationId)).status).toBe(200);
    });
  });
});
