/** RFC 6749 §4.4: the client acts for itself; no refresh token (§4.4.3). */
import { InvalidClient, InvalidRequest, InvalidScope } from '../errors.js';
import type { Grant } from '../grant.js';
import { grantScopes, parseScope } from '../../scopes.js';

export const clientCredentialsGrant: Grant = {
  type: 'client_credentials',
  parameters: ['scope', 'validity_period'],
  allowsPublicClients: false,
  async handle({ client, params }, { users, tokens }) {
    const requested = parseScope(params.scope);
    // WSO2's extension: a client may ask for a token shorter-lived than its registration says.
    const validity = params.validity_period === undefined ? undefined : Number(params.validity_period);
    if (validity !== undefined && !(Number.isInteger(validity) && validity > 0)) {
      throw new InvalidRequest('validity_period must be a positive number of seconds');
    }
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
      ...(validity ? { validity } : {}),
    });
  },
};
