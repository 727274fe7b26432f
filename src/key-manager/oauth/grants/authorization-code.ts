/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5–4.6): the code is bound to the client, the redirect URI and the challenge. */
import { timingSafeEqual } from 'node:crypto';
import { InvalidGrant, InvalidRequest } from '../errors.js';
import type { Grant } from '../grant.js';
import { CODE_VERIFIER, s256 } from '../authorization-codes.js';
import { grantScopes } from '../../scopes.js';

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const authorizationCodeGrant: Grant = {
  type: 'authorization_code',
  parameters: ['code', 'redirect_uri', 'code_verifier'],
  allowsPublicClients: true,
  async handle({ client, params }, { users, tokens, codes, revocations }) {
    if (!params.code) throw new InvalidRequest('code is required');
    if (params.code_verifier !== undefined && !CODE_VERIFIER.test(params.code_verifier)) {
      throw new InvalidRequest(
        'code_verifier must be 43 to 128 unreserved characters (RFC 7636 section 4.1)',
      );
    }
    const redeemed = await codes.redeem(params.code, client.clientId);
    if (!redeemed) throw new InvalidGrant(undefined, 'unknown authorization code, or one of another client');
    const { row, firstUse } = redeemed;
    if (!firstUse) {
      await revocations.revokeFamily(row.family_id, 'code_reuse');
      throw new InvalidGrant(undefined, 'authorization code used twice: tokens issued from it revoked');
    }
    if (row.expires_at <= Date.now()) throw new InvalidGrant(undefined, 'expired authorization code');
    // §4.1.3: if the authorization request had a redirect_uri, this one must be present and identical.
    const redirectOk =
      row.redirect_uri === null
        ? params.redirect_uri === undefined || client.redirectUris.includes(params.redirect_uri)
        : params.redirect_uri === row.redirect_uri;
    if (!redirectOk) throw new InvalidGrant(undefined, 'redirect_uri mismatch');
    if (row.code_challenge) {
      if (!params.code_verifier) throw new InvalidGrant(undefined, 'code_verifier missing (PKCE)');
      if (!equal(s256(params.code_verifier), row.code_challenge)) {
        throw new InvalidGrant(undefined, 'code_verifier does not match the code_challenge');
      }
    } else if (params.code_verifier !== undefined) {
      throw new InvalidGrant(undefined, 'code_verifier sent for a code issued without code_challenge');
    }
    const roles = await users.activeRoles(row.username);
    if (!roles) throw new InvalidGrant(undefined, 'the user no longer exists or is disabled');
    return tokens.issue({
      client,
      username: row.username,
      roles,
      scope: grantScopes(row.scope ? row.scope.split(' ') : [], roles),
      familyId: row.family_id,
      withRefreshToken: client.grantTypes.includes('refresh_token'),
    });
  },
};
