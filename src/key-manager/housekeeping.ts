/**
 * Removes what can no longer matter: tokens and codes past their expiry, and old login-failure counts.
 * A revoked token is kept until it expires, so that introspection keeps answering "inactive" rather than
 * "unknown" — both are inactive, but the row also lets a later snapshot list it as revoked.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../platform/logger.js';
import type { Tables } from '../store/tables.js';

export async function purgeExpired(db: Kysely<Tables>, now = Date.now()): Promise<number> {
  const tokens = await db.deleteFrom('tokens').where('expires_at', '<', now).executeTakeFirst();
  await db.deleteFrom('authorization_codes').where('expires_at', '<', now).execute();
  await db
    .deleteFrom('login_failures')
    .where('first_failure_at', '<', now - 86400_000)
    .execute();
  return Number(tokens.numDeletedRows);
}

/** Runs `purgeExpired` every `intervalMs` until stopped; a failure is logged and retried next time. */
export function startHousekeeping(db: Kysely<Tables>, logger: Logger, intervalMs = 3600_000): () => void {
  const timer = setInterval(() => {
    purgeExpired(db)
      .then((count) => count > 0 && logger.info({ count }, 'purged expired tokens'))
      .catch((err: unknown) => logger.error({ err }, 'could not purge expired tokens'));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
