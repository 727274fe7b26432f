/**
 * RFC 6749 §6 with rotation: each refresh returns a new refresh token and retires the old one. Presenting a
 * retired refresh token again means it leaked: the whole family (every token of that grant) is revoked
 * (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).
 */
import { InvalidGrant, InvalidRequest, InvalidScope } from '../errors.js';
import type { Grant } from '../grant.js';
import { grantScopes, parseScope } from '../../scopes.js';

export const refreshTokenGrant: Grant = {
  type: 'refresh_token',
  parameters: ['refresh_token', 'scope'],
  allowsPublicClients: true,
  async handle({ client, params }, { users, tokens, revocations }) {
    if (!params.refresh_token) throw new InvalidRequest('refresh_token is required');
    const row = await tokens.find(params.refresh_token);
    if (!row || row.kind !== 'refresh') throw new InvalidGrant(undefined, 'unknown refresh token');
    if (row.client_id !== client.clientId)
      throw new InvalidGrant(undefined, 'refresh token of another client');
    if (row.revoked === 1) throw new InvalidGrant(undefined, 'revoked refresh token');
    if (row.expires_at <= Date.now()) throw new InvalidGrant(undefined, 'expired refresh token');
    if (row.rotated_at !== null) {
      await revocations.revokeFamily(row.family_id, 'refresh_token_reuse');
      throw new InvalidGrant(undefined, 'reuse of a rotated refresh token: family revoked');
    }
    const original = row.scope.split(' ');
    const requested = parseScope(params.scope);
    if (!requested) throw new InvalidScope('scope is malformed (RFC 6749 section 3.3)');
    // §6: the new scope may narrow, never widen, what was granted.
    const wider = requested.filter((s) => !original.includes(s));
    if (wider.length > 0) throw new InvalidScope(`scope exceeds the original grant: ${wider.join(' ')}`);
    // Checked again atomically: two concurrent refreshes with one token are a reuse too.
    if (!(await tokens.markRotated(row.id))) {
      await revocations.revokeFamily(row.family_id, 'refresh_token_reuse');
      throw new InvalidGrant(undefined, 'reuse of a rotated refresh token: family revoked');
    }
    let scope = requested.length > 0 ? requested : original;
    let roles: readonly string[] | undefined;
    if (row.username) {
      roles = await users.activeRoles(row.username);
      if (!roles) throw new InvalidGrant(undefined, 'the user no longer exists or is disabled');
      scope = grantScopes(scope, roles);
    }
    return tokens.issue({
      client,
      username: row.username ?? undefined,
      ...(roles ? { roles } : {}),
      scope,
      // RFC 6749 §6: the new refresh token keeps the scope of the one it replaces, even if this refresh narrowed.
      refreshScope: original,
      familyId: row.family_id,
      withRefreshToken: true,
    });
  },
};
