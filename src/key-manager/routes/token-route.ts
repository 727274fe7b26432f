/** POST /oauth2/token (RFC 6749 §3.2). */
import type { FastifyError } from 'fastify';
import type { App } from '../../platform/http-server.js';
import type { KeyManager } from '../key-manager.js';
import { authenticateClient } from './client-auth.js';
import { oauthErrorValue } from '../oauth/error-handler.js';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../oauth/errors.js';
import { postedForm } from '../oauth/form.js';
import { GRANTS } from '../oauth/grants/index.js';

export function registerTokenRoute(app: App, km: KeyManager): void {
  // Refusals are counted by the onError hook: it sees those Fastify makes before the handler too (a body too
  // large, or not a form).
  const onError = (_request: unknown, _reply: unknown, error: FastifyError, done: () => void) => {
    km.metrics.refused(oauthErrorValue(error));
    done();
  };
  app.post('/oauth2/token', { onError }, async (request, reply) => {
    const params = postedForm(request);
    if (!params.grant_type) throw new InvalidRequest('grant_type is required');
    const grant = GRANTS.get(params.grant_type);
    if (!grant) throw new UnsupportedGrantType(`grant_type ${params.grant_type} is not supported`);
    const client = await authenticateClient(km, request, params);
    if (client.isPublic && !grant.allowsPublicClients) {
      throw new UnauthorizedClient(`a public client may not use ${grant.type} (RFC 6749 section 4.4)`);
    }
    if (!client.grantTypes.includes(grant.type)) {
      throw new UnauthorizedClient(`this client is not allowed the ${grant.type} grant`);
    }
    const declared = Object.fromEntries(grant.parameters.map((name) => [name, params[name]]));
    const response = await grant.handle({ client, params: declared, ip: request.ip }, km);
    km.metrics.issued(grant.type, client.tokenFormat);
    return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(response);
  });
}
