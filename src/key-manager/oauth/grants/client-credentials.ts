/** RFC 6749 §4.4: the client acts for itself; no refresh token (§4.4.3). */
import { InvalidScope } from '../errors.js';
import type { Grant } from '../grant.js';
import { grantScopes, parseScope } from '../../scopes.js';

export const clientCredentialsGrant: Grant = {
  type: 'client_credentials',
  parameters: ['scope'],
  allowsPublicClients: false,
  async handle({ client, params }, { users, tokens }) {
    const requested = parseScope(params.scope);
    if (!requested) throw new InvalidScope('scope is malformed (RFC 6749 section 3.3)');
    // Role-bound scopes come from the roles of the client's owner, as in WSO2.
    const roles = await users.activeRoles(client.owner);
    return tokens.issue({
      client,
      username: undefined,
      scope: grantScopes(requested, roles),
      withRefreshToken: false,
    });
  },
};
