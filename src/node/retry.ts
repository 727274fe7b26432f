/**
 * Waits for a dependency that may not be up yet (a node may start before its database or broker): retries
 * with exponential back-off, logging each failure, until the attempt succeeds or fails for a reason that
 * waiting cannot fix.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../platform/logger.js';

export interface RetryOptions {
  logger: Logger;
  /** First wait; doubles after each failure up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs: number;
  /** Errors that no retry can fix (a schema newer than this code): rethrown at once. */
  isFatal?: (err: unknown) => boolean;
}

export async function retryWithBackoff<T>(
  what: string,
  attempt: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  let delay = options.initialDelayMs ?? 500;
  for (let failures = 1; ; failures++) {
    try {
      const result = await attempt();
      if (failures > 1) options.logger.info({ attempts: failures }, `${what}: available`);
      return result;
    } catch (err) {
      if (options.isFatal?.(err)) throw err;
      options.logger.warn(
        { err, attempt: failures, retryInMs: delay },
        `${what}: not available yet; retrying (the node reports not ready until then)`,
      );
      await sleep(delay);
      delay = Math.min(delay * 2, options.maxDelayMs);
    }
  }
}
