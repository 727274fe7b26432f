/** Error responses of the OAuth endpoints: RFC 6749 §5.2 JSON, never cached, with the headers each error needs. */
import type { FastifyError, FastifyReply } from 'fastify';
import type { App } from '../../platform/http-server.js';
import { isDatabaseUnavailable } from '../../store/database.js';
import { InvalidClient, InvalidRequest, OAuthError, RequestTooLarge, SlowDown } from './errors.js';

export function sendOAuthError(reply: FastifyReply, error: OAuthError) {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  if (error instanceof InvalidClient)
    reply.header('www-authenticate', 'Basic realm="portcullis", charset="UTF-8"');
  if (error instanceof SlowDown) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.code(error.status).send(error.toBody());
}

function toOAuthError(error: FastifyError): OAuthError | undefined {
  if (error instanceof OAuthError) return error;
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new InvalidRequest('the body must be application/x-www-form-urlencoded');
  }
  // Whatever else Fastify refuses before the handler (bad JSON, bad length, …) is the client's mistake.
  if (error.statusCode === 413) return new RequestTooLarge('the request body is too large');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new InvalidRequest(error.message);
  }
  return undefined;
}

/** The RFC 6749 §5.2 `error` value the handler below answers an error with. */
export function oauthErrorValue(error: FastifyError): string {
  const oauthError = toOAuthError(error);
  if (oauthError) return oauthError.error;
  return isDatabaseUnavailable(error) ? 'temporarily_unavailable' : 'server_error';
}

/** Installs the OAuth error format on an encapsulated plugin scope. */
export function useOAuthErrors(app: App): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const oauthError = toOAuthError(error);
    if (oauthError) {
      if (oauthError.detail)
        request.log.info({ error: oauthError.error, detail: oauthError.detail }, 'oauth error');
      return sendOAuthError(reply, oauthError);
    }
    request.log.error({ err: error }, 'oauth endpoint failed');
    if (isDatabaseUnavailable(error)) {
      // RFC 6749 §4.1.2.1's temporarily_unavailable: the client may try again (another node may answer).
      return reply.code(503).header('cache-control', 'no-store').header('retry-after', '5').send({
        error: 'temporarily_unavailable',
        error_description: 'the database is not reachable; try again shortly',
      });
    }
    return reply
      .code(500)
      .header('cache-control', 'no-store')
      .send({ error: 'server_error', error_description: 'the server could not complete the request' });
  });
}
