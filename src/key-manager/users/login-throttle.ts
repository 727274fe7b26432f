/**
 * Failed-login throttling per user and per client IP, kept in the database so that every Key Manager
 * behind a load balancer sees the same counts. After `maxFailures` failures within the lockout period,
 * the user (or IP) is locked out for that period.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../store/tables.js';

export interface LoginThrottleOptions {
  maxFailures: number;
  lockoutMs: number;
}

export class LoginThrottle {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly options: LoginThrottleOptions,
  ) {}

  static keys(username: string, ip: string): string[] {
    return [`user:${username.toLowerCase()}`, `ip:${ip}`];
  }

  /** Milliseconds until the lockout of any of the keys ends; 0 when none is locked. */
  async lockedFor(keys: string[], now = Date.now()): Promise<number> {
    const rows = await this.db
      .selectFrom('login_failures')
      .select('locked_until')
      .where('key', 'in', keys)
      .execute();
    return Math.max(0, ...rows.map((r) => r.locked_until - now));
  }

  async recordFailure(keys: string[], now = Date.now()): Promise<void> {
    const { maxFailures, lockoutMs } = this.options;
    await this.db.transaction().execute(async (trx) => {
      for (const key of keys) {
        const row = await trx
          .selectFrom('login_failures')
          .selectAll()
          .where('key', '=', key)
          .executeTakeFirst();
        const fresh = !row || now - row.first_failure_at > lockoutMs;
        const failures = fresh ? 1 : row.failures + 1;
        const values = {
          failures,
          first_failure_at: fresh ? now : row.first_failure_at,
          locked_until: failures >= maxFailures ? now + lockoutMs : 0,
        };
        if (row) await trx.updateTable('login_failures').set(values).where('key', '=', key).execute();
        else
          await trx
            .insertInto('login_failures')
            .values({ key, ...values })
            .execute();
      }
    });
  }

  /** A successful login clears the user's count (not the IP's: one good password must not unlock a sprayer). */
  async recordSuccess(username: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('key', '=', `user:${username.toLowerCase()}`).execute();
  }
}
