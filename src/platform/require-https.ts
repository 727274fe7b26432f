/** Refuses requests that arrived over plain HTTP (behind a trusted proxy, as X-Forwarded-Proto says). */
import type { FastifyRequest } from 'fastify';

export function requireHttps(error: () => Error) {
  return async (request: FastifyRequest) => {
    if (request.protocol !== 'https') throw error();
  };
}
