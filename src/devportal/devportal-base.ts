/** What every Developer Portal route shares: its base path and who may do what (by scope). */
import type { FastifyRequest } from 'fastify';
import { optionalBearer, requireAnyScope, type BearerCheck } from '../platform/auth/bearer.js';
import { ApiError } from '../platform/errors.js';

export const DEVPORTAL_BASE = '/api/am/devportal/v3';

/**
 * Applications and subscriptions belong to users: a client acting for itself (client_credentials) has no
 * user, and its id must never be taken for one's name.
 */
async function requireUser(request: FastifyRequest): Promise<void> {
  if (request.bearer?.username === undefined) {
    throw new ApiError(
      403,
      900910,
      'Forbidden',
      "Applications and subscriptions belong to users: use a user's token (password or authorization_code grant).",
    );
  }
}

export function devportalGuards(check: BearerCheck) {
  return {
    /** The catalogue: anyone; a token, when sent, shows what its user may see. */
    browse: optionalBearer(check),
    applications: [requireAnyScope(check, ['apim:subscribe', 'apim:app_manage']), requireUser],
    subscriptions: [requireAnyScope(check, ['apim:subscribe', 'apim:sub_manage']), requireUser],
  };
}

export type DevportalGuards = ReturnType<typeof devportalGuards>;
