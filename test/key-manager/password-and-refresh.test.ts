/** The password grant (RFC 6749 §4.3) and refresh with rotation (§6), through oauth4webapi and openid-client. */
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  adminCredentials,
  basicAuth,
  discover,
  introspect,
  issuerOf,
  passwordGrant,
  postForm,
  refreshGrant,
  registerClient,
  rejection,
  type TestClient,
} from '../support/oauth-helpers.js';

let node: TestNode;
let as: oauth.AuthorizationServer;
let app: TestClient;

beforeAll(async () => {
  node = await startTestNode();
  as = await discover(node);
  app = await registerClient(node);
});

afterAll(async () => {
  await node?.close();
});

describe('password grant', () => {
  it('issues an access and a refresh token carrying the requested scopes the user holds', async () => {
    const tokens = await passwordGrant(node, as, app, adminCredentials(node), 'apim:admin apim:api_view');
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.scope?.split(' ').sort()).toEqual(['apim:admin', 'apim:api_view']);
    expect(tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const info = await introspect(node, as, app, tokens.access_token);
    expect(info).toMatchObject({
      active: true,
      username: 'admin',
      sub: 'admin',
      client_id: app.client.client_id,
    });
  });

  it('grants "default" when no scope is asked for', async () => {
    const tokens = await passwordGrant(node, as, app, adminCredentials(node));
    expect(tokens.scope).toBe('default');
  });

  it('issues no refresh token to a client without the refresh_token grant', async () => {
    const noRefresh = await registerClient(node, { grantType: 'password' });
    const tokens = await passwordGrant(node, as, noRefresh, adminCredentials(node));
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('serves a public client that authenticates by client_id only', async () => {
    const spa = await registerClient(node, { publicClient: true, grantType: 'password refresh_token' });
    expect(spa.registration.clientSecret).toBeNull();
    const tokens = await passwordGrant(node, as, spa, adminCredentials(node), 'apim:subscribe');
    expect(tokens.scope).toBe('apim:subscribe');
    const refreshed = await refreshGrant(node, as, spa, tokens.refresh_token as string);
    expect(refreshed.scope).toBe('apim:subscribe');
  });

  it('refuses a wrong password with invalid_grant', async () => {
    const error = await rejection(
      passwordGrant(node, as, app, { username: 'admin', password: 'wrong-password' }),
    );
    expect(error.error).toBe('invalid_grant');
    expect(error.status).toBe(400);
  });
});

describe('refresh_token grant', () => {
  it('rotates: a new access token and a new refresh token, same scope', async () => {
    const first = await passwordGrant(node, as, app, adminCredentials(node), 'apim:api_view apim:subscribe');
    const second = await refreshGrant(node, as, app, first.refresh_token as string);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).toBeDefined();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.scope?.split(' ').sort()).toEqual(['apim:api_view', 'apim:subscribe']);
    expect((await introspect(node, as, app, second.access_token)).active).toBe(true);
    const third = await refreshGrant(node, as, app, second.refresh_token as string);
    expect((await introspect(node, as, app, third.access_token)).active).toBe(true);
  });

  it('may narrow the scope (§6)', async () => {
    const first = await passwordGrant(node, as, app, adminCredentials(node), 'apim:api_view apim:subscribe');
    const narrowed = await refreshGrant(node, as, app, first.refresh_token as string, 'apim:subscribe');
    expect(narrowed.scope).toBe('apim:subscribe');
  });

  it('refuses a wider scope with invalid_scope (§6)', async () => {
    const first = await passwordGrant(node, as, app, adminCredentials(node), 'apim:subscribe');
    const error = await rejection(
      refreshGrant(node, as, app, first.refresh_token as string, 'apim:subscribe apim:admin'),
    );
    expect(error.error).toBe('invalid_scope');
  });

  it.each([
    ['a wider scope', 'apim:subscribe apim:admin'],
    ['a malformed scope', 'apim:subscribe a"b'],
  ])(
    'keeps the refresh token usable after refusing %s (an error must not consume the grant)',
    async (_name, scope) => {
      const first = await passwordGrant(node, as, app, adminCredentials(node), 'apim:subscribe');
      const refresh = first.refresh_token as string;
      const error = await rejection(refreshGrant(node, as, app, refresh, scope));
      expect(error.error).toBe('invalid_scope');
      // The client fixes its request and retries with the same refresh token.
      const retry = await postForm(
        node,
        '/oauth2/token',
        { grant_type: 'refresh_token', refresh_token: refresh },
        { authorization: basicAuth(app.client.client_id, app.secret as string) },
      );
      expect(await retry.json()).toMatchObject({ token_type: 'Bearer', scope: 'apim:subscribe' });
      expect(retry.status).toBe(200);
      // …and the tokens of the grant were not revoked as if the refresh token had been replayed.
      expect((await introspect(node, as, app, first.access_token)).active).toBe(true);
    },
  );

  it('refuses the refresh token of another client, and an access token, with invalid_grant', async () => {
    const other = await registerClient(node);
    const tokens = await passwordGrant(node, as, app, adminCredentials(node));
    const stolen = await rejection(refreshGrant(node, as, other, tokens.refresh_token as string));
    expect(stolen.error).toBe('invalid_grant');
    const notRefresh = await rejection(refreshGrant(node, as, app, tokens.access_token));
    expect(notRefresh.error).toBe('invalid_grant');
    const unknown = await rejection(refreshGrant(node, as, app, 'A'.repeat(43)));
    expect(unknown.error).toBe('invalid_grant');
  });

  it('requires the refresh_token parameter (invalid_request)', async () => {
    const response = await postForm(
      node,
      '/oauth2/token',
      { grant_type: 'refresh_token' },
      { authorization: basicAuth(app.client.client_id, app.secret as string) },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('introspects a refresh token as token_type refresh_token', async () => {
    const tokens = await passwordGrant(node, as, app, adminCredentials(node));
    const info = await introspect(node, as, app, tokens.refresh_token as string);
    expect(info).toMatchObject({ active: true, token_type: 'refresh_token', username: 'admin' });
  });

  it('does not accept a refresh token as a bearer token', async () => {
    const tokens = await passwordGrant(node, as, app, adminCredentials(node), 'apim:admin');
    const response = await node.fetch(`${node.baseUrl}/keymanager/v1/users`, {
      headers: { authorization: `Bearer ${tokens.refresh_token as string}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
  });
});

describe('with openid-client', () => {
  it('obtains tokens by the password grant and refreshes them', async () => {
    const config = await client.discovery(
      issuerOf(node),
      app.client.client_id,
      app.secret,
      client.ClientSecretBasic(),
      { [client.customFetch]: node.fetch },
    );
    const tokens = await client.genericGrantRequest(config, 'password', {
      username: 'admin',
      password: node.adminPassword,
      scope: 'apim:api_view',
    });
    expect(tokens.scope).toBe('apim:api_view');
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(refreshed.scope).toBe('apim:api_view');
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    // The rotated-out refresh token is refused.
    await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
