/** The calling client of a token, revocation or introspection request (RFC 6749 §2.3.1). */
import type { FastifyRequest } from 'fastify';
import type { KeyManager } from '../key-manager.js';
import type { Client } from '../oauth/clients.js';
import type { FormParams } from '../oauth/form.js';

export function authenticateClient(
  km: KeyManager,
  request: FastifyRequest,
  params: FormParams,
): Promise<Client> {
  return km.clients.authenticate({
    authorization: request.headers.authorization,
    clientId: params.client_id,
    clientSecret: params.client_secret,
  });
}
