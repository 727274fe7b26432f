/** Authorization server metadata (RFC 8414, OpenID-style path) and the JWKS, read by standards-strict clients. */
import { createLocalJWKSet, createRemoteJWKSet, customFetch as joseFetch, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  clientCredentials,
  discover,
  httpOptions,
  issuerOf,
  registerClient,
} from '../support/oauth-helpers.js';

let node: TestNode;

beforeAll(async () => {
  node = await startTestNode();
});

afterAll(async () => {
  await node?.close();
});

function expectMetadata(as: oauth.AuthorizationServer) {
  const base = node.baseUrl;
  expect(as.issuer).toBe(`${base}/oauth2/token`);
  expect(as.authorization_endpoint).toBe(`${base}/oauth2/authorize`);
  expect(as.token_endpoint).toBe(`${base}/oauth2/token`);
  expect(as.jwks_uri).toBe(`${base}/oauth2/jwks`);
  expect(as.revocation_endpoint).toBe(`${base}/oauth2/revoke`);
  expect(as.introspection_endpoint).toBe(`${base}/oauth2/introspect`);
  expect(as.registration_endpoint).toBe(`${base}/client-registration/v0.17/register`);
  expect(as.response_types_supported).toEqual(['code']);
  expect(as.code_challenge_methods_supported).toEqual(['S256']);
  expect(as.grant_types_supported).toEqual(
    expect.arrayContaining(['authorization_code', 'client_credentials', 'password', 'refresh_token']),
  );
  expect(as.token_endpoint_auth_methods_supported).toEqual(
    expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']),
  );
  // A public client cannot protect the introspection endpoint (RFC 7662 §2.1).
  expect(as.introspection_endpoint_auth_methods_supported).not.toContain('none');
  expect(as.authorization_response_iss_parameter_supported).toBe(true);
  expect(as.scopes_supported).toEqual(expect.arrayContaining(['apim:admin', 'apim:subscribe']));
}

describe('metadata with oauth4webapi', () => {
  it('is served at the RFC 8414 path-inserted location and its issuer matches', async () => {
    const issuer = issuerOf(node);
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...httpOptions(node) });
    expect(new URL(response.url).pathname).toBe('/.well-known/oauth-authorization-server/oauth2/token');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expectMetadata(await oauth.processDiscoveryResponse(issuer, response));
  });

  it('is served at the OpenID-style location under the issuer, with the same content', async () => {
    const issuer = issuerOf(node);
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...httpOptions(node) });
    expect(new URL(response.url).pathname).toBe('/oauth2/token/.well-known/openid-configuration');
    const oidc = await oauth.processDiscoveryResponse(issuer, response);
    expectMetadata(oidc);
    expect(oidc).toEqual(await discover(node));
  });

  it('is also served at the bare well-known path, and every copy may be cached', async () => {
    for (const path of [
      '/.well-known/oauth-authorization-server',
      '/.well-known/oauth-authorization-server/oauth2/token',
      '/oauth2/token/.well-known/openid-configuration',
    ]) {
      const response = await node.fetch(`${node.baseUrl}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cache-control'), path).toMatch(/max-age=\d+/);
      expect(((await response.json()) as { issuer: string }).issuer).toBe(issuerOf(node).href);
    }
  });

  it('is rejected by oauth4webapi when another issuer is expected (the issuer is really checked)', async () => {
    const other = new URL(`${node.baseUrl}/oauth2/other`);
    const response = await node.fetch(`${node.baseUrl}/.well-known/oauth-authorization-server/oauth2/token`);
    await expect(oauth.processDiscoveryResponse(other, response)).rejects.toMatchObject({
      code: oauth.JSON_ATTRIBUTE_COMPARISON,
    });
  });
});

describe('metadata with openid-client', () => {
  it('discovers by the OpenID-style path by default and by RFC 8414 with algorithm oauth2', async () => {
    const registered = await registerClient(node);
    for (const algorithm of ['oidc', 'oauth2'] as const) {
      const config = await client.discovery(
        issuerOf(node),
        registered.registration.clientId,
        registered.secret,
        client.ClientSecretBasic(),
        { algorithm, [client.customFetch]: node.fetch },
      );
      const metadata = config.serverMetadata();
      expect(metadata.issuer).toBe(issuerOf(node).href);
      expect(metadata.token_endpoint).toBe(`${node.baseUrl}/oauth2/token`);
      expect(metadata.supportsPKCE()).toBe(true);
      const tokens = await client.clientCredentialsGrant(config);
      expect(tokens.token_type).toBe('bearer');
    }
  });
});

describe('JWKS', () => {
  it('publishes only public signing keys, each with kid, alg and use=sig', async () => {
    const response = await node.fetch(`${node.baseUrl}/oauth2/jwks`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const jwks = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(typeof key.kid).toBe('string');
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])
        expect(key, secret).not.toHaveProperty(secret);
    }
    expect(new Set(jwks.keys.map((k) => k.kid)).size).toBe(jwks.keys.length);
    // The set loads as a local key set too.
    expect(typeof createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0])).toBe('function');
  });

  it('verifies an issued token through jose createRemoteJWKSet over verified TLS', async () => {
    const as = await discover(node);
    const registered = await registerClient(node);
    const tokens = await clientCredentials(node, as, registered);
    const jwks = createRemoteJWKSet(new URL(as.jwks_uri as string), { [joseFetch]: node.fetch });
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: as.issuer,
      audience: registered.registration.clientId,
      algorithms: ['ES256'],
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.client_id).toBe(registered.registration.clientId);
  });
});
