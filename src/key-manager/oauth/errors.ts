/**
 * OAuth 2.0 errors (RFC 6749 §5.2, §4.1.2.1; RFC 7009 §2.2.1), one class per `error` value.
 * `error_description` tells the client what to fix; for credential failures it stays generic so that it
 * reveals nothing, and the specific reason goes to `detail` (logged, never sent).
 */
/** RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E (it may echo client input). */
const NOT_DESCRIPTION_CHARACTER = /[^\x20-\x21\x23-\x5B\x5D-\x7E]/g;

export abstract class OAuthError extends Error {
  abstract readonly error: string;
  readonly status: number = 400;
  /** The internal reason, for the log only. */
  readonly detail: string | undefined;

  constructor(description: string, detail?: string) {
    super(description);
    this.detail = detail;
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.message.replace(NOT_DESCRIPTION_CHARACTER, '?') };
  }
}

export class InvalidRequest extends OAuthError {
  readonly error = 'invalid_request';
}

/** An invalid request that is refused for its size (HTTP 413) before it is read. */
export class RequestTooLarge extends OAuthError {
  readonly error = 'invalid_request';
  override readonly status = 413;
}

/** RFC 6749 §5.2: 401 with WWW-Authenticate when the client tried HTTP Basic (we always send it). */
export class InvalidClient extends OAuthError {
  readonly error = 'invalid_client';
  override readonly status = 401;

  constructor(detail?: string) {
    super('client authentication failed', detail);
  }
}

export class InvalidGrant extends OAuthError {
  readonly error = 'invalid_grant';

  constructor(
    description = 'the grant is invalid, expired, revoked or was issued to another client',
    detail?: string,
  ) {
    super(description, detail);
  }
}

export class UnauthorizedClient extends OAuthError {
  readonly error = 'unauthorized_client';
}

export class UnsupportedGrantType extends OAuthError {
  readonly error = 'unsupported_grant_type';
}

export class InvalidScope extends OAuthError {
  readonly error = 'invalid_scope';
}

export class AccessDenied extends OAuthError {
  readonly error = 'access_denied';
}

/** OpenID Connect Core §3.1.2.6: prompt=none and the user has no session. */
export class LoginRequired extends OAuthError {
  readonly error = 'login_required';
}

export class UnsupportedResponseType extends OAuthError {
  readonly error = 'unsupported_response_type';
}

/** RFC 7009 §2.2.1. */
export class UnsupportedTokenType extends OAuthError {
  readonly error = 'unsupported_token_type';
}

/** Too many failed logins: RFC 6749 has no code for it; `temporarily_unavailable`-like 429 with Retry-After. */
export class SlowDown extends OAuthError {
  readonly error = 'slow_down';
  override readonly status = 429;
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super('too many failed logins; try again later');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
