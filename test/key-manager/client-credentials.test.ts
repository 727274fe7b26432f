/** The client credentials grant (RFC 6749 §4.4) through oauth4webapi and openid-client. */
import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  UserAdmin,
  clientCredentials,
  discover,
  httpOptions,
  introspect,
  postForm,
  registerClient,
  rejection,
  type TestClient,
  openidConfig,
} from '../support/oauth-helpers.js';

let node: TestNode;
let as: oauth.AuthorizationServer;
let adminOwned: TestClient;
let users: UserAdmin;

beforeAll(async () => {
  node = await startTestNode();
  as = await discover(node);
  adminOwned = await registerClient(node);
  users = await UserAdmin.create(node, as, adminOwned);
});

afterAll(async () => {
  await node?.close();
});

describe('client_credentials with oauth4webapi', () => {
  it('issues a bearer token with client_secret_basic, without a refresh token (§4.4.3)', async () => {
    const tokens = await clientCredentials(node, as, adminOwned);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.scope).toBe('default');
    expect(tokens.refresh_token).toBeUndefined();
    const claims = decodeJwt(tokens.access_token);
    expect(claims.sub).toBe(adminOwned.registration.clientId);
    expect(claims.client_id).toBe(adminOwned.registration.clientId);
  });

  it('issues a token with client_secret_post', async () => {
    const post: TestClient = { ...adminOwned, auth: oauth.ClientSecretPost(adminOwned.secret as string) };
    const tokens = await clientCredentials(node, as, post, 'orders:read');
    expect(tokens.scope).toBe('orders:read');
  });

  it('answers with Cache-Control: no-store and Pragma: no-cache (§5.1)', async () => {
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      adminOwned.client,
      adminOwned.auth,
      {},
      httpOptions(node),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    await oauth.processClientCredentialsResponse(as, adminOwned.client, response);
  });

  it('grants role-bound scopes from the roles of the client owner', async () => {
    const tokens = await clientCredentials(node, as, adminOwned, 'apim:admin apim:subscribe orders:read');
    expect(tokens.scope?.split(' ').sort()).toEqual(['apim:admin', 'apim:subscribe', 'orders:read']);

    const subscriber = await users.add('cc-subscriber', 'subscriber-password', ['subscriber']);
    const owned = await registerClient(node, {}, subscriber);
    expect(owned.registration.appOwner).toBe('cc-subscriber');
    const limited = await clientCredentials(node, as, owned, 'apim:admin apim:subscribe orders:read');
    expect(limited.scope?.split(' ').sort()).toEqual(['apim:subscribe', 'orders:read']);
    const nothing = await clientCredentials(node, as, owned, 'apim:admin');
    expect(nothing.scope).toBe('default');
  });

  it('de-duplicates repeated scope tokens', async () => {
    const tokens = await clientCredentials(node, as, adminOwned, 'orders:read orders:read');
    expect(tokens.scope).toBe('orders:read');
  });

  it('introspects the token as active, without a username (no resource owner)', async () => {
    const tokens = await clientCredentials(node, as, adminOwned, 'orders:read');
    const info = await introspect(node, as, adminOwned, tokens.access_token);
    expect(info).toMatchObject({
      active: true,
      client_id: adminOwned.registration.clientId,
      sub: adminOwned.registration.clientId,
      scope: 'orders:read',
      token_type: 'Bearer',
    });
    expect(info.username).toBeUndefined();
  });

  it('issues opaque tokens to a client registered with tokenType OPAQUE', async () => {
    const opaque = await registerClient(node, { tokenType: 'OPAQUE' });
    const tokens = await clientCredentials(node, as, opaque);
    expect(tokens.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await introspect(node, as, opaque, tokens.access_token)).active).toBe(true);
  });

  it('refuses a client registered without the grant, and a public client (§4.4)', async () => {
    const passwordOnly = await registerClient(node, { grantType: 'password' });
    const notAllowed = await rejection(clientCredentials(node, as, passwordOnly));
    expect(notAllowed.error).toBe('unauthorized_client');
    expect(notAllowed.status).toBe(400);

    const publicClient = await registerClient(node, { publicClient: true });
    expect(publicClient.secret).toBeUndefined();
    const response = await postForm(node, '/oauth2/token', {
      grant_type: 'client_credentials',
      client_id: publicClient.registration.clientId,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unauthorized_client' });
  });

  it("honours WSO2's validity_period when it shortens the token's life, never to lengthen it", async () => {
    const basic = `Basic ${Buffer.from(`${adminOwned.registration.clientId}:${adminOwned.secret}`).toString('base64')}`;
    const ask = (validity: string) =>
      postForm(
        node,
        '/oauth2/token',
        { grant_type: 'client_credentials', validity_period: validity },
        {
          authorization: basic,
        },
      );
    const shorter = (await (await ask('120')).json()) as { expires_in: number; access_token: string };
    expect(shorter.expires_in).toBe(120);
    const claims = decodeJwt(shorter.access_token);
    expect((claims.exp as number) - (claims.iat as number)).toBe(120);
    const longer = (await (await ask('999999')).json()) as { expires_in: number };
    expect(longer.expires_in).toBe(3600);
    for (const bad of ['0', '-5', '1.5', 'soon']) {
      const response = await ask(bad);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('refuses a wrong secret with invalid_client and a WWW-Authenticate challenge', async () => {
    const wrong: TestClient = { ...adminOwned, auth: oauth.ClientSecretBasic('not-the-secret') };
    await expect(clientCredentials(node, as, wrong)).rejects.toBeInstanceOf(
      oauth.WWWAuthenticateChallengeError,
    );
  });
});

describe('client_credentials with openid-client', () => {
  it('discovers, obtains a token, introspects it and revokes it', async () => {
    const config = await openidConfig(node, adminOwned);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'orders:write' });
    expect(tokens.scope).toBe('orders:write');
    expect(tokens.expiresIn()).toBeGreaterThan(3500);
    const before = await client.tokenIntrospection(config, tokens.access_token);
    expect(before.active).toBe(true);
    await client.tokenRevocation(config, tokens.access_token);
    const after = await client.tokenIntrospection(config, tokens.access_token);
    expect(after.active).toBe(false);
  });

  it('works with client_secret_post as well', async () => {
    const config = await openidConfig(node, adminOwned, client.ClientSecretPost());
    const tokens = await client.clientCredentialsGrant(config);
    expect(tokens.access_token.split('.')).toHaveLength(3);
  });
});
