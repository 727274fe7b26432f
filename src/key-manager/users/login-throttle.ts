/**
 * Failed-login throttling per user and per client IP, counted in the database so that every Key Manager
 * behind a load balancer shares the counts. A login attempt takes its slot *before* the password is checked,
 * with one atomic upsert per key, so parallel guesses cannot all slip past the limit; a successful login gives
 * the slot back. Within a window of `lockoutMs` from the first failure, at most `maxFailures` attempts fail;
 * further ones are refused until the window ends.
 */
import { sql, type Kysely } from 'kysely';
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

  /** Takes an attempt's slot on every key; returns 0 when allowed, else milliseconds until it may retry. */
  async attempt(keys: string[], now = Date.now()): Promise<number> {
    const windowStart = now - this.options.lockoutMs;
    let waitMs = 0;
    for (const key of keys) {
      const { rows } = await sql<{ failures: number; first_failure_at: number }>`
        insert into login_failures (key, failures, first_failure_at)
        values (${key}, 1, ${now})
        on conflict (key) do update set
          failures = case when login_failures.first_failure_at <= ${windowStart} then 1
                          else login_failures.failures + 1 end,
          first_failure_at = case when login_failures.first_failure_at <= ${windowStart} then ${now}
                                  else login_failures.first_failure_at end
        returning failures, first_failure_at`.execute(this.db);
      const row = rows[0];
      if (row && Number(row.failures) > this.options.maxFailures) {
        waitMs = Math.max(waitMs, Number(row.first_failure_at) + this.options.lockoutMs - now);
      }
    }
    return waitMs;
  }

  /**
   * A successful login clears the user's count and gives back its slot on the IP (the IP's earlier failures
   * stay: one good password must not unlock a password sprayer).
   */
  async succeeded(keys: string[]): Promise<void> {
    const [userKey, ipKey] = keys;
    if (userKey) await this.db.deleteFrom('login_failures').where('key', '=', userKey).execute();
    if (ipKey) {
      await this.db
        .updateTable('login_failures')
        .set((eb) => ({ failures: eb('failures', '-', 1) }))
        .where('key', '=', ipKey)
        .where('failures', '>', 0)
        .execute();
    }
  }
}
