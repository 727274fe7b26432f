/** POST /oauth2/introspect (RFC 7662). */
import { Type, type Static } from 'typebox';
import type { App } from '../../platform/http-server.js';
import type { KeyManager } from '../key-manager.js';
import { authenticateClient } from './client-auth.js';
import { InvalidClient, InvalidRequest } from '../oauth/errors.js';
import { postedForm } from '../oauth/form.js';

/** RFC 7662 §2.2. */
export const IntrospectionSchema = Type.Object({
  active: Type.Boolean(),
  scope: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  token_type: Type.Optional(Type.String()),
  exp: Type.Optional(Type.Integer()),
  iat: Type.Optional(Type.Integer()),
  sub: Type.Optional(Type.String()),
  aud: Type.Optional(Type.String()),
  iss: Type.Optional(Type.String()),
  jti: Type.Optional(Type.String()),
  /** Portcullis extension: the user's roles (what decides which APIs the Developer Portal shows them). */
  roles: Type.Optional(Type.Array(Type.String())),
});
export type Introspection = Static<typeof IntrospectionSchema>;

const INACTIVE: Introspection = { active: false };

export function registerIntrospectRoute(app: App, km: KeyManager): void {
  app.post('/oauth2/introspect', async (request, reply) => {
    const params = postedForm(request);
    const caller = await authenticateClient(km, request, params);
    // §2.1: the endpoint must be protected; a public client cannot prove who it is.
    if (caller.isPublic) throw new InvalidClient('a public client cannot introspect');
    if (!params.token) throw new InvalidRequest('token is required');
    reply.header('cache-control', 'no-store');
    const row = await km.tokens.find(params.token);
    // A rotated refresh token can no longer be used: it is inactive (RFC 7662 §2.2).
    if (!row || row.revoked === 1 || row.rotated_at !== null || row.expires_at <= Date.now()) return INACTIVE;
    // A client sees its own tokens; a client owned by an admin (a gateway's) sees every token.
    if (row.client_id !== caller.clientId) {
      const callerRoles = await km.users.activeRoles(caller.owner);
      if (!callerRoles?.includes('admin')) return INACTIVE;
    }
    const roles = row.username ? await km.users.activeRoles(row.username) : undefined;
    const body: Introspection = {
      active: true,
      scope: row.scope,
      client_id: row.client_id,
      token_type: row.kind === 'access' ? 'Bearer' : 'refresh_token',
      exp: Math.floor(row.expires_at / 1000),
      iat: Math.floor(row.issued_at / 1000),
      sub: row.username ?? row.client_id,
      aud: row.client_id,
      iss: km.issuer,
      ...(row.username ? { username: row.username } : {}),
      ...(roles ? { roles } : {}),
      ...(row.format === 'JWT' ? { jti: row.id } : {}),
    };
    return body;
  });
}
