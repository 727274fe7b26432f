/** Turns every error a route throws into WSO2's error body with the right status. Nothing is swallowed. */
import { STATUS_CODES } from 'node:http';
import type { FastifyError } from 'fastify';
import type { App } from './http-server.js';
import { isDatabaseUnavailable } from '../store/database.js';
import {
  ApiError,
  BadRequest,
  InternalError,
  NotFound,
  PayloadTooLarge,
  ServiceUnavailable,
  TooManyRequests,
} from './errors.js';

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) {
    const context = error.validationContext ?? 'request';
    return new BadRequest(
      `Invalid ${context}: ${error.message}`,
      error.validation.map((v) => ({
        code: '400',
        message: `${context}${v.instancePath.replaceAll('/', '.')}: ${v.message ?? 'invalid value'}`,
      })),
    );
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new PayloadTooLarge('The request body is too large.');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    const status = error.statusCode;
    return new ApiError(status, status, STATUS_CODES[status] ?? 'Bad Request', error.message);
  }
  if (isDatabaseUnavailable(error)) {
    return new ServiceUnavailable('The database is not reachable; try again shortly.');
  }
  return new InternalError();
}

export function registerErrorHandlers(app: App): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
    if (apiError instanceof TooManyRequests) reply.header('retry-after', String(apiError.retryAfterSeconds));
    if (apiError instanceof ServiceUnavailable) reply.header('retry-after', '5');
    return reply.code(apiError.status).send(apiError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new NotFound(`No resource at ${request.method} ${request.url.split('?')[0]}.`);
    return reply.code(404).send(error.toBody());
  });
}
