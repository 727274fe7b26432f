/**
 * Who owns what, at the edges: applications belong to users (never to a client acting for itself, whose id
 * anyone could take as a name), a deleted user's applications go with them and their name is never given
 * out again, an application being deleted takes no keys, and definitions never show the backend.
 */
import { expect, it } from 'vitest';
import { clientCredentials, registerClient } from '../support/oauth-helpers.js';
import { describeEachEngine } from '../support/engines.js';
import { Devportal, expectError, uniqueName, useDevportalNode } from './devportal-client.js';

describeEachEngine('ownership at the edges', (engine) => {
  const ctx = useDevportalNode(engine);

  it("refuses a client's own token (client_credentials) for applications and subscriptions", async () => {
    const owner = await ctx.users.add(uniqueName('owner'), 'a-long-enough-password-1', ['subscriber']);
    const client = await registerClient(ctx.node, { grantType: 'client_credentials' }, owner);
    const granted = await clientCredentials(
      ctx.node,
      ctx.as,
      client,
      'apim:subscribe apim:app_manage apim:sub_manage',
    );
    expect(granted.scope).toContain('apim:app_manage');
    const asClient = new Devportal(ctx.node, granted.access_token);
    expectError(
      await asClient.createApp({ name: 'x', throttlingPolicy: '10PerMin' }),
      403,
      900910,
      "user's token",
    );
    expectError(await asClient.listApps(), 403, 900910);
    expectError(await asClient.listSubscriptions({}), 403, 900910);
  });

  it("removes a deleted user's applications and never gives their name to anyone else", async () => {
    const { credentials, portal } = await ctx.newUser();
    const app = await portal.createdApp();
    await portal.generatedKeys(app.applicationId);
    await ctx.users.remove(credentials.username);
    await expect
      .poll(
        async () =>
          (
            await ctx.portal.call(
              'GET',
              `/applications/${app.applicationId}`,
              '/applications/{applicationId}',
            )
          ).status,
      )
      .toBe(404);
    const again = await ctx.node.fetch(`${ctx.node.baseUrl}/keymanager/v1/self-signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: credentials.username, password: 'a-long-enough-password-2' }),
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { description: string }).description).toContain('deleted user');
  });

  it('refuses a scope that is not an RFC 6749 scope token before making any keys', async () => {
    const { portal } = await ctx.newUser();
    const app = await portal.createdApp();
    const reply = await portal.generateKeys(app.applicationId, {
      keyType: 'PRODUCTION',
      grantTypesToBeSupported: ['client_credentials'],
      scopes: ['a"b'],
    });
    expect(reply.status).toBe(400);
    expect((await portal.listKeys(app.applicationId)).body.count).toBe(0);
  });

  it('shows no backend host in the definition of an API not deployed yet', async () => {
    const created = await ctx.apis.create({
      name: uniqueName('Legacy'),
      context: `/${uniqueName('legacy').toLowerCase()}`,
      version: '1.0.0',
      policies: ['Gold'],
      endpointConfig: {
        endpoint_type: 'http',
        production_endpoints: { url: 'https://db.internal.corp:8443/private' },
      },
    });
    expect(created.status).toBe(201);
    await ctx.apis.move(created.body.id, 'Deploy as a Prototype');
    const swagger = await ctx.portal.swagger(created.body.id);
    expect(swagger.status).toBe(200);
    expect(JSON.stringify(swagger.body)).not.toContain('internal.corp');
  });

  it('answers an offset past any database integer with a 400, not a 500', async () => {
    const reply = await ctx.portal.listApps({ offset: '10000000000000000000' });
    expect(reply.status).toBe(400);
  });
});
