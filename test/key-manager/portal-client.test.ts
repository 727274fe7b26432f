/**
 * The web portals' sign-in client: public, well known, PKCE only, redirecting only to the portals' own roots
 * (this node's, and key_manager.portal_urls), and callable cross-origin by those origins only. Driven by
 * oauth4webapi as a standards-strict browser client would be.
 */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_CLIENT_ID } from '../../src/platform/portal-files.js';
import { startTestNode, type TestNode } from '../support/node.js';
import { adminCredentials, discover, httpOptions, postForm, rejection } from '../support/oauth-helpers.js';
import { authorizeRequest, signIn } from '../support/oauth-login.js';

const EXTRA_PORTAL = 'https://portal.example.com';
let node: TestNode;
let as: oauth.AuthorizationServer;
const portalClient: oauth.Client = { client_id: PORTAL_CLIENT_ID };

beforeAll(async () => {
  node = await startTestNode({ env: { PORTCULLIS_KEY_MANAGER__PORTAL_URLS: `["${EXTRA_PORTAL}"]` } });
  as = await discover(node);
});

afterAll(async () => {
  await node?.close();
});

async function signInToPortal(redirectUri: string, scope: string) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const callback = await signIn(
    node,
    {
      response_type: 'code',
      client_id: PORTAL_CLIENT_ID,
      redirect_uri: redirectUri,
      scope,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    },
    adminCredentials(node),
  );
  expect(callback.origin + callback.pathname).toBe(redirectUri);
  const params = oauth.validateAuthResponse(as, portalClient, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    portalClient,
    oauth.None(),
    params,
    redirectUri,
    verifier,
    httpOptions(node),
  );
  return oauth.processAuthorizationCodeResponse(as, portalClient, response);
}

describe('the portals sign users in', () => {
  it('with the code flow and PKCE, back to each portal root, with the scopes the roles allow', async () => {
    for (const portal of ['publisher', 'devportal', 'admin']) {
      const tokens = await signInToPortal(`${node.baseUrl}/${portal}/`, 'apim:api_view apim:admin');
      expect(tokens.scope?.split(' ').sort()).toEqual(['apim:admin', 'apim:api_view']);
      expect(tokens.refresh_token).toBeDefined();
    }
  });

  it('refreshes, and revokes with its client_id alone (no secret: it is public)', async () => {
    const tokens = await signInToPortal(`${node.baseUrl}/publisher/`, 'apim:api_view');
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      portalClient,
      await oauth.refreshTokenGrantRequest(
        as,
        portalClient,
        oauth.None(),
        tokens.refresh_token as string,
        httpOptions(node),
      ),
    );
    const revocation = await oauth.revocationRequest(
      as,
      portalClient,
      oauth.None(),
      refreshed.refresh_token as string,
      httpOptions(node),
    );
    await oauth.processRevocationResponse(revocation);
    const error = await rejection(
      oauth
        .refreshTokenGrantRequest(
          as,
          portalClient,
          oauth.None(),
          refreshed.refresh_token as string,
          httpOptions(node),
        )
        .then((response) => oauth.processRefreshTokenResponse(as, portalClient, response)),
    );
    expect(error.error).toBe('invalid_grant');
  });

  it('returns to a configured portal URL (key_manager.portal_urls)', async () => {
    const tokens = await signInToPortal(`${EXTRA_PORTAL}/devportal/`, 'apim:subscribe');
    expect(tokens.scope).toBe('apim:subscribe');
  });

  it('never redirects elsewhere, and refuses a request without PKCE', async () => {
    const common = { response_type: 'code', client_id: PORTAL_CLIENT_ID, scope: 'apim:api_view' };
    const elsewhere = await authorizeRequest(node, {
      ...common,
      redirect_uri: 'https://evil.example.com/publisher/',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.get('location')).toBeNull();
    const noPkce = await authorizeRequest(node, { ...common, redirect_uri: `${node.baseUrl}/publisher/` });
    expect(noPkce.status).toBe(303);
    const back = new URL(noPkce.headers.get('location') as string);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toContain('PKCE');
  });
});

describe('cross-origin calls from the portals', () => {
  const preflight = (origin: string, path: string) =>
    node.fetch(`${node.baseUrl}${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });

  it('lets a portal origin call the token, revocation and sign-up endpoints', async () => {
    for (const path of ['/oauth2/token', '/oauth2/revoke', '/keymanager/v1/self-signup']) {
      const response = await preflight(EXTRA_PORTAL, path);
      expect(response.status, path).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(EXTRA_PORTAL);
      expect(response.headers.get('access-control-allow-methods')).toBe('POST');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
    const token = await postForm(
      node,
      '/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: 'nope', client_id: PORTAL_CLIENT_ID },
      { origin: EXTRA_PORTAL },
    );
    expect(token.status).toBe(400);
    expect(token.headers.get('access-control-allow-origin')).toBe(EXTRA_PORTAL);
  });

  it('lets the Admin portal manage users cross-origin with its bearer token', async () => {
    for (const path of ['/keymanager/v1/users', '/keymanager/v1/users/someone']) {
      const response = await preflight(EXTRA_PORTAL, path);
      expect(response.status, path).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(EXTRA_PORTAL);
      expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, PATCH, DELETE');
      expect(response.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    }
    const list = await node.fetch(`${node.baseUrl}/keymanager/v1/users`, {
      headers: { origin: EXTRA_PORTAL },
    });
    expect(list.status).toBe(401);
    expect(list.headers.get('access-control-allow-origin')).toBe(EXTRA_PORTAL);
    const other = await preflight(EXTRA_PORTAL, '/keymanager/v1/clients');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives any other origin nothing to read', async () => {
    const response = await preflight('https://evil.example.com', '/oauth2/token');
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const token = await postForm(
      node,
      '/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: 'nope', client_id: PORTAL_CLIENT_ID },
      { origin: 'https://evil.example.com' },
    );
    expect(token.headers.get('access-control-allow-origin')).toBeNull();
  });
});
