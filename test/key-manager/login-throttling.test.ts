/**
 * Failed-login throttling: after max_failed_logins wrong passwords, even the right password is refused with
 * 429 and Retry-After — at the token endpoint, on the sign-in page and at client registration — until the
 * lockout ends. Failures count per user and per client IP, so this suite has a node of its own.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  REDIRECT_URI,
  UserAdmin,
  adminCredentials,
  discover,
  passwordGrant,
  postForm,
  registerClient,
  registrationRequest,
  rejection,
  uniqueName,
  type Credentials,
  type TestClient,
} from '../support/oauth-helpers.js';
import { openLoginPage, submitLogin } from '../support/oauth-login.js';

const LOCKOUT_SECONDS = 3;

let node: TestNode;
let as: oauth.AuthorizationServer;
let app: TestClient;
let victim: Credentials;

beforeAll(async () => {
  node = await startTestNode({
    env: {
      PORTCULLIS_KEY_MANAGER__MAX_FAILED_LOGINS: '3',
      PORTCULLIS_KEY_MANAGER__LOCKOUT: String(LOCKOUT_SECONDS),
    },
  });
  as = await discover(node);
  app = await registerClient(node);
  const users = await UserAdmin.create(node, as, app);
  victim = await users.add('victim', 'the-right-password', ['subscriber']);
});

afterAll(async () => {
  await node?.close();
});

function retryAfter(response: Response): number {
  const value = response.headers.get('retry-after');
  expect(value).toMatch(/^\d+$/);
  const seconds = Number(value);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(LOCKOUT_SECONDS);
  return seconds;
}

function passwordRequest(credentials: Credentials): Promise<Response> {
  return postForm(node, '/oauth2/token', {
    grant_type: 'password',
    username: credentials.username,
    password: credentials.password,
    client_id: app.client.client_id,
    client_secret: app.secret as string,
  });
}

describe('failed-login throttling', () => {
  it('refuses the right password with 429 and Retry-After after max_failed_logins wrong ones', async () => {
    for (let i = 0; i < 3; i += 1) {
      const error = await rejection(
        passwordGrant(node, as, app, { ...victim, password: `wrong-${i}-password` }),
      );
      expect(error.error).toBe('invalid_grant');
    }
    const response = await passwordRequest(victim);
    expect(response.status).toBe(429);
    retryAfter(response);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(typeof body.error).toBe('string');
  });

  it('locks the sign-in page and client registration too, and other users from the same client IP', async () => {
    expect((await passwordRequest(adminCredentials(node))).status).toBe(429);

    const page = await openLoginPage(node, {
      response_type: 'code',
      client_id: app.client.client_id,
      redirect_uri: REDIRECT_URI,
    });
    const signIn = await submitLogin(node, page, victim);
    expect(signIn.status).toBe(429);
    retryAfter(signIn);
    expect(signIn.headers.get('location')).toBeNull();
    expect(await signIn.text()).toContain('Too many failed sign-ins');

    const dcr = await registrationRequest(node, { clientName: uniqueName() }, adminCredentials(node));
    expect(dcr.status).toBe(429);
    retryAfter(dcr);
    expect(await dcr.json()).toMatchObject({ code: 429 });
  });

  it('lets the user in again once the lockout is over', async () => {
    const locked = await passwordRequest(victim);
    expect(locked.status).toBe(429);
    await sleep(retryAfter(locked) * 1000 + 200);
    const tokens = await passwordGrant(node, as, app, victim, 'apim:subscribe');
    expect(tokens.scope).toBe('apim:subscribe');
  });
});
