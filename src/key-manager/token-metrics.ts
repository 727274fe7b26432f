/** The Key Manager's figures for the node's /metrics: tokens issued, refused and revoked. */
import { Counter, type Registry } from 'prom-client';
import type { TokensRevoked } from '../events/key-manager-events.js';
import type { GrantType, TokenFormat } from './oauth/clients.js';

export class TokenMetrics {
  readonly #issued: Counter<'grant_type' | 'token_format'>;
  readonly #errors: Counter<'error'>;
  readonly #revoked: Counter<'reason'>;

  constructor(registry: Registry) {
    this.#issued = new Counter({
      name: 'portcullis_oauth_tokens_issued_total',
      help: 'Access tokens issued at /oauth2/token, by grant type and token format (JWT or OPAQUE).',
      labelNames: ['grant_type', 'token_format'] as const,
      registers: [registry],
    });
    this.#errors = new Counter({
      name: 'portcullis_oauth_token_errors_total',
      help: 'Token requests refused, by the OAuth error returned (invalid_client, invalid_grant, …).',
      labelNames: ['error'] as const,
      registers: [registry],
    });
    this.#revoked = new Counter({
      name: 'portcullis_oauth_tokens_revoked_total',
      help: 'Tokens revoked (by /oauth2/revoke, code or refresh token reuse, user or client changes), by reason.',
      labelNames: ['reason'] as const,
      registers: [registry],
    });
  }

  issued(grantType: GrantType, tokenFormat: TokenFormat): void {
    this.#issued.inc({ grant_type: grantType, token_format: tokenFormat });
  }

  /** `error` is the RFC 6749 §5.2 value sent, never the description: that may echo client input. */
  refused(error: string): void {
    this.#errors.inc({ error });
  }

  revoked(reason: TokensRevoked['reason'], count: number): void {
    this.#revoked.inc({ reason }, count);
  }
}
