/**
 * Token endpoint error responses (RFC 6749 §5.2), sent with plain fetch so that every byte is ours:
 * status, `error` code, JSON body of exactly {error, error_description}, Cache-Control: no-store, and
 * WWW-Authenticate on invalid_client.
 */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  adminCredentials,
  basicAuth,
  discover,
  passwordGrant,
  postForm,
  registerClient,
  type TestClient,
} from '../support/oauth-helpers.js';

let node: TestNode;
let as: oauth.AuthorizationServer;
let app: TestClient;
let spa: TestClient;
let ccOnly: TestClient;
let basic: string;

beforeAll(async () => {
  // A small body limit, to reach the 413 case cheaply.
  node = await startTestNode({ env: { PORTCULLIS_HTTP__BODY_LIMIT: '4096' } });
  as = await discover(node);
  app = await registerClient(node);
  spa = await registerClient(node, {
    publicClient: true,
    grantType: 'password refresh_token authorization_code',
  });
  ccOnly = await registerClient(node, { grantType: 'client_credentials' });
  basic = basicAuth(app.client.client_id, app.secret as string);
});

afterAll(async () => {
  await node?.close();
});

/** Asserts an RFC 6749 §5.2 error response and returns its description. */
async function expectError(response: Response, status: number, error: string): Promise<string> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe('string');
  if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
  return body.error_description as string;
}

