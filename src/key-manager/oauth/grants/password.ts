/** RFC 6749 §4.3: resource owner password credentials; the token carries only requested scopes the user holds. */
import { InvalidGrant, InvalidRequest, InvalidScope, SlowDown } from '../errors.js';
import type { Grant } from '../grant.js';
import { grantScopes, parseScope } from '../../scopes.js';
import { TooManyRequests } from '../../../platform/errors.js';

export const passwordGrant: Grant = {
  type: 'password',
  parameters: ['username', 'password', 'scope'],
  allowsPublicClients: true,
  async handle({ client, params, ip }, { users, tokens }) {
    const { username, password } = params;
    if (!username) throw new InvalidRequest('username is required');
    if (password === undefined) throw new InvalidRequest('password is required');
    const requested = parseScope(params.scope);
    if (!requested) throw new InvalidScope('scope is malformed (RFC 6749 section 3.3)');
    const user = await users.authenticate(username, password, ip).catch((err: unknown) => {
      if (err instanceof TooManyRequests) throw new SlowDown(err.retryAfterSeconds);
      throw err;
    });
    if (!user) throw new InvalidGrant('invalid username or password', `failed login for ${username}`);
    return tokens.issue({
      client,
      username: user.username,
      roles: user.roles,
      scope: grantScopes(requested, user.roles),
      withRefreshToken: client.grantTypes.includes('refresh_token'),
    });
  },
};
