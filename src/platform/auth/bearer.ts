/**
 * Bearer-token protection of REST routes (RFC 6750), with WSO2's codes: no token → 900902, a token that is
 * invalid, expired or revoked → 900901 (401 with `WWW-Authenticate`), a token without any of the route's
 * scopes → 900910 (403). How a token is checked is the caller's: the Key Manager looks it up, other
 * components verify it against the Key Manager.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

export interface BearerToken {
  username: string | undefined;
  clientId: string;
  scopes: ReadonlySet<string>;
  /** The user's roles, when the token says them (user tokens from the Key Manager do). */
  roles?: readonly string[];
}

/** Who acts: the user, or the client acting for itself (client_credentials). */
export function callerOf(token: BearerToken | undefined): string {
  if (!token) throw new Error('callerOf needs a route guarded by requireAnyScope');
  return token.username ?? token.clientId;
}

/** The facts of a valid access token, or undefined for any other token. */
export type BearerCheck = (token: string) => Promise<BearerToken | undefined>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's token, on routes protected by `requireAnyScope`. */
    bearer?: BearerToken;
  }
}

class BearerError extends ApiError {
  constructor(
    status: 401 | 403,
    code: number,
    readonly challenge: string,
    description: string,
  ) {
    super(status, code, status === 401 ? 'Unauthenticated' : 'Forbidden', description);
  }
}

/** RFC 6750 §2.1 b64token; RFC 7235 §2.1: the scheme name is case-insensitive. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

const REALM = 'Bearer realm="portcullis"';

async function authenticate(request: FastifyRequest, check: BearerCheck): Promise<BearerToken> {
  const match = BEARER.exec(request.headers.authorization ?? '');
  if (!match?.[1]) throw new BearerError(401, 900902, REALM, 'An OAuth2 bearer token is required.');
  const token = await check(match[1]);
  if (!token) {
    throw new BearerError(
      401,
      900901,
      `${REALM}, error="invalid_token"`,
      'The token is invalid, expired or revoked.',
    );
  }
  return token;
}

/** Sets the challenge of a bearer error on the reply, and passes every error on. */
function challenged(reply: FastifyReply, err: unknown): never {
  if (err instanceof BearerError) reply.header('www-authenticate', err.challenge);
  throw err;
}

export function requireAnyScope(check: BearerCheck, scopes: readonly string[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const token = await authenticate(request, check);
      if (!scopes.some((scope) => token.scopes.has(scope))) {
        throw new BearerError(
          403,
          900910,
          `${REALM}, error="insufficient_scope", scope="${scopes.join(' ')}"`,
          `The token lacks the scope this resource needs: one of ${scopes.join(', ')}.`,
        );
      }
      request.bearer = token;
    } catch (err) {
      challenged(reply, err);
    }
  };
}

/** For resources anyone may read (the Developer Portal's catalogue): a token, if sent, must be valid. */
export function optionalBearer(check: BearerCheck) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.headers.authorization === undefined) return;
    try {
      request.bearer = await authenticate(request, check);
    } catch (err) {
      challenged(reply, err);
    }
  };
}
