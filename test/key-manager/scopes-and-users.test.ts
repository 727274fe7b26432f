/**
 * Role-bound scopes, refresh token rotation with family revocation, and what happens to tokens when a
 * user is deleted, disabled, or has roles or password changed. Also the protection of the users API.
 */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  REDIRECT_URI,
  UserAdmin,
  clientCredentials,
  discover,
  httpOptions,
  introspect,
  passwordGrant,
  refreshGrant,
  registerClient,
  rejection,
  type Credentials,
  type TestClient,
} from '../support/oauth-helpers.js';
import { signInWithPkce } from '../support/oauth-login.js';

let node: TestNode;
let as: oauth.AuthorizationServer;
let app: TestClient;
let users: UserAdmin;

beforeAll(async () => {
  // Some tests here fail logins on purpose; they must not lock out the shared client IP.
  node = await startTestNode({ env: { PORTCULLIS_KEY_MANAGER__MAX_FAILED_LOGINS: '100' } });
  as = await discover(node);
  app = await registerClient(node);
  users = await UserAdmin.create(node, as, app);
});

afterAll(async () => {
  await node?.close();
});

let userCount = 0;
async function newUser(roles: string[]): Promise<Credentials> {
  userCount += 1;
  return users.add(`user-${userCount}`, `password-of-user-${userCount}`, roles);
}

async function active(token: string): Promise<boolean> {
  return (await introspect(node, as, app, token)).active;
}

describe('role-bound scopes', () => {
  it('a subscriber asking apim:subscribe apim:api_create gets only apim:subscribe', async () => {
    const subscriber = await newUser(['subscriber']);
    const tokens = await passwordGrant(node, as, app, subscriber, 'apim:subscribe apim:api_create');
    expect(tokens.scope).toBe('apim:subscribe');
  });

  it('asking only scopes the user does not hold gives "default"', async () => {
    const subscriber = await newUser(['subscriber']);
    const tokens = await passwordGrant(node, as, app, subscriber, 'apim:api_create apim:admin');
    expect(tokens.scope).toBe('default');
  });

  it('follows the role → scope table for each role, and lets anyone have scopes that are not role-bound', async () => {
    const creator = await newUser(['creator']);
    const publisher = await newUser(['publisher']);
    const ask = 'apim:api_create apim:api_publish apim:api_view apim:admin apim:subscribe orders:read';
    const forCreator = await passwordGrant(node, as, app, creator, ask);
    expect(forCreator.scope?.split(' ').sort()).toEqual(['apim:api_create', 'apim:api_view', 'orders:read']);
    const forPublisher = await passwordGrant(node, as, app, publisher, ask);
    expect(forPublisher.scope?.split(' ').sort()).toEqual([
      'apim:api_publish',
      'apim:api_view',
      'orders:read',
    ]);
  });

  it('a user with no roles gets only scopes that are not role-bound', async () => {
    const nobody = await newUser([]);
    expect((await passwordGrant(node, as, app, nobody, 'apim:subscribe orders:read')).scope).toBe(
      'orders:read',
    );
  });
});

describe('refresh token rotation', () => {
  it('returns a new refresh token; the old one used again is refused and kills the whole family', async () => {
    const user = await newUser(['subscriber']);
    const first = await passwordGrant(node, as, app, user, 'apim:subscribe');
    const second = await refreshGrant(node, as, app, first.refresh_token as string);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(await active(second.access_token)).toBe(true);

    const replay = await rejection(refreshGrant(node, as, app, first.refresh_token as string));
    expect(replay.error).toBe('invalid_grant');
    for (const token of [first.access_token, second.access_token, second.refresh_token as string]) {
      expect(await active(token)).toBe(false);
    }
    expect((await rejection(refreshGrant(node, as, app, second.refresh_token as string))).error).toBe(
      'invalid_grant',
    );
  });

  it('does not touch other grants of the same user', async () => {
    const user = await newUser(['subscriber']);
    const mine = await passwordGrant(node, as, app, user);
    const other = await passwordGrant(node, as, app, user);
    await refreshGrant(node, as, app, mine.refresh_token as string);
    await rejection(refreshGrant(node, as, app, mine.refresh_token as string));
    expect(await active(other.access_token)).toBe(true);
    expect(await active(other.refresh_token as string)).toBe(true);
  });
});

