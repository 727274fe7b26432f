/**
 * The authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636): sign-in page driven with plain fetch,
 * the callback validated by oauth4webapi (RFC 9207 `iss` included), the code redeemed by oauth4webapi and
 * openid-client.
 */
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  REDIRECT_URI,
  UserAdmin,
  adminCredentials,
  basicAuth,
  discover,
  httpOptions,
  introspect,
  issuerOf,
  postForm,
  registerClient,
  rejection,
  type Credentials,
  type TestClient,
} from '../support/oauth-helpers.js';
import { signIn } from '../support/oauth-login.js';

let node: TestNode;
let as: oauth.AuthorizationServer;
let confidential: TestClient;
let spa: TestClient;
let subscriber: Credentials;

beforeAll(async () => {
  node = await startTestNode();
  as = await discover(node);
  confidential = await registerClient(node);
  spa = await registerClient(node, { publicClient: true, grantType: 'authorization_code refresh_token' });
  const users = await UserAdmin.create(node, as, confidential);
  subscriber = await users.add('code-subscriber', 'subscriber-password', ['subscriber']);
});

afterAll(async () => {
  await node?.close();
});

interface Callback {
  params: URLSearchParams;
  verifier: string;
}

/** Front channel: PKCE S256 authorization request, sign-in, callback validated by oauth4webapi. */
async function authorize(
  app: TestClient,
  scope = 'apim:subscribe',
  user = adminCredentials(node),
): Promise<Callback> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const callback = await signIn(
    node,
    {
      response_type: 'code',
      client_id: app.client.client_id,
      redirect_uri: REDIRECT_URI,
      scope,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    },
    user,
  );
  expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
  expect(callback.searchParams.get('iss')).toBe(as.issuer);
  return { params: oauth.validateAuthResponse(as, app.client, callback, state), verifier };
}

async function redeem(
  app: TestClient,
  callback: Callback,
  verifier = callback.verifier,
  redirectUri = REDIRECT_URI,
) {
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    app.client,
    app.auth,
    callback.params,
    redirectUri,
    verifier,
    httpOptions(node),
  );
  return oauth.processAuthorizationCodeResponse(as, app.client, response);
}

