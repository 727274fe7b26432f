/** Credentials travel over TLS only (RFC 6749 section 3.1), unless a trusted TLS-terminating proxy says so. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import { basicAuth } from '../support/oauth-helpers.js';

const tokenOver = (base: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth('nobody', 'nothing'),
      ...headers,
    },
    body: 'grant_type=client_credentials',
  });

describe('by default', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => node?.close());

  it('refuses credentials on the plain-HTTP listener, with a reason', async () => {
    const response = await tokenOver(node.httpUrl.replace('localhost', '127.0.0.1'));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/only over HTTPS/),
    });
    const registration = await fetch(
      `${node.httpUrl.replace('localhost', '127.0.0.1')}/client-registration/v0.17/register`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: basicAuth('admin', node.adminPassword),
        },
        body: JSON.stringify({ clientName: 'over-http' }),
      },
    );
    expect(registration.status).toBe(403);
  });

  it('ignores X-Forwarded-Proto from a client that is not a trusted proxy', async () => {
    const response = await tokenOver(node.httpUrl.replace('localhost', '127.0.0.1'), {
      'x-forwarded-proto': 'https',
    });
    expect(response.status).toBe(400);
  });

  it('still serves discovery and health over HTTP', async () => {
    const base = node.httpUrl.replace('localhost', '127.0.0.1');
    expect((await fetch(`${base}/oauth2/jwks`)).status).toBe(200);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
  });
});

describe('behind a trusted TLS-terminating proxy', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode({ env: { PORTCULLIS_HTTP__TRUST_PROXY: '127.0.0.1' } });
  });
  afterAll(async () => node?.close());

  it('accepts what the proxy forwarded from HTTPS', async () => {
    const response = await tokenOver(node.httpUrl.replace('localhost', '127.0.0.1'), {
      'x-forwarded-proto': 'https',
    });
    // Past the transport check: the (unknown) client is now what fails.
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });
});

describe('with allow_plain_http', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode({ env: { PORTCULLIS_KEY_MANAGER__ALLOW_PLAIN_HTTP: 'true' } });
  });
  afterAll(async () => node?.close());

  it('accepts credentials over HTTP', async () => {
    const response = await tokenOver(node.httpUrl.replace('localhost', '127.0.0.1'));
    expect(response.status).toBe(401);
  });
});
