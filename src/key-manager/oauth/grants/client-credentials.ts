/** RFC 6749 §4.4: the client acts for itself; no refresh token (§4.4.3). */
import { InvalidClient, InvalidScope } from '../errors.js';
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
    // A client acts on its owner's behalf: a disabled owner's clients are disabled too.
    const roles = await users.activeRoles(client.owner);
    if (!roles) throw new InvalidClient(`the owner of client ${client.clientId} is disabled or deleted`);
    return tokens.issue({
      client,
      username: undefined,
      scope: grantScopes(requested, roles),
      withRefreshToken: false,
    });
  },
};
