/**
 * What happens to an application's credentials: regenerate-secret retires the old secret, generate-token
 * needs the right secret (and may revoke a token), deleting a key or the whole application removes its
 * clients at the Key Manager, and another user cannot touch the keys at all. Every credential is tried for
 * real at /oauth2/token.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { expectError, useDevportalNode, type Devportal, type Json } from './devportal-client.js';

describeEachEngine('devportal keys: secrets, tokens, removal', (engine) => {
  const ctx = useDevportalNode(engine);
  let portal: Devportal;

  beforeAll(async () => {
    portal = (await ctx.newUser()).portal;
  });

  /** A new application with PRODUCTION keys (client_credentials). */
  async function appWithKeys(): Promise<{ app: Json; key: Json }> {
    const app = await portal.createdApp();
    return { app, key: await portal.generatedKeys(app.applicationId) };
  }

  const tokenStatus = async (key: Json, secret: string = key.consumerSecret) =>
    (await ctx.requestToken(key.consumerKey, secret)).status;

  describe('regenerate-secret', () => {
    it('gives a new secret: the old one stops working at /oauth2/token, the new one works', async () => {
      const { app, key } = await appWithKeys();
      const reply = await portal.regenerateSecret(app.applicationId, key.keyMappingId);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toEqual({ consumerKey: key.consumerKey, consumerSecret: expect.any(String) });
      expect(reply.body.consumerSecret).not.toBe(key.consumerSecret);
      expect(await tokenStatus(key)).toBe(401);
      expect(await tokenStatus(key, reply.body.consumerSecret)).toBe(200);
    });

    it('an unknown key mapping is a 404', async () => {
      const { app } = await appWithKeys();
      expectError(await portal.regenerateSecret(app.applicationId, 'no-such-key'), 404, 404);
    });
  });

  describe('generate-token', () => {
    it('with the consumer secret: a client_credentials token of the application’s client', async () => {
      const { app, key } = await appWithKeys();
      const reply = await portal.generateToken(app.applicationId, key.keyMappingId, {
        consumerSecret: key.consumerSecret,
        validityPeriod: 3600,
        scopes: ['default'],
        grantType: 'CLIENT_CREDENTIALS',
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toEqual({
        accessToken: expect.any(String),
        tokenScopes: ['default'],
        validityTime: expect.any(Number),
      });
      expect(reply.body.validityTime).toBeGreaterThan(0);
      expect(await ctx.isActive(reply.body.accessToken)).toBe(true);
    });

    it('validityPeriod sets the lifetime of the token', async () => {
      const { app, key } = await appWithKeys();
      const reply = await portal.generateToken(app.applicationId, key.keyMappingId, {
        consumerSecret: key.consumerSecret,
        validityPeriod: 120,
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body.validityTime).toBe(120);
    });

    it('with revokeToken: the old token is revoked', async () => {
      const { app, key } = await appWithKeys();
      const old = key.token.accessToken;
      const reply = await portal.generateToken(app.applicationId, key.keyMappingId, {
        consumerSecret: key.consumerSecret,
        revokeToken: old,
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(await ctx.isActive(old)).toBe(false);
      expect(await ctx.isActive(reply.body.accessToken)).toBe(true);
    });

    it('with a wrong consumer secret, or the one regenerate-secret retired: 400 naming consumerSecret', async () => {
      const { app, key } = await appWithKeys();
      expectError(
        await portal.generateToken(app.applicationId, key.keyMappingId, { consumerSecret: 'wrong-secret' }),
        400,
        400,
        'consumerSecret',
      );
      await portal.regenerateSecret(app.applicationId, key.keyMappingId);
      expectError(
        await portal.generateToken(app.applicationId, key.keyMappingId, {
          consumerSecret: key.consumerSecret,
        }),
        400,
        400,
        'consumerSecret',
      );
    });

    it('without a consumer secret: 400', async () => {
      const { app, key } = await appWithKeys();
      expectError(
        await portal.generateToken(app.applicationId, key.keyMappingId, {}),
        400,
        400,
        'consumerSecret',
      );
    });
  });

  describe('removal', () => {
    it('DELETE oauth-keys/{keyMappingId}: the client gets no more tokens, its tokens are revoked', async () => {
      const { app, key } = await appWithKeys();
      const sandbox = await portal.generatedKeys(app.applicationId, { keyType: 'SANDBOX' });
      const reply = await portal.deleteKey(app.applicationId, key.keyMappingId);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(await tokenStatus(key)).toBe(401);
      expect(await ctx.isActive(key.token.accessToken)).toBe(false);
      expectError(await portal.getKey(app.applicationId, key.keyMappingId), 404, 404);
      expectError(await portal.deleteKey(app.applicationId, key.keyMappingId), 404, 404);
      const list = await portal.listKeys(app.applicationId);
      expect(list.body.list.map((k: Json) => k.keyType)).toEqual(['SANDBOX']);
      expect(await tokenStatus(sandbox)).toBe(200);

      // PRODUCTION keys may be generated anew: a new client.
      const again = await portal.generatedKeys(app.applicationId);
      expect(again.consumerKey).not.toBe(key.consumerKey);
      expect(await tokenStatus(again)).toBe(200);
    });

    it('deleting the application removes its clients: old credentials fail at /oauth2/token', async () => {
      const { app, key } = await appWithKeys();
      const sandbox = await portal.generatedKeys(app.applicationId, { keyType: 'SANDBOX' });
      expect((await portal.deleteApp(app.applicationId)).status).toBe(200);
      for (const credentials of [key, sandbox]) {
        expect(await tokenStatus(credentials)).toBe(401);
        expect(await ctx.isActive(credentials.token.accessToken)).toBe(false);
      }
      expectError(await portal.listKeys(app.applicationId), 404, 404);
    });
  });

  describe('another user', () => {
    it('cannot see or touch the keys of the application: 404 everywhere, the keys keep working', async () => {
      const { app, key } = await appWithKeys();
      const other = (await ctx.newUser()).portal;
      const id = app.applicationId;
      for (const reply of [
        await other.generateKeys(id, { keyType: 'SANDBOX', grantTypesToBeSupported: ['client_credentials'] }),
        await other.listKeys(id),
        await other.getKey(id, key.keyMappingId),
        await other.updateKey(id, key.keyMappingId, { supportedGrantTypes: ['password'] }),
        await other.regenerateSecret(id, key.keyMappingId),
        await other.generateToken(id, key.keyMappingId, { consumerSecret: key.consumerSecret }),
        await other.deleteKey(id, key.keyMappingId),
      ]) {
        expectError(reply, 404, 404);
      }
      // Nothing changed.
      const list = await portal.listKeys(id);
      expect(list.body.list).toHaveLength(1);
      expect(list.body.list[0].supportedGrantTypes).toEqual(['client_credentials']);
      expect(await tokenStatus(key)).toBe(200);
    });

    it('a token without apim:subscribe or apim:app_manage cannot use the keys: 403', async () => {
      const { app, key } = await appWithKeys();
      const viewer = await ctx.portalAs(
        { username: 'admin', password: ctx.node.adminPassword },
        'apim:api_view',
      );
      expectError(await viewer.listKeys(app.applicationId), 403, 900910);
      expectError(await viewer.regenerateSecret(app.applicationId, key.keyMappingId), 403, 900910);
      expectError(await ctx.anonymous.listKeys(app.applicationId), 401, 900902);
    });
  });
});
