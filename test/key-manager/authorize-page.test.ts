/**
 * The front channel of the authorization endpoint (RFC 6749 §4.1.1–4.1.2.1, RFC 7636 §4.4.1): what is shown
 * on a page (untrusted client or redirect URI), what is redirected back with an error, and the sign-in form
 * (wrong password, CSRF).
 */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  REDIRECT_URI,
  UserAdmin,
  adminCredentials,
  discover,
  registerClient,
  type TestClient,
} from '../support/oauth-helpers.js';
import { authorizeRequest, openLoginPage, pageOf, submitLogin } from '../support/oauth-login.js';

let node: TestNode;
let as: oauth.AuthorizationServer;
let confidential: TestClient;
let spa: TestClient;
let challenge: string;

beforeAll(async () => {
  node = await startTestNode();
  as = await discover(node);
  confidential = await registerClient(node);
  spa = await registerClient(node, { publicClient: true, grantType: 'authorization_code' });
  challenge = await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier());
});

afterAll(async () => {
  await node?.close();
});

function request(app: TestClient, extra: Record<string, string> = {}): Record<string, string> {
  return {
    response_type: 'code',
    client_id: app.client.client_id,
    redirect_uri: REDIRECT_URI,
    state: 'state-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
}

function without(params: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([name]) => !names.includes(name)));
}

/** The error redirected back to the client, as oauth4webapi sees it. */
async function redirectedError(app: TestClient, params: Record<string, string>) {
  const response = await authorizeRequest(node, params);
  expect(response.status).toBe(303);
  const location = new URL(response.headers.get('location') as string);
  expect(location.origin + location.pathname).toBe(REDIRECT_URI);
  expect(location.searchParams.get('state')).toBe('state-123');
  expect(location.searchParams.get('iss')).toBe(as.issuer);
  try {
    oauth.validateAuthResponse(as, app.client, location, 'state-123');
  } catch (err) {
    if (err instanceof oauth.AuthorizationResponseError) return err;
    throw err;
  }
  throw new Error('expected an error response');
}

describe('the sign-in page', () => {
  it('is served without caching or framing, with the request carried and a CSRF cookie', async () => {
    const page = await openLoginPage(node, request(confidential, { scope: 'apim:subscribe' }));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const cookie = page.headers.getSetCookie().find((c) => c.startsWith('portcullis_csrf='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Secure/i);
    expect(page.hidden).toMatchObject({ client_id: confidential.client.client_id, scope: 'apim:subscribe' });
    expect(page.hidden.csrf).toBe(page.cookie?.split('=')[1]);
    expect(page.html).toContain(confidential.registration.clientName);
    // Who registered the application, and what it asks for, so that nobody signs in for a stranger blindly.
    expect(page.html).toContain(`registered by <strong>${confidential.registration.appOwner}</strong>`);
    expect(page.html).toContain('<code>apim:subscribe</code>');
  });

  it('escapes what it carries, so a crafted state cannot inject markup', async () => {
    const state = '"><script>alert(1)</script>';
    const page = await openLoginPage(node, request(confidential, { state }));
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('<script>');
    expect(page.hidden.state).toBe(state);
  });
});

describe('requests that are shown on a page, never redirected (§4.1.2.1)', () => {
  it.each([
    ['an unknown client', { client_id: 'no-such-client' }],
    ['no client_id', { client_id: '' }],
    ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example.test/callback' }],
    ['a redirect_uri that only starts like the registered one', { redirect_uri: `${REDIRECT_URI}/../evil` }],
  ])('%s: 400 HTML page, no Location', async (_name, extra) => {
    const response = await authorizeRequest(node, request(confidential, extra));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('cannot be completed');
    expect(html).not.toContain('evil.example.test');
  });
});

describe('a repeated parameter (§3.1)', () => {
  it('is refused with 400 and never redirected', async () => {
    const query = new URLSearchParams(request(confidential));
    query.append('redirect_uri', 'https://evil.example.test/callback');
    const response = await node.fetch(`${node.baseUrl}/oauth2/authorize?${query.toString()}`, {
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    await response.body?.cancel();
  });
});

describe('requests answered with an error redirect', () => {
  it('public client without code_challenge: invalid_request (PKCE required)', async () => {
    const error = await redirectedError(
      spa,
      without(request(spa), 'code_challenge', 'code_challenge_method'),
    );
    expect(error.error).toBe('invalid_request');
  });

  it('code_challenge_method plain: invalid_request', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const error = await redirectedError(
      spa,
      request(spa, { code_challenge: verifier, code_challenge_method: 'plain' }),
    );
    expect(error.error).toBe('invalid_request');
  });

  it('code_challenge without a method (plain by default, RFC 7636 §4.3): invalid_request', async () => {
    const withoutMethod = without(request(spa), 'code_challenge_method');
    expect((await redirectedError(spa, withoutMethod)).error).toBe('invalid_request');
  });

  it('malformed code_challenge: invalid_request', async () => {
    const error = await redirectedError(spa, request(spa, { code_challenge: 'too-short' }));
    expect(error.error).toBe('invalid_request');
  });

  it('response_type token: unsupported_response_type', async () => {
    const error = await redirectedError(confidential, request(confidential, { response_type: 'token' }));
    expect(error.error).toBe('unsupported_response_type');
  });

  it('client without the authorization_code grant: unauthorized_client', async () => {
    const noCode = await registerClient(node, { grantType: 'client_credentials', callbackUrl: REDIRECT_URI });
    expect((await redirectedError(noCode, request(noCode))).error).toBe('unauthorized_client');
  });

  it('malformed scope: invalid_scope', async () => {
    const error = await redirectedError(confidential, request(confidential, { scope: 'a\\b' }));
    expect(error.error).toBe('invalid_scope');
  });
});

describe('the sign-in form', () => {
  it('answers a wrong password with 401 and the form again, without echoing the password', async () => {
    const page = await openLoginPage(node, request(confidential));
    const response = await submitLogin(node, page, { username: 'admin', password: 'wrong-password-xyz' });
    expect(response.status).toBe(401);
    expect(response.headers.get('location')).toBeNull();
    const again = await pageOf(response);
    expect(again.html).toContain('Wrong username or password');
    expect(again.html).not.toContain('wrong-password-xyz');
    expect(again.hidden.client_id).toBe(confidential.client.client_id);
    // The new form works.
    const retry = await submitLogin(node, again, adminCredentials(node));
    expect(retry.status).toBe(303);
    expect(new URL(retry.headers.get('location') as string).searchParams.get('code')).toBeTruthy();
  });

  it('refuses a disabled user like a wrong password', async () => {
    const users = await UserAdmin.create(node, as, confidential);
    const user = await users.add('page-disabled', 'disabled-password', ['subscriber']);
    await users.update('page-disabled', { disabled: true });
    const page = await openLoginPage(node, request(confidential));
    expect((await submitLogin(node, page, user)).status).toBe(401);
  });

  it('answers a CSRF token that does not match the cookie with 403 and no code', async () => {
    const page = await openLoginPage(node, request(confidential));
    const other = await openLoginPage(node, request(confidential));
    for (const options of [
      { cookie: other.cookie as string },
      { cookie: null },
      { override: { csrf: other.hidden.csrf as string } },
    ]) {
      const response = await submitLogin(node, page, adminCredentials(node), options);
      expect(response.status).toBe(403);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('session expired');
    }
  });

  it('rechecks the carried request: a tampered redirect_uri is shown on a page', async () => {
    const page = await openLoginPage(node, request(confidential));
    const response = await submitLogin(node, page, adminCredentials(node), {
      override: { redirect_uri: 'https://evil.example.test/callback' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});