describe('code flow with oauth4webapi', () => {
  it('issues tokens to a confidential client for the signed-in user', async () => {
    const callback = await authorize(confidential, 'apim:subscribe apim:admin');
    const tokens = await redeem(confidential, callback);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope?.split(' ').sort()).toEqual(['apim:admin', 'apim:subscribe']);
    expect(tokens.refresh_token).toBeDefined();
    const info = await introspect(node, as, confidential, tokens.access_token);
    expect(info).toMatchObject({ active: true, username: 'admin', client_id: confidential.client.client_id });
  });

  it('issues tokens to a public client that proves PKCE, and refreshes them', async () => {
    const tokens = await redeem(spa, await authorize(spa));
    expect(tokens.scope).toBe('apim:subscribe');
    const response = await oauth.refreshTokenGrantRequest(
      as,
      spa.client,
      spa.auth,
      tokens.refresh_token as string,
      httpOptions(node),
    );
    expect((await oauth.processRefreshTokenResponse(as, spa.client, response)).scope).toBe('apim:subscribe');
  });

  it('keeps only the requested scopes the user holds', async () => {
    const tokens = await redeem(
      confidential,
      await authorize(confidential, 'apim:subscribe apim:admin', subscriber),
    );
    expect(tokens.scope).toBe('apim:subscribe');
    const none = await redeem(confidential, await authorize(confidential, 'apim:admin', subscriber));
    expect(none.scope).toBe('default');
  });

  it('refuses a wrong code_verifier with invalid_grant', async () => {
    const callback = await authorize(spa);
    const error = await rejection(redeem(spa, callback, oauth.generateRandomCodeVerifier()));
    expect(error.error).toBe('invalid_grant');
  });

  it('refuses a missing code_verifier for a code bound to a challenge', async () => {
    const callback = await authorize(confidential);
    const response = await postForm(
      node,
      '/oauth2/token',
      {
        grant_type: 'authorization_code',
        code: callback.params.get('code') as string,
        redirect_uri: REDIRECT_URI,
      },
      {
        authorization: basicAuth(confidential.client.client_id, confidential.secret as string),
      },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a redirect_uri other than the one of the authorization request', async () => {
    const callback = await authorize(confidential);
    const error = await rejection(
      redeem(confidential, callback, callback.verifier, 'https://app.example.test/other'),
    );
    expect(error.error).toBe('invalid_grant');
  });

  it('refuses the code of another client', async () => {
    const callback = await authorize(confidential);
    const other = await registerClient(node);
    const error = await rejection(redeem(other, callback));
    expect(error.error).toBe('invalid_grant');
  });

  it('refuses a reused code and revokes the tokens issued from its first use (§4.1.2)', async () => {
    const callback = await authorize(confidential);
    const tokens = await redeem(confidential, callback);
    expect((await introspect(node, as, confidential, tokens.access_token)).active).toBe(true);
    const error = await rejection(redeem(confidential, callback));
    expect(error.error).toBe('invalid_grant');
    expect((await introspect(node, as, confidential, tokens.access_token)).active).toBe(false);
    expect((await introspect(node, as, confidential, tokens.refresh_token as string)).active).toBe(false);
    const refresh = await oauth.refreshTokenGrantRequest(
      as,
      confidential.client,
      confidential.auth,
      tokens.refresh_token as string,
      httpOptions(node),
    );
    expect((await rejection(oauth.processRefreshTokenResponse(as, confidential.client, refresh))).error).toBe(
      'invalid_grant',
    );
  });

  it('lets a confidential client skip PKCE', async () => {
    const state = oauth.generateRandomState();
    const callback = await signIn(
      node,
      { response_type: 'code', client_id: confidential.client.client_id, redirect_uri: REDIRECT_URI, state },
      adminCredentials(node),
    );
    const params = oauth.validateAuthResponse(as, confidential.client, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      confidential.client,
      confidential.auth,
      params,
      REDIRECT_URI,
      oauth.nopkce,
      httpOptions(node),
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, confidential.client, response);
    expect(tokens.scope).toBe('default');
  });

  it('redeems a code whose request omitted redirect_uri without redirect_uri (§4.1.3)', async () => {
    // §4.1.3: redirect_uri is REQUIRED at the token endpoint only "if the redirect_uri parameter was included
    // in the authorization request". The client has one registered URI, so it may omit it in both requests.
    const verifier = oauth.generateRandomCodeVerifier();
    const callback = await signIn(
      node,
      {
        response_type: 'code',
        client_id: spa.client.client_id,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      adminCredentials(node),
    );
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    const params = oauth.validateAuthResponse(as, spa.client, callback, oauth.expectNoState);
    const response = await postForm(node, '/oauth2/token', {
      grant_type: 'authorization_code',
      client_id: spa.client.client_id,
      code: params.get('code') as string,
      code_verifier: verifier,
    });
    expect(await response.json()).toMatchObject({ token_type: 'Bearer', scope: 'default' });
    expect(response.status).toBe(200);
  });
});

describe('code flow with openid-client', () => {
  it('runs discovery, the PKCE authorization request and the code exchange', async () => {
    const config = await client.discovery(
      issuerOf(node),
      confidential.client.client_id,
      confidential.secret,
      client.ClientSecretBasic(),
      { [client.customFetch]: node.fetch },
    );
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'apim:api_view',
      state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    expect(url.origin + url.pathname).toBe(`${node.baseUrl}/oauth2/authorize`);
    const callback = await signIn(node, Object.fromEntries(url.searchParams), adminCredentials(node));
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.scope).toBe('apim:api_view');
    expect(tokens.refresh_token).toBeDefined();
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(refreshed.scope).toBe('apim:api_view');
  });

  it('serves a public client (token_endpoint_auth_method none)', async () => {
    const config = await client.discovery(issuerOf(node), spa.client.client_id, undefined, client.None(), {
      [client.customFetch]: node.fetch,
    });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const callback = await signIn(node, Object.fromEntries(url.searchParams), subscriber);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.scope).toBe('default');
    await expect(
      client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
