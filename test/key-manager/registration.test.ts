/** WSO2-compatible dynamic client registration: POST /client-registration/v0.17/register with HTTP Basic. */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  ALL_GRANTS,
  REDIRECT_URI,
  UserAdmin,
  basicAuth,
  clientCredentials,
  discover,
  register,
  registerClient,
  registrationRequest,
  rejection,
  uniqueName,
  type Credentials,
  type TestClient,
} from '../support/oauth-helpers.js';

let node: TestNode;
let as: oauth.AuthorizationServer;
let subscriber: Credentials;

beforeAll(async () => {
  // Wrong credentials are sent on purpose; they must not lock out the shared client IP.
  node = await startTestNode({ env: { PORTCULLIS_KEY_MANAGER__MAX_FAILED_LOGINS: '100' } });
  as = await discover(node);
  const users = await UserAdmin.create(node, as, await registerClient(node));
  subscriber = await users.add('dcr-subscriber', 'dcr-subscriber-password', ['subscriber']);
});

afterAll(async () => {
  await node?.close();
});

/** Asserts a WSO2 error body {code, message, description, moreInfo, error[]}. */
async function expectWso2Error(response: Response, status: number): Promise<{ description: string }> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'description', 'error', 'message', 'moreInfo']);
  expect(typeof body.code).toBe('number');
  expect(typeof body.message).toBe('string');
  expect(typeof body.description).toBe('string');
  expect(typeof body.moreInfo).toBe('string');
  expect(Array.isArray(body.error)).toBe(true);
  return body as { description: string };
}

describe('registration', () => {
  it('answers in WSO2 shape with a fresh id and a 256-bit secret', async () => {
    const clientName = uniqueName('shape');
    const registration = await register(node, { clientName, grantType: ALL_GRANTS });
    expect(registration).toMatchObject({
      clientName,
      callBackURL: REDIRECT_URI,
      isSaasApplication: false,
      appOwner: 'admin',
    });
    expect(registration.clientId).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(registration.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(registration.jsonString)).toEqual({
      grant_types: ALL_GRANTS,
      redirect_uris: REDIRECT_URI,
      client_name: clientName,
    });
  });

  it('defaults to client_credentials password refresh_token, and no callback is needed then', async () => {
    const registration = await register(node, { grantType: undefined, callbackUrl: undefined });
    expect(JSON.parse(registration.jsonString).grant_types).toBe('client_credentials password refresh_token');
    expect(registration.callBackURL).toBeNull();
  });

  it('registers a public client without a secret', async () => {
    const registration = await register(node, { publicClient: true });
    expect(registration.clientSecret).toBeNull();
  });

  it('accepts http callbacks on loopback hosts only', async () => {
    for (const callbackUrl of ['http://localhost:8080/cb', 'http://127.0.0.1/cb', 'http://[::1]:3000/cb']) {
      expect((await register(node, { callbackUrl })).callBackURL).toBe(callbackUrl);
    }
  });

  it('re-registering the same name returns the same client with a new secret; the old one stops working', async () => {
    const clientName = uniqueName('again');
    const first = await registerClient(node, { clientName });
    await clientCredentials(node, as, first);
    const second = await registerClient(node, { clientName, grantType: 'client_credentials' });
    expect(second.registration.clientId).toBe(first.registration.clientId);
    expect(second.secret).not.toBe(first.secret);
    await expect(clientCredentials(node, as, first)).rejects.toBeInstanceOf(
      oauth.WWWAuthenticateChallengeError,
    );
    await clientCredentials(node, as, second);
    expect(JSON.parse(second.registration.jsonString).grant_types).toBe('client_credentials');
  });

  it('re-registering brings the token settings up to date, but never turns a client public', async () => {
    const clientName = uniqueName('settings');
    await registerClient(node, { clientName, grantType: 'client_credentials' });
    const updated = await registerClient(node, {
      clientName,
      grantType: 'client_credentials',
      tokenType: 'OPAQUE',
      accessTokenValidity: 90,
    });
    const tokens = await clientCredentials(node, as, updated);
    expect(tokens.expires_in).toBe(90);
    expect(tokens.access_token.split('.')).toHaveLength(1);
    const flipped = await registrationRequest(node, { clientName, publicClient: true });
    expect(flipped.status).toBe(409);
    expect((await expectWso2Error(flipped, 409)).description).toMatch(/confidential client/);
  });

  it('lets a user register for itself, and an admin for another owner', async () => {
    const own = await register(node, {}, subscriber);
    expect(own.appOwner).toBe(subscriber.username);
    const forOther = await register(node, { owner: subscriber.username });
    expect(forOther.appOwner).toBe(subscriber.username);
  });
});

