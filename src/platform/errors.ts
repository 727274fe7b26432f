/**
 * The error catalogue of the REST APIs. Every error has a stable code, an HTTP status and a message;
 * the body follows WSO2's shape `{code, message, description, moreInfo, error[]}`.
 */
import { Type, type Static } from 'typebox';

/** WSO2's ErrorListItem: one problem, e.g. one invalid field (`code` is a string there). */
export const ErrorDetailSchema = Type.Object({
  code: Type.String(),
  message: Type.String(),
  description: Type.Optional(Type.String()),
});
export type ErrorDetail = Static<typeof ErrorDetailSchema>;

/** WSO2's Error object, the body of every 4xx and 5xx of the REST APIs. */
export const ErrorBodySchema = Type.Object({
  code: Type.Integer(),
  message: Type.String(),
  description: Type.String(),
  moreInfo: Type.String(),
  error: Type.Array(ErrorDetailSchema),
});
export type ErrorBody = Static<typeof ErrorBodySchema>;

export class ApiError extends Error {
  readonly code: number;
  readonly status: number;
  readonly description: string;
  readonly details: ErrorDetail[];

  constructor(
    status: number,
    code: number,
    message: string,
    description: string,
    details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.description = description;
    this.details = details;
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      description: this.description,
      moreInfo: '',
      error: this.details,
    };
  }
}

export class BadRequest extends ApiError {
  constructor(description: string, details: ErrorDetail[] = []) {
    super(400, 400, 'Bad Request', description, details);
  }
}

export class Unauthorized extends ApiError {
  constructor(description = 'The request has no valid credentials.') {
    super(401, 900902, 'Unauthenticated', description);
  }
}

export class Forbidden extends ApiError {
  constructor(description = 'The caller is not allowed to do this.') {
    super(403, 900910, 'Forbidden', description);
  }
}

export class NotFound extends ApiError {
  constructor(description: string) {
    super(404, 404, 'Not Found', description);
  }
}

export class Conflict extends ApiError {
  constructor(description: string) {
    super(409, 409, 'Conflict', description);
  }
}

export class PayloadTooLarge extends ApiError {
  constructor(description: string) {
    super(413, 413, 'Payload Too Large', description);
  }
}

export class TooManyRequests extends ApiError {
  readonly retryAfterSeconds: number;

  constructor(description: string, retryAfterSeconds: number) {
    super(429, 429, 'Too Many Requests', description);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class InternalError extends ApiError {
  constructor() {
    super(500, 500, 'Internal Server Error', 'The server could not complete the request; see its log.');
  }
}

export class ServiceUnavailable extends ApiError {
  constructor(description: string) {
    super(503, 503, 'Service Unavailable', description);
  }
}
