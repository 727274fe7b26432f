/** Token introspection (RFC 7662) and revocation (RFC 7009) through oauth4webapi. */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  UserAdmin,
  adminCredentials,
  basicAuth,
  clientCredentials,
  discover,
  httpOptions,
  introspect,
  passwordGrant,
  postForm,
  refreshGrant,
  registerClient,
  rejection,
  revoke,
  type Credentials,
  type TestClient,
} from '../support/oauth-helpers.js';

let node: TestNode;
let as: oauth.AuthorizationServer;
let gateway: TestClient;
let app: TestClient;
let userApp: TestClient;
let user: Credentials;

beforeAll(async () => {
  node = await startTestNode();
  as = await discover(node);
  gateway = await registerClient(node);
  app = await registerClient(node);
  const users = await UserAdmin.create(node, as, gateway);
  user = await users.add('intro-user', 'intro-user-password', ['subscriber']);
  userApp = await registerClient(node, {}, user);
});

afterAll(async () => {
  await node?.close();
});

describe('introspection', () => {
  it('describes an active access token (RFC 7662 §2.2) and is not cached', async () => {
    const before = Math.floor(Date.now() / 1000);
    const tokens = await passwordGrant(node, as, app, adminCredentials(node), 'apim:subscribe');
    const response = await oauth.introspectionRequest(
      as,
      app.client,
      app.auth,
      tokens.access_token,
      httpOptions(node),
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    const info = await oauth.processIntrospectionResponse(as, app.client, response);
    expect(info).toMatchObject({
      active: true,
      scope: 'apim:subscribe',
      client_id: app.client.client_id,
      username: 'admin',
      sub: 'admin',
      aud: app.client.client_id,
      iss: as.issuer,
      token_type: 'Bearer',
    });
    expect(info.iat).toBeGreaterThanOrEqual(before - 1);
    expect(info.exp).toBe((info.iat as number) + 3600);
    expect(typeof info.jti).toBe('string');
  });

  it('answers only {active:false} for an unknown, malformed or forged token', async () => {
    const tokens = await clientCredentials(node, as, app);
    const [header, payload] = tokens.access_token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(86)}`;
    for (const token of ['unknown-token', 'A'.repeat(43), 'a.b.c', forged, 'x'.repeat(9000)]) {
      const info = await introspect(node, as, app, token);
      expect(info).toEqual({ active: false });
    }
  });

  it('lets a client owned by an admin (a gateway) introspect the tokens of other clients', async () => {
    const tokens = await clientCredentials(node, as, app);
    expect((await introspect(node, as, gateway, tokens.access_token)).active).toBe(true);
  });

  it('shows a token of another client as inactive to a client whose owner is not an admin', async () => {
    const tokens = await clientCredentials(node, as, app);
    expect(await introspect(node, as, userApp, tokens.access_token)).toEqual({ active: false });
    // …while the user's own client still sees its own tokens.
    const own = await passwordGrant(node, as, userApp, user);
    expect((await introspect(node, as, userApp, own.access_token)).active).toBe(true);
  });

  it('refuses a public client with invalid_client 401 (§2.1: the endpoint must be protected)', async () => {
    const spa = await registerClient(node, { publicClient: true, grantType: 'password' });
    const tokens = await passwordGrant(node, as, spa, adminCredentials(node));
    const response = await postForm(node, '/oauth2/introspect', {
      token: tokens.access_token,
      client_id: spa.client.client_id,
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a caller with a wrong secret with invalid_client 401', async () => {
    const tokens = await clientCredentials(node, as, app);
    const response = await postForm(
      node,
      '/oauth2/introspect',
      { token: tokens.access_token },
      { authorization: basicAuth(app.client.client_id, 'wrong') },
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('requires the token parameter (invalid_request)', async () => {
    const response = await postForm(
      node,
      '/oauth2/introspect',
      {},
      { authorization: basicAuth(app.client.client_id, app.secret as string) },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('revocation', () => {
  it('makes an access token inactive, and the revoked token no longer opens the admin API', async () => {
    const tokens = await passwordGrant(node, as, app, adminCredentials(node), 'apim:admin');
    const users = () =>
      node.fetch(`${node.baseUrl}/keymanager/v1/users`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
    expect((await users()).status).toBe(200);
    const response = await oauth.revocationRequest(
      as,
      app.client,
      app.auth,
      tokens.access_token,
      httpOptions(node),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    await oauth.processRevocationResponse(response);
    expect((await introspect(node, as, app, tokens.access_token)).active).toBe(false);
    expect((await users()).status).toBe(401);
    // Revoking an access token leaves its refresh token alone.
    expect((await introspect(node, as, app, tokens.refresh_token as string)).active).toBe(true);
  });

  it('of a refresh token also revokes the access tokens of the same grant (§2.1)', async () => {
    const first = await passwordGrant(node, as, app, adminCredentials(node));
    const second = await refreshGrant(node, as, app, first.refresh_token as string);
    await revoke(node, as, app, second.refresh_token as string);
    for (const token of [first.access_token, second.access_token, second.refresh_token as string]) {
      expect((await introspect(node, as, app, token)).active).toBe(false);
    }
    const error = await rejection(refreshGrant(node, as, app, second.refresh_token as string));
    expect(error.error).toBe('invalid_grant');
  });

  it('accepts token_type_hint, right or wrong', async () => {
    const tokens = await passwordGrant(node, as, app, adminCredentials(node));
    const response = await oauth.revocationRequest(as, app.client, app.auth, tokens.access_token, {
      ...httpOptions(node),
      additionalParameters: { token_type_hint: 'refresh_token' },
    });
    await oauth.processRevocationResponse(response);
    expect((await introspect(node, as, app, tokens.access_token)).active).toBe(false);
  });

  it('answers 200 for an unknown token (§2.2) and for a token already revoked', async () => {
    await revoke(node, as, app, 'no-such-token');
    const tokens = await clientCredentials(node, as, app);
    await revoke(node, as, app, tokens.access_token);
    await revoke(node, as, app, tokens.access_token);
  });

  it('refuses to revoke the token of another client with unauthorized_client, and leaves it active', async () => {
    const tokens = await clientCredentials(node, as, app);
    const error = await rejection(revoke(node, as, userApp, tokens.access_token));
    expect(error.error).toBe('unauthorized_client');
    expect(error.status).toBe(400);
    // Even a gateway (admin-owned) client may not revoke tokens it was not issued.
    expect((await rejection(revoke(node, as, gateway, tokens.access_token))).error).toBe(
      'unauthorized_client',
    );
    expect((await introspect(node, as, app, tokens.access_token)).active).toBe(true);
  });

  it('lets a public client revoke its own tokens by client_id', async () => {
    const spa = await registerClient(node, { publicClient: true, grantType: 'password refresh_token' });
    const tokens = await passwordGrant(node, as, spa, adminCredentials(node));
    await revoke(node, as, spa, tokens.refresh_token as string);
    expect((await introspect(node, as, gateway, tokens.access_token)).active).toBe(false);
  });

  it('refuses a wrong secret with invalid_client 401, and revokes nothing', async () => {
    const tokens = await clientCredentials(node, as, app);
    const response = await postForm(
      node,
      '/oauth2/revoke',
      { token: tokens.access_token },
      { authorization: basicAuth(app.client.client_id, 'wrong') },
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
    expect((await introspect(node, as, app, tokens.access_token)).active).toBe(true);
  });
});
