/** POST /oauth2/revoke (RFC 7009). */
import type { App } from '../../platform/http-server.js';
import type { KeyManager } from '../key-manager.js';
import { authenticateClient } from './client-auth.js';
import { InvalidRequest, UnauthorizedClient } from '../oauth/errors.js';
import { postedForm } from '../oauth/form.js';

export function registerRevokeRoute(app: App, km: KeyManager): void {
  app.post('/oauth2/revoke', async (request, reply) => {
    const params = postedForm(request);
    // §2.1: the client authenticates as at the token endpoint (a public client by its client_id).
    const client = await authenticateClient(km, request, params);
    if (!params.token) throw new InvalidRequest('token is required');
    // §2.1: token_type_hint only speeds up the lookup; an unknown hint is ignored. We look up by token either way.
    const row = await km.tokens.find(params.token);
    if (row) {
      if (row.client_id !== client.clientId) {
        throw new UnauthorizedClient('the token was not issued to this client (RFC 7009 section 2.1)');
      }
      // §2.1: revoking a refresh token also invalidates the access tokens of the same grant.
      if (row.kind === 'refresh') await km.revocations.revokeFamily(row.family_id, 'revoked');
      else await km.revocations.revokeToken(row.id);
    }
    // §2.2: an invalid or unknown token is not an error.
    return reply.code(200).header('cache-control', 'no-store').send();
  });
}
