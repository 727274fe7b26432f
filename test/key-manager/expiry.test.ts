/**
 * Lifetimes: with 2-second access tokens, refresh tokens and codes, each stops working once its time is up —
 * at introspection, at the admin API, for jose, and at the token endpoint.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  REDIRECT_URI,
  adminCredentials,
  discover,
  httpOptions,
  introspect,
  passwordGrant,
  refreshGrant,
  registerClient,
  rejection,
  type TestClient,
} from '../support/oauth-helpers.js';
import { signInWithPkce } from '../support/oauth-login.js';

const VALIDITY = 2;

let node: TestNode;
let as: oauth.AuthorizationServer;
let app: TestClient;

beforeAll(async () => {
  node = await startTestNode({
    env: {
      PORTCULLIS_KEY_MANAGER__ACCESS_TOKEN_VALIDITY: String(VALIDITY),
      PORTCULLIS_KEY_MANAGER__REFRESH_TOKEN_VALIDITY: String(VALIDITY),
      PORTCULLIS_KEY_MANAGER__AUTHORIZATION_CODE_VALIDITY: String(VALIDITY),
    },
  });
  as = await discover(node);
  app = await registerClient(node);
});

afterAll(async () => {
  await node?.close();
});

describe('expiry', () => {
  it('ends access tokens, refresh tokens and codes after their validity', async () => {
    const jwks = createLocalJWKSet(
      (await (await node.fetch(`${node.baseUrl}/oauth2/jwks`)).json()) as JSONWebKeySet,
    );
    const tokens = await passwordGrant(node, as, app, adminCredentials(node), 'apim:admin');
    expect(tokens.expires_in).toBe(VALIDITY);
    // `iat` is in whole seconds, so at least VALIDITY - 1 seconds are left: check at once.
    expect((await introspect(node, as, app, tokens.access_token)).active).toBe(true);
    await jwtVerify(tokens.access_token, jwks, { issuer: as.issuer });
    const fresh = await passwordGrant(node, as, app, adminCredentials(node), 'apim:admin');
    const { callback, verifier } = await signInWithPkce(node, app.client.client_id, adminCredentials(node));
    const params = oauth.validateAuthResponse(as, app.client, callback, oauth.expectNoState);

    await sleep(VALIDITY * 1000 + 300);

    expect(await introspect(node, as, app, tokens.access_token)).toEqual({ active: false });
    expect(await introspect(node, as, app, tokens.refresh_token as string)).toEqual({ active: false });
    await expect(jwtVerify(tokens.access_token, jwks, { issuer: as.issuer })).rejects.toBeInstanceOf(
      joseErrors.JWTExpired,
    );
    const admin = await node.fetch(`${node.baseUrl}/keymanager/v1/users`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(admin.status).toBe(401);
    expect((await rejection(refreshGrant(node, as, app, fresh.refresh_token as string))).error).toBe(
      'invalid_grant',
    );
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      app.client,
      app.auth,
      params,
      REDIRECT_URI,
      verifier,
      httpOptions(node),
    );
    expect((await rejection(oauth.processAuthorizationCodeResponse(as, app.client, response))).error).toBe(
      'invalid_grant',
    );
  });
});
