/**
 * Revoking tokens: marks them in the database, then tells every gateway on `tokenRevocation`.
 * The database is the truth; if the event cannot be published, nodes still learn it when they pull the list
 * of revoked tokens (at start and after each event-hub reconnection), so a publish failure is logged rather
 * than failing (or delaying) the caller.
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { EventHub } from '../events/hub.js';
import { TOKENS_REVOKED, type RevokedTokens, type TokensRevoked } from '../events/key-manager-events.js';
import { newEvent } from '../events/topics.js';
import type { Logger } from '../platform/logger.js';
import type { Tables } from '../store/tables.js';
import type { TokenMetrics } from './token-metrics.js';

type Selector =
  | { column: 'id' | 'family_id' | 'username' | 'client_id'; value: string }
  /** Tokens of a user, and those of the clients the user owns (their scopes come from the owner's roles). */
  | { column: 'owner'; value: string };

function matching(selector: Selector) {
  return (eb: ExpressionBuilder<Tables, 'tokens'>) => {
    if (selector.column !== 'owner') return eb(selector.column, '=', selector.value);
    const ownedClients = eb
      .selectFrom('oauth_clients')
      .select('client_id')
      .where('owner', '=', selector.value);
    return eb.or([eb('username', '=', selector.value), eb('client_id', 'in', ownedClients)]);
  };
}

export class Revocations {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly hub: EventHub,
    private readonly logger: Logger,
    private readonly metrics: TokenMetrics,
  ) {}

  revokeToken(id: string): Promise<void> {
    return this.#revoke({ column: 'id', value: id }, 'revoked');
  }

  /** Every token issued from one grant: on revocation of a refresh token, and on reuse of a code or refresh token. */
  revokeFamily(familyId: string, reason: TokensRevoked['reason']): Promise<void> {
    return this.#revoke({ column: 'family_id', value: familyId }, reason);
  }

  /**
   * Every token of a user, and of the clients the user owns: on deletion, disabling, a change of roles or
   * password. A client's client_credentials tokens carry role-bound scopes of its owner, so they go too.
   */
  revokeUser(username: string): Promise<void> {
    return this.#revoke({ column: 'owner', value: username }, 'user_changed', username);
  }

  /** Every token of a client: when its registration is deleted (an application's keys are removed). */
  revokeClient(clientId: string): Promise<void> {
    return this.#revoke({ column: 'client_id', value: clientId }, 'client_deleted');
  }

  /** Access tokens revoked and not yet expired: what a node that missed the events must still refuse. */
  async revokedAccessTokens(now = Date.now()): Promise<RevokedTokens['tokens']> {
    const rows = await this.db
      .selectFrom('tokens')
      .select(['id', 'expires_at'])
      .where('revoked', '=', 1)
      .where('expires_at', '>', now)
      .where('kind', '=', 'access')
      .execute();
    return rows.map((r) => ({ id: r.id, expiresAt: r.expires_at }));
  }

  async #revoke(selector: Selector, reason: TokensRevoked['reason'], username?: string): Promise<void> {
    const now = Date.now();
    const tokens = await this.db.transaction().execute(async (trx) => {
      const selected = matching(selector);
      const rows = await trx
        .selectFrom('tokens')
        .select(['id', 'expires_at'])
        .where(selected)
        .where('revoked', '=', 0)
        .where('expires_at', '>', now)
        .execute();
      await trx.updateTable('tokens').set({ revoked: 1 }).where(selected).where('revoked', '=', 0).execute();
      return rows.map((r) => ({ id: r.id, expiresAt: r.expires_at }));
    });
    if (tokens.length === 0) return;
    this.metrics.revoked(reason, tokens.length);
    const payload: TokensRevoked = { tokens, reason, ...(username ? { username } : {}) };
    // Not awaited: a broker outage must not hold up the caller, and the database already has the truth.
    void this.hub.publish('tokenRevocation', newEvent(TOKENS_REVOKED, payload)).catch((err: unknown) => {
      this.logger.error({ err, reason, count: tokens.length }, 'could not publish a token revocation event');
    });
  }
}
