/**
 * GET /oauth2/jwks and the authorization server metadata (RFC 8414). The issuer has a path
 * (`/oauth2/token`, as in WSO2), so RFC 8414 §3 puts the metadata at
 * `/.well-known/oauth-authorization-server/oauth2/token`; OpenID-style clients look under
 * `<issuer>/.well-known/openid-configuration`, as WSO2 serves it. The bare well-known path is served too.
 */
import type { App } from '../../platform/http-server.js';
import type { KeyManager } from '../key-manager.js';
import { GRANT_TYPES } from '../oauth/clients.js';
import { MANAGEMENT_SCOPES } from '../scopes.js';

export function metadata(km: KeyManager) {
  const base = km.baseUrl;
  return {
    issuer: km.issuer,
    authorization_endpoint: `${base}/oauth2/authorize`,
    token_endpoint: `${base}/oauth2/token`,
    jwks_uri: `${base}/oauth2/jwks`,
    registration_endpoint: `${base}/client-registration/v0.17/register`,
    revocation_endpoint: `${base}/oauth2/revoke`,
    introspection_endpoint: `${base}/oauth2/introspect`,
    scopes_supported: MANAGEMENT_SCOPES,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [...GRANT_TYPES],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
  };
}

export function registerDiscoveryRoutes(app: App, km: KeyManager): void {
  app.get('/oauth2/jwks', async (_request, reply) => {
    const jwks = await km.keys.jwks();
    return reply.header('cache-control', 'public, max-age=300').send(jwks);
  });
  const document = metadata(km);
  const issuerPath = new URL(km.issuer).pathname.replace(/\/$/, '');
  const paths = new Set([
    '/.well-known/oauth-authorization-server',
    `/.well-known/oauth-authorization-server${issuerPath}`,
    `${issuerPath}/.well-known/openid-configuration`,
    '/oauth2/token/.well-known/openid-configuration',
  ]);
  for (const path of paths) {
    app.get(path, (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(document));
  }
}