const post = (type: string, body: string) =>
  node.fetch(`${node.baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': type, authorization: basic },
    body,
  });

const token = (params: Record<string, string> | string, headers: Record<string, string> = {}) =>
  postForm(node, '/oauth2/token', params, headers);

describe('invalid_client (401, WWW-Authenticate)', () => {
  it('wrong secret with HTTP Basic', async () => {
    const response = await token(
      { grant_type: 'client_credentials' },
      { authorization: basicAuth(app.client.client_id, 'wrong') },
    );
    await expectError(response, 401, 'invalid_client');
  });

  it('wrong secret with client_secret in the body', async () => {
    const response = await token({
      grant_type: 'client_credentials',
      client_id: app.client.client_id,
      client_secret: 'wrong',
    });
    await expectError(response, 401, 'invalid_client');
  });

  it('unknown client with HTTP Basic and with client_secret, and nothing in the description tells which', async () => {
    const viaBasic = await expectError(
      await token({ grant_type: 'client_credentials' }, { authorization: basicAuth('no-such-client', 'x') }),
      401,
      'invalid_client',
    );
    const viaPost = await expectError(
      await token({ grant_type: 'client_credentials', client_id: 'no-such-client', client_secret: 'x' }),
      401,
      'invalid_client',
    );
    const wrongSecret = await expectError(
      await token(
        { grant_type: 'client_credentials' },
        { authorization: basicAuth(app.client.client_id, 'x') },
      ),
      401,
      'invalid_client',
    );
    expect(viaBasic).toBe(wrongSecret);
    expect(viaPost).toBe(wrongSecret);
    expect(viaBasic).not.toContain('no-such-client');
  });

  it('no client authentication at all, or a confidential client without its secret', async () => {
    await expectError(await token({ grant_type: 'client_credentials' }), 401, 'invalid_client');
    await expectError(
      await token({ grant_type: 'client_credentials', client_id: app.client.client_id }),
      401,
      'invalid_client',
    );
  });

  it('a public client presenting a secret, and malformed Basic credentials', async () => {
    await expectError(
      await token(
        { grant_type: 'password', username: 'admin', password: 'x' },
        { authorization: basicAuth(spa.client.client_id, 'secret') },
      ),
      401,
      'invalid_client',
    );
    const noColon = `Basic ${Buffer.from('no-colon').toString('base64')}`;
    await expectError(
      await token({ grant_type: 'client_credentials' }, { authorization: noColon }),
      401,
      'invalid_client',
    );
  });
});

describe('invalid_request (400)', () => {
  it('missing grant_type', async () => {
    await expectError(await token({}, { authorization: basic }), 400, 'invalid_request');
  });

  it('a repeated parameter (§3.1)', async () => {
    await expectError(
      await token('grant_type=client_credentials&scope=a&scope=b', { authorization: basic }),
      400,
      'invalid_request',
    );
    await expectError(
      await token('grant_type=client_credentials&grant_type=client_credentials', { authorization: basic }),
      400,
      'invalid_request',
    );
  });

  it('a JSON body, a text body, an unknown media type (§3.2: form-encoded only)', async () => {
    for (const [type, body] of [
      ['application/json', JSON.stringify({ grant_type: 'client_credentials' })],
      ['text/plain', 'grant_type=client_credentials'],
      ['application/xml', '<grant_type>client_credentials</grant_type>'],
    ] as const) {
      await expectError(await post(type, body), 400, 'invalid_request');
    }
  });

  it('a malformed JSON body is a bad request too, not a server error', async () => {
    await expectError(await post('application/json', '{"grant_type":'), 400, 'invalid_request');
  });

  it('more than one client authentication method (§2.3, §5.2)', async () => {
    const response = await token(
      {
        grant_type: 'client_credentials',
        client_id: app.client.client_id,
        client_secret: app.secret as string,
      },
      { authorization: basic },
    );
    await expectError(response, 400, 'invalid_request');
  });

  it('a client_id that differs from the Basic client', async () => {
    const response = await token(
      { grant_type: 'client_credentials', client_id: spa.client.client_id },
      { authorization: basic },
    );
    await expectError(response, 400, 'invalid_request');
  });

  it('a password grant without username', async () => {
    await expectError(
      await token({ grant_type: 'password', password: 'x' }, { authorization: basic }),
      400,
      'invalid_request',
    );
  });

  it('a body over the size limit (413)', async () => {
    const response = await token(
      { grant_type: 'client_credentials', scope: 'a'.repeat(5000) },
      { authorization: basic },
    );
    await expectError(response, 413, 'invalid_request');
  });
});

describe('unsupported_grant_type, unauthorized_client, invalid_scope, invalid_grant', () => {
  it('unsupported_grant_type for a grant the server does not know', async () => {
    for (const grant of ['implicit', 'urn:ietf:params:oauth:grant-type:device_code', 'CLIENT_CREDENTIALS']) {
      await expectError(
        await token({ grant_type: grant }, { authorization: basic }),
        400,
        'unsupported_grant_type',
      );
    }
  });

  it('unauthorized_client for a grant not registered for the client', async () => {
    const response = await token(
      { grant_type: 'password', username: 'admin', password: node.adminPassword },
      { authorization: basicAuth(ccOnly.client.client_id, ccOnly.secret as string) },
    );
    await expectError(response, 400, 'unauthorized_client');
  });

  it('unauthorized_client for client_credentials by a public client (§4.4)', async () => {
    const response = await token({ grant_type: 'client_credentials', client_id: spa.client.client_id });
    await expectError(response, 400, 'unauthorized_client');
  });

  it('invalid_scope for a malformed scope (§3.3)', async () => {
    for (const scope of ['a"b', 'a\\b', 'a  b', 'é']) {
      await expectError(
        await token({ grant_type: 'client_credentials', scope }, { authorization: basic }),
        400,
        'invalid_scope',
      );
    }
  });

  it('invalid_scope for a refresh asking more than the original grant (§6)', async () => {
    const tokens = await passwordGrant(node, as, app, adminCredentials(node), 'apim:subscribe');
    const response = await token(
      {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token as string,
        scope: 'apim:subscribe apim:admin',
      },
      { authorization: basic },
    );
    await expectError(response, 400, 'invalid_scope');
  });

  it('invalid_grant for a wrong password, an unknown user and an unknown code', async () => {
    const cases: Record<string, string>[] = [
      { grant_type: 'password', username: 'admin', password: 'wrong-password' },
      { grant_type: 'password', username: 'nobody-here', password: 'whatever-password' },
      {
        grant_type: 'authorization_code',
        code: 'no-such-code',
        redirect_uri: 'https://app.example.test/callback',
      },
    ];
    for (const params of cases) {
      await expectError(await token(params, { authorization: basic }), 400, 'invalid_grant');
    }
  });
});

describe('error_description (§5.2: only %x20-21 / %x23-5B / %x5D-7E)', () => {
  const ALLOWED = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;

  it.each([
    ['repeated parameter', 'grant_type=client_credentials&scope=a&scope=b', true],
    ['malformed scope', 'grant_type=client_credentials&scope=a%22b', true],
    ['client_credentials by a public client', 'grant_type=client_credentials&client_id=SPA', false],
    ['unknown grant type with a quote in it', 'grant_type=x%22%5Cy', true],
    ['missing grant_type', '', true],
  ])('%s', async (_name, body, withBasic) => {
    const response = await token(
      body.replace('SPA', spa.client.client_id),
      withBasic ? { authorization: basic } : {},
    );
    const description = ((await response.json()) as { error_description: string }).error_description;
    expect(description).toMatch(ALLOWED);
  });
});
