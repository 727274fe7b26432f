/**
 * Single sign-on for the web portals: the session cookie the Key Manager's page sets for the portals'
 * client, what it lets through (that client only), prompt=none and prompt=login, and what ends it.
 */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_CLIENT_ID } from '../../src/platform/portal-files.js';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  REDIRECT_URI,
  UserAdmin,
  adminCredentials,
  discover,
  httpOptions,
  registerClient,
  type Credentials,
} from '../support/oauth-helpers.js';
import { authorizeRequest, openLoginPage, submitLogin } from '../support/oauth-login.js';

let node: TestNode;
let as: oauth.AuthorizationServer;
let users: UserAdmin;
let developer: Credentials;
let publisherRoot: string;
let devportalRoot: string;

beforeAll(async () => {
  node = await startTestNode();
  as = await discover(node);
  users = await UserAdmin.create(node, as, await registerClient(node));
  developer = await users.add('sso-developer', 'sso-developer-password', ['subscriber']);
  publisherRoot = `${node.baseUrl}/publisher/`;
  devportalRoot = `${node.baseUrl}/devportal/`;
});

afterAll(async () => {
  await node?.close();
});

async function pkceParams(clientId: string, redirectUri: string, extra: Record<string, string> = {}) {
  const verifier = oauth.generateRandomCodeVerifier();
  return {
    verifier,
    params: {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'apim:subscribe',
      state: oauth.generateRandomState(),
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...extra,
    },
  };
}

/** Signs in on the page for the portals' client; returns the session cookie it set. */
async function signInForSession(credentials: Credentials): Promise<string> {
  const { params } = await pkceParams(PORTAL_CLIENT_ID, publisherRoot);
  const response = await submitLogin(node, await openLoginPage(node, params), credentials);
  expect(response.status).toBe(303);
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('portcullis_sso='));
  expect(setCookie).toBeDefined();
  expect(setCookie).toMatch(/; Path=\/oauth2; Max-Age=28800; HttpOnly; SameSite=Lax; Secure$/);
  return (setCookie as string).split(';')[0] as string;
}

function authorizeWith(params: Record<string, string>, cookie?: string) {
  const url = new URL('/oauth2/authorize', node.baseUrl);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return node.fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

describe('a signed-in browser', () => {
  it('gets a code for another portal at once, which redeems for the same user', async () => {
    const cookie = await signInForSession(developer);
    const { params, verifier } = await pkceParams(PORTAL_CLIENT_ID, devportalRoot);
    const response = await authorizeWith(params, cookie);
    expect(response.status).toBe(303);
    const callback = new URL(response.headers.get('location') as string);
    expect(callback.origin + callback.pathname).toBe(devportalRoot);
    const client = { client_id: PORTAL_CLIENT_ID };
    const validated = oauth.validateAuthResponse(as, client, callback, params.state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        oauth.None(),
        validated,
        devportalRoot,
        verifier,
        httpOptions(node),
      ),
    );
    const claims = JSON.parse(
      Buffer.from(tokens.access_token.split('.')[1] as string, 'base64url').toString(),
    );
    expect(claims.sub).toBe(developer.username);
  });

  it('is asked again with prompt=login', async () => {
    const cookie = await signInForSession(developer);
    const { params } = await pkceParams(PORTAL_CLIENT_ID, devportalRoot, { prompt: 'login' });
    const response = await authorizeWith(params, cookie);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<form method="post"');
  });

  it('still sees the page for any other client: no third-party application gets a silent code', async () => {
    const cookie = await signInForSession(developer);
    const spa = await registerClient(node, { publicClient: true, grantType: 'authorization_code' });
    const { params } = await pkceParams(spa.client.client_id, REDIRECT_URI);
    const response = await authorizeWith(params, cookie);
    expect(response.status).toBe(200);
    await response.body?.cancel();
    const none = await authorizeWith({ ...params, prompt: 'none' }, cookie);
    expect(new URL(none.headers.get('location') as string).searchParams.get('error')).toBe('login_required');
  });
});

describe('without a good session', () => {
  it('prompt=none answers login_required to the portal, with its state', async () => {
    const { params } = await pkceParams(PORTAL_CLIENT_ID, publisherRoot, { prompt: 'none' });
    const response = await authorizeWith(params);
    expect(response.status).toBe(303);
    const back = new URL(response.headers.get('location') as string);
    expect(back.origin + back.pathname).toBe(publisherRoot);
    expect(back.searchParams.get('error')).toBe('login_required');
    expect(back.searchParams.get('state')).toBe(params.state);
  });

  it('a tampered or foreign cookie is no session', async () => {
    const cookie = await signInForSession(developer);
    const [header, payload, signature] = cookie.slice('portcullis_sso='.length).split('.');
    const forged = JSON.parse(Buffer.from(payload as string, 'base64url').toString());
    forged.sub = 'admin';
    const tampered = `portcullis_sso=${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
    for (const bad of [tampered, 'portcullis_sso=garbage', 'portcullis_sso=a.b.c']) {
      const { params } = await pkceParams(PORTAL_CLIENT_ID, publisherRoot, { prompt: 'none' });
      const response = await authorizeWith(params, bad);
      expect(new URL(response.headers.get('location') as string).searchParams.get('error')).toBe(
        'login_required',
      );
    }
  });

  it('a change to the user (new password) ends the session', async () => {
    const user = await users.add('sso-changed', 'sso-changed-password', ['subscriber']);
    const cookie = await signInForSession(user);
    await users.update(user.username, { password: 'a-new-password-for-sso' });
    const { params } = await pkceParams(PORTAL_CLIENT_ID, publisherRoot, { prompt: 'none' });
    const response = await authorizeWith(params, cookie);
    expect(new URL(response.headers.get('location') as string).searchParams.get('error')).toBe(
      'login_required',
    );
  });

  it('a prompt other than none or login is an invalid_request', async () => {
    const { params } = await pkceParams(PORTAL_CLIENT_ID, publisherRoot, { prompt: 'consent' });
    const response = await authorizeRequest(node, params);
    expect(new URL(response.headers.get('location') as string).searchParams.get('error')).toBe(
      'invalid_request',
    );
  });
});

describe('/oauth2/logout', () => {
  it('clears the session and returns to a registered portal root', async () => {
    await signInForSession(adminCredentials(node));
    const url = new URL('/oauth2/logout', node.baseUrl);
    url.search = new URLSearchParams({
      client_id: PORTAL_CLIENT_ID,
      post_logout_redirect_uri: publisherRoot,
    }).toString();
    const response = await node.fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(publisherRoot);
    expect(response.headers.getSetCookie()[0]).toMatch(/^portcullis_sso=; Path=\/oauth2; Max-Age=0;/);
  });

  it('never redirects to an address the client did not register', async () => {
    const url = new URL('/oauth2/logout', node.baseUrl);
    url.search = new URLSearchParams({
      client_id: PORTAL_CLIENT_ID,
      post_logout_redirect_uri: 'https://evil.example.com/',
    }).toString();
    const response = await node.fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('You are signed out');
  });
});
