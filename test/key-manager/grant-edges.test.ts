/** Edge cases of grants and clients that a careful attacker, or an unlucky client, would hit. */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  REDIRECT_URI,
  UserAdmin,
  adminCredentials,
  basicAuth,
  clientCredentials,
  discover,
  introspect,
  passwordGrant,
  postForm,
  refreshGrant,
  registerClient,
  uniqueName,
  type TestClient,
} from '../support/oauth-helpers.js';
import { signIn } from '../support/oauth-login.js';

let node: TestNode;
let as: oauth.AuthorizationServer;
let app: TestClient;
let users: UserAdmin;

beforeAll(async () => {
  node = await startTestNode();
  as = await discover(node);
  app = await registerClient(node);
  users = await UserAdmin.create(node, as, app);
});

afterAll(async () => {
  await node?.close();
});

describe("a client's owner", () => {
  it('disabled: the client gets no client_credentials token; deleted: the client is gone', async () => {
    const owner = await users.add(uniqueName('owner'), 'owner-password', ['subscriber']);
    const owned = await registerClient(node, { grantType: 'client_credentials' }, owner);
    expect((await clientCredentials(node, as, owned)).access_token).toBeDefined();

    const tokenRequest = () =>
      postForm(
        node,
        '/oauth2/token',
        { grant_type: 'client_credentials', scope: 'apim:admin' },
        { authorization: basicAuth(owned.client.client_id, owned.secret as string) },
      );
    await users.update(owner.username, { disabled: true });
    const refused = await tokenRequest();
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client' });

    await users.update(owner.username, { disabled: false });
    await users.remove(owner.username);
    // The name is retired: no new user can take it, and with it what the old one owned.
    await expect(users.add(owner.username, 'another-password', ['admin'])).rejects.toThrow(
      /409 .*belonged to a deleted user/,
    );
    const gone = await tokenRequest();
    expect(gone.status).toBe(401);
    expect(await gone.json()).toMatchObject({ error: 'invalid_client' });
  });
});

describe('authorization codes', () => {
  it('cannot be burnt by another client: the rightful client still redeems its code', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const challenge = await oauth.calculatePKCECodeChallenge(verifier);
    const callback = await signIn(
      node,
      {
        response_type: 'code',
        client_id: app.client.client_id,
        redirect_uri: REDIRECT_URI,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      },
      adminCredentials(node),
    );
    const code = callback.searchParams.get('code') as string;
    const thief = await registerClient(node, { publicClient: true, grantType: 'authorization_code' });
    const stolen = await postForm(node, '/oauth2/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      client_id: thief.client.client_id,
    });
    expect(stolen.status).toBe(400);
    expect(await stolen.json()).toMatchObject({ error: 'invalid_grant' });
    const rightful = await postForm(
      node,
      '/oauth2/token',
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
      { authorization: basicAuth(app.client.client_id, app.secret as string) },
    );
    expect(rightful.status).toBe(200);
  });
});

describe('refresh tokens', () => {
  it('a rotated refresh token introspects as inactive', async () => {
    const first = await passwordGrant(node, as, app, adminCredentials(node), 'apim:api_view');
    await refreshGrant(node, as, app, first.refresh_token as string);
    expect(await introspect(node, as, app, first.refresh_token as string)).toEqual({ active: false });
  });

  it('a narrowed refresh keeps the full scope in the new refresh token (RFC 6749 section 6)', async () => {
    const first = await passwordGrant(node, as, app, adminCredentials(node), 'apim:api_view apim:admin');
    const narrowed = await refreshGrant(node, as, app, first.refresh_token as string, 'apim:api_view');
    expect(narrowed.scope).toBe('apim:api_view');
    const widenedBack = await refreshGrant(
      node,
      as,
      app,
      narrowed.refresh_token as string,
      'apim:api_view apim:admin',
    );
    expect(widenedBack.scope?.split(' ').sort()).toEqual(['apim:admin', 'apim:api_view']);
  });
});

describe('input checks', () => {
  it('refuses a callbackUrl that carries credentials', async () => {
    const response = await node.fetch(`${node.baseUrl}/client-registration/v0.17/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basicAuth('admin', node.adminPassword) },
      body: JSON.stringify({
        clientName: uniqueName(),
        grantType: 'authorization_code',
        callbackUrl: 'https://user:pw@app.example.test/cb',
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { description: string }).description).toMatch(/without credentials/);
  });

  it('accepts the Bearer scheme in any case (RFC 7235)', async () => {
    const response = await node.fetch(`${node.baseUrl}/keymanager/v1/users`, {
      headers: { authorization: `bearer ${users.token}` },
    });
    expect(response.status).toBe(200);
  });

  it('refuses an OAuth request body over 64 KiB', async () => {
    const response = await postForm(node, '/oauth2/token', {
      grant_type: 'password',
      username: 'a'.repeat(70_000),
    });
    expect(response.status).toBe(413);
  });
});
