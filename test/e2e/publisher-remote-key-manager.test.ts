/**
 * A Publisher node on its own checks tokens against a remote Key Manager, over TLS verified against the
 * cluster CA: JWTs against the JWKS, opaque tokens by introspection with its node client.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import { basicAuth, uniqueName } from '../support/oauth-helpers.js';

let keyManager: TestNode;
let publisher: TestNode;
let jwtClient: { clientId: string; clientSecret: string };
let opaqueClient: { clientId: string; clientSecret: string };

async function register(tokenType: 'JWT' | 'OPAQUE') {
  const response = await keyManager.fetch(`${keyManager.baseUrl}/client-registration/v0.17/register`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: basicAuth('admin', keyManager.adminPassword),
    },
    body: JSON.stringify({
      clientName: uniqueName(tokenType),
      grantType: 'password client_credentials',
      tokenType,
    }),
  });
  return (await response.json()) as { clientId: string; clientSecret: string };
}

async function adminToken(client: { clientId: string; clientSecret: string }): Promise<string> {
  const response = await keyManager.fetch(`${keyManager.baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(client.clientId, client.clientSecret),
    },
    body: new URLSearchParams({
      grant_type: 'password',
      username: 'admin',
      password: keyManager.adminPassword,
      scope: 'apim:admin',
    }).toString(),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

const listPolicies = (token: string) =>
  publisher.fetch(`${publisher.baseUrl}/api/am/admin/v4/throttling/policies/application`, {
    headers: { authorization: `Bearer ${token}` },
  });

beforeAll(async () => {
  keyManager = await startTestNode({ env: { PORTCULLIS_NODE__PROFILE: 'key-manager' } });
  jwtClient = await register('JWT');
  opaqueClient = await register('OPAQUE');
  const certs = path.join(keyManager.dataDir, 'certs');
  publisher = await startTestNode({
    env: {
      PORTCULLIS_NODE__PROFILE: 'publisher',
      // One cluster CA: the publisher's certificate and trust come from the Key Manager's CA here.
      PORTCULLIS_HTTP__CERT_FILE: path.join(certs, 'node.pem'),
      PORTCULLIS_HTTP__KEY_FILE: path.join(certs, 'node-key.pem'),
      PORTCULLIS_HTTP__CA_FILE: path.join(certs, 'ca.pem'),
      PORTCULLIS_SERVICES__KEY_MANAGER_URL: keyManager.baseUrl,
      PORTCULLIS_SERVICES__NODE_CLIENT_ID: opaqueClient.clientId,
      PORTCULLIS_SERVICES__NODE_CLIENT_SECRET: opaqueClient.clientSecret,
    },
  });
});

afterAll(async () => {
  await publisher?.close();
  await keyManager?.close();
});

describe('a Publisher node with a remote Key Manager', () => {
  it('serves only its own component', async () => {
    expect((await publisher.fetch(`${publisher.baseUrl}/oauth2/jwks`)).status).toBe(404);
  });

  it('accepts a JWT verified against the remote JWKS', async () => {
    const response = await listPolicies(await adminToken(jwtClient));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { count: number }).count).toBeGreaterThanOrEqual(4);
  });

  it('accepts an opaque token by introspection, and refuses a made-up one', async () => {
    const token = await adminToken(opaqueClient);
    expect(token.split('.')).toHaveLength(1);
    expect((await listPolicies(token)).status).toBe(200);
    expect((await listPolicies('x'.repeat(43))).status).toBe(401);
  });
});
