/**
 * Nothing secret reaches the log: the node logs at `trace` into memory while every kind of secret crosses
 * it — client secrets, passwords (right and wrong), access and refresh tokens, codes and PKCE verifiers —
 * in bodies, headers, query strings and error paths.
 */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REDIRECT_URI,
  UserAdmin,
  adminCredentials,
  basicAuth,
  clientCredentials,
  discover,
  httpOptions,
  introspect,
  passwordGrant,
  postForm,
  refreshGrant,
  registerClient,
  registrationRequest,
  revoke,
  uniqueName,
} from '../support/oauth-helpers.js';
import { openLoginPage, signIn, submitLogin } from '../support/oauth-login.js';
import { startTestNode, type TestNode } from '../support/node.js';

let node: TestNode;

beforeAll(async () => {
  node = await startTestNode({
    captureLogs: true,
    adminPassword: 'Admin-Secret-Password-0001',
    env: { PORTCULLIS_KEY_MANAGER__MAX_FAILED_LOGINS: '100' },
  });
});

afterAll(async () => {
  await node?.close();
});

describe('the log', () => {
  it('contains no secret after a tour of every endpoint', async () => {
    const secrets: Record<string, string> = { adminPassword: node.adminPassword };
    const as = await discover(node);
    const app = await registerClient(node);
    secrets.clientSecret = app.secret as string;
    const spa = await registerClient(node, { publicClient: true });

    // Password grant, refresh, introspection, revocation.
    const tokens = await passwordGrant(node, as, app, adminCredentials(node), 'apim:admin');
    secrets.accessToken = tokens.access_token;
    secrets.refreshToken = tokens.refresh_token as string;
    const refreshed = await refreshGrant(node, as, app, tokens.refresh_token as string);
    secrets.refreshedAccess = refreshed.access_token;
    secrets.refreshedRefresh = refreshed.refresh_token as string;
    await introspect(node, as, app, refreshed.access_token);
    const cc = await clientCredentials(node, as, app);
    secrets.ccToken = cc.access_token;
    await revoke(node, as, app, cc.access_token);

    // Users API with a bearer token: a new user, a password change.
    const users = await UserAdmin.create(node, as, app);
    secrets.userAdminToken = users.token;
    await users.add('log-user', 'Log-User-Password-0002', ['subscriber']);
    secrets.userPassword = 'Log-User-Password-0002';
    await users.update('log-user', { password: 'Log-User-Password-0003' });
    secrets.changedPassword = 'Log-User-Password-0003';

    // Authorization code with PKCE: code and state in the query string, verifier in the body.
    const verifier = oauth.generateRandomCodeVerifier();
    secrets.verifier = verifier;
    const callback = await signIn(
      node,
      {
        response_type: 'code',
        client_id: spa.client.client_id,
        redirect_uri: REDIRECT_URI,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      adminCredentials(node),
    );
    const params = oauth.validateAuthResponse(as, spa.client, callback, oauth.expectNoState);
    secrets.code = params.get('code') as string;
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      spa.client,
      spa.auth,
      params,
      REDIRECT_URI,
      verifier,
      httpOptions(node),
    );
    secrets.codeAccess = (
      await oauth.processAuthorizationCodeResponse(as, spa.client, response)
    ).access_token;
    // Reusing the code fails and revokes: an error path that knows the code.
    await postForm(node, '/oauth2/token', {
      grant_type: 'authorization_code',
      client_id: spa.client.client_id,
      code: secrets.code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });

    // Error paths that carry secrets: a mistyped password, a wrong client secret, wrong Basic at registration.
    secrets.typo = 'Admin-Secret-Password-0001x';
    await postForm(
      node,
      '/oauth2/token',
      { grant_type: 'password', username: 'admin', password: secrets.typo },
      { authorization: basicAuth(app.client.client_id, secrets.clientSecret) },
    );
    const page = await openLoginPage(node, {
      response_type: 'code',
      client_id: spa.client.client_id,
      redirect_uri: REDIRECT_URI,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    await submitLogin(node, page, { username: 'admin', password: secrets.typo });
    secrets.wrongClientSecret = 'Wrong-Client-Secret-0004';
    await postForm(node, '/oauth2/token', {
      grant_type: 'client_credentials',
      client_id: app.client.client_id,
      client_secret: secrets.wrongClientSecret,
    });
    await registrationRequest(
      node,
      { clientName: uniqueName() },
      { username: 'admin', password: secrets.typo },
    );
    // A request whose body cannot be parsed (logged as a server error today).
    await node.fetch(`${node.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: basicAuth(app.client.client_id, secrets.clientSecret),
      },
      body: `{"password":"${secrets.typo}",`,
    });

    const log = node.logs.join('');
    // The capture works: requests and failed logins are logged.
    expect(log).toContain('/oauth2/token');
    expect(log).toContain('failed login');
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length).toBeGreaterThanOrEqual(16);
      expect(log.includes(value), `${name} appears in the log`).toBe(false);
    }
    // Nor the HTTP Basic credentials that carried them.
    for (const pair of [
      `${app.client.client_id}:${secrets.clientSecret}`,
      `admin:${node.adminPassword}`,
      `admin:${secrets.typo}`,
    ]) {
      expect(log.includes(Buffer.from(pair).toString('base64')), `Basic ${pair}`).toBe(false);
    }
  });
});