describe('registration errors', () => {
  const body = () => ({ clientName: uniqueName('bad'), grantType: ALL_GRANTS, callbackUrl: REDIRECT_URI });

  it('401 without credentials, with a wrong password, or for an unknown user', async () => {
    await expectWso2Error(await registrationRequest(node, body(), null), 401);
    await expectWso2Error(
      await registrationRequest(node, body(), { username: 'admin', password: 'wrong-password' }),
      401,
    );
    await expectWso2Error(
      await registrationRequest(node, body(), { username: 'ghost', password: 'ghost-password' }),
      401,
    );
  });

  it('401 for a disabled user', async () => {
    const users = await UserAdmin.create(node, as, await registerClient(node));
    const user = await users.add('dcr-disabled', 'dcr-disabled-password', ['admin']);
    await users.update(user.username, { disabled: true });
    await expectWso2Error(await registrationRequest(node, body(), user), 401);
  });

  it('403 when a non-admin registers for another owner', async () => {
    const response = await registrationRequest(node, { ...body(), owner: 'admin' }, subscriber);
    await expectWso2Error(response, 403);
  });

  it.each([
    ['an unknown grant type', { grantType: 'client_credentials implicit' }],
    ['an http callback to a non-loopback host', { callbackUrl: 'http://app.example.test/callback' }],
    ['a callback with a fragment', { callbackUrl: `${REDIRECT_URI}#frag` }],
    ['a relative callback', { callbackUrl: '/callback' }],
    ['a javascript: callback', { callbackUrl: 'javascript:alert(1)' }],
    ['authorization_code without a callback', { grantType: 'authorization_code', callbackUrl: undefined }],
    ['no clientName', { clientName: undefined }],
    ['an empty clientName', { clientName: '' }],
    ['an unknown tokenType', { tokenType: 'SAML' }],
  ])('400 for %s', async (_name, change) => {
    const response = await registrationRequest(node, { ...body(), ...change });
    await expectWso2Error(response, 400);
  });

  it('400 for a body that is not JSON', async () => {
    const response = await node.fetch(`${node.baseUrl}/client-registration/v0.17/register`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: basicAuth('admin', node.adminPassword),
      },
      body: '{"clientName":',
    });
    await expectWso2Error(response, 400);
  });

  it('a client registered without a grant cannot use it', async () => {
    const ccOnly: TestClient = await registerClient(node, {
      grantType: 'client_credentials',
      callbackUrl: undefined,
    });
    const response = await oauth.genericTokenEndpointRequest(
      as,
      ccOnly.client,
      ccOnly.auth,
      'password',
      { username: 'admin', password: node.adminPassword },
      { [oauth.customFetch]: node.fetch },
    );
    const error = await rejection(oauth.processGenericTokenEndpointResponse(as, ccOnly.client, response));
    expect(error.error).toBe('unauthorized_client');
  });
});

describe('per-client validity', () => {
  it('issues tokens with the validity the client was registered with', async () => {
    const short = await registerClient(node, {
      grantType: 'client_credentials password refresh_token',
      accessTokenValidity: 120,
      refreshTokenValidity: 600,
    });
    const tokens = await clientCredentials(node, as, short);
    expect(tokens.expires_in).toBe(120);
    const response = await registrationRequest(node, { clientName: uniqueName(), accessTokenValidity: 0 });
    expect(response.status).toBe(400);
    const tooLong = await registrationRequest(node, {
      clientName: uniqueName(),
      accessTokenValidity: 31 * 86400,
    });
    expect((await expectWso2Error(tooLong, 400)).description).toMatch(/accessTokenValidity/);
  });
});
