/**
 * Bearer-token protection of the Key Manager's own management routes (RFC 6750): a valid, unexpired,
 * unrevoked access token that carries the required scope.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../platform/errors.js';
import type { KeyManager } from '../key-manager.js';

class BearerError extends ApiError {
  constructor(
    status: 401 | 403,
    readonly challenge: string,
    description: string,
  ) {
    super(
      status,
      status === 401 ? 900901 : 900910,
      status === 401 ? 'Invalid Credentials' : 'Forbidden',
      description,
    );
  }
}

export function requireScope(km: KeyManager, scope: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      // RFC 7235 §2.1: the scheme name is case-insensitive.
      const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(request.headers.authorization ?? '');
      if (!match?.[1])
        throw new BearerError(401, 'Bearer realm="portcullis"', 'An OAuth2 bearer token is required.');
      const row = await km.tokens.find(match[1]);
      if (!row || row.kind !== 'access' || row.revoked === 1 || row.expires_at <= Date.now()) {
        throw new BearerError(
          401,
          'Bearer realm="portcullis", error="invalid_token"',
          'The token is invalid, expired or revoked.',
        );
      }
      if (!row.scope.split(' ').includes(scope)) {
        throw new BearerError(
          403,
          `Bearer realm="portcullis", error="insufficient_scope", scope="${scope}"`,
          `The token lacks the scope ${scope}.`,
        );
      }
    } catch (err) {
      if (err instanceof BearerError) reply.header('www-authenticate', err.challenge);
      throw err;
    }
  };
}