describe('user changes end their tokens', () => {
  async function session(user: Credentials) {
    const tokens = await passwordGrant(node, as, app, user, 'apim:subscribe');
    expect(await active(tokens.access_token)).toBe(true);
    return tokens;
  }

  async function expectDead(tokens: oauth.TokenEndpointResponse) {
    expect(await active(tokens.access_token)).toBe(false);
    expect(await active(tokens.refresh_token as string)).toBe(false);
    expect((await rejection(refreshGrant(node, as, app, tokens.refresh_token as string))).error).toBe(
      'invalid_grant',
    );
  }

  it('deleting a user', async () => {
    const user = await newUser(['subscriber']);
    const tokens = await session(user);
    await users.remove(user.username);
    await expectDead(tokens);
    expect((await rejection(passwordGrant(node, as, app, user))).error).toBe('invalid_grant');
  });

  it('disabling a user; enabling again does not revive the old tokens', async () => {
    const user = await newUser(['subscriber']);
    const tokens = await session(user);
    await users.update(user.username, { disabled: true });
    await expectDead(tokens);
    expect((await rejection(passwordGrant(node, as, app, user))).error).toBe('invalid_grant');
    await users.update(user.username, { disabled: false });
    expect(await active(tokens.access_token)).toBe(false);
    expect((await passwordGrant(node, as, app, user, 'apim:subscribe')).scope).toBe('apim:subscribe');
  });

  it('changing roles; new tokens carry the new roles', async () => {
    const user = await newUser(['subscriber']);
    const tokens = await session(user);
    await users.update(user.username, { roles: ['creator'] });
    await expectDead(tokens);
    const fresh = await passwordGrant(node, as, app, user, 'apim:subscribe apim:api_create');
    expect(fresh.scope).toBe('apim:api_create');
  });

  it('changing the password; the old password no longer works', async () => {
    const user = await newUser(['subscriber']);
    const tokens = await session(user);
    await users.update(user.username, { password: 'a-brand-new-password' });
    await expectDead(tokens);
    expect((await rejection(passwordGrant(node, as, app, user))).error).toBe('invalid_grant');
    await passwordGrant(node, as, app, { username: user.username, password: 'a-brand-new-password' });
  });

  it('a code issued before the user was disabled cannot be redeemed', async () => {
    const user = await newUser(['subscriber']);
    const { callback, verifier } = await signInWithPkce(node, app.client.client_id, user);
    const params = oauth.validateAuthResponse(as, app.client, callback, oauth.expectNoState);
    await users.update(user.username, { disabled: true });
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      app.client,
      app.auth,
      params,
      REDIRECT_URI,
      verifier,
      httpOptions(node),
    );
    const error = await rejection(oauth.processAuthorizationCodeResponse(as, app.client, response));
    expect(error.error).toBe('invalid_grant');
  });

  it('ends role-bound client_credentials tokens of a client whose owner lost the role', async () => {
    // The token's apim:admin came from the owner's admin role (client_credentials takes the owner's roles);
    // once the owner is no longer an admin, the token must not keep opening the admin API.
    const owner = await newUser(['admin']);
    const ownedApp = await registerClient(node, {}, owner);
    const tokens = await clientCredentials(node, as, ownedApp, 'apim:admin');
    expect(tokens.scope).toBe('apim:admin');
    await users.update(owner.username, { roles: ['subscriber'] });
    const response = await node.fetch(`${node.baseUrl}/keymanager/v1/users`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(response.status).toBe(401);
  });
});

describe('the users API', () => {
  it('wants a bearer token (401 with a Bearer challenge) carrying apim:admin (403 insufficient_scope)', async () => {
    const none = await node.fetch(`${node.baseUrl}/keymanager/v1/users`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const subscriber = await newUser(['subscriber']);
    const tokens = await passwordGrant(node, as, app, subscriber, 'apim:admin apim:subscribe');
    const weak = await node.fetch(`${node.baseUrl}/keymanager/v1/users`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(weak.status).toBe(403);
    expect(weak.headers.get('www-authenticate')).toContain('insufficient_scope');
  });

  it('lists, shows and validates users, and never returns a password or hash', async () => {
    const user = await newUser(['publisher']);
    const list = await users.request('GET');
    const text = await list.text();
    expect(list.status).toBe(200);
    expect(text).toContain(user.username);
    expect(text).not.toContain(user.password);
    expect(text).not.toMatch(/scrypt|password/i);
    const one = (await (await users.request('GET', `/${user.username}`)).json()) as Record<string, unknown>;
    expect(one).toMatchObject({ username: user.username, roles: ['publisher'], disabled: false });
    expect(
      (await users.request('POST', '', { username: 'x', password: 'short', roles: ['nope'] })).status,
    ).toBe(400);
    expect(
      (await users.request('POST', '', { username: user.username, password: 'long-enough-pw', roles: [] }))
        .status,
    ).toBe(409);
    expect((await users.request('GET', '/no-such-user')).status).toBe(404);
  });
});
