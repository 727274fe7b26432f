/** HTTP Basic authentication of a user (for WSO2's client registration), throttled like every login. */
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../platform/errors.js';
import type { UserView } from '../users/user-service.js';
import type { KeyManager } from '../key-manager.js';

export class BasicAuthRequired extends ApiError {
  constructor(description: string) {
    super(401, 900902, 'Unauthenticated', description);
  }
}

export async function authenticateBasicUser(km: KeyManager, request: FastifyRequest): Promise<UserView> {
  const header = request.headers.authorization ?? '';
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!match?.[1])
    throw new BasicAuthRequired('Send the user name and password with HTTP Basic authentication.');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new BasicAuthRequired('Malformed HTTP Basic credentials.');
  const user = await km.users.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1), request.ip);
  if (!user) throw new BasicAuthRequired('Wrong user name or password.');
  return user;
}
