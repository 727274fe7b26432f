/** Deletes rollups older than the retention, when the analytics node starts and every hour after. */
import type { Logger } from '../platform/logger.js';
import type { RollupStore } from './rollup-store.js';

const DAY_MS = 86_400_000;
const EVERY_MS = 3600_000;

export class Retention {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(
    private readonly store: RollupStore,
    private readonly retentionDays: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Prunes now (in the background) and hourly. */
  start(): void {
    void this.prune();
    this.#timer = setInterval(() => void this.prune(), EVERY_MS);
    this.#timer.unref();
  }

  /** Deletes the rows older than the retention; one pruning at a time. Resolves with how many went. */
  prune(): Promise<number> {
    this.#running ??= this.#prune().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Stops the timer and waits for a pruning under way. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  async #prune(): Promise<number> {
    const before = this.now() - this.retentionDays * DAY_MS;
    try {
      const deleted = await this.store.prune(before);
      if (deleted > 0)
        this.logger.info({ deleted, before: new Date(before).toISOString() }, 'old analytics rollups pruned');
      return deleted;
    } catch (err) {
      this.logger.warn({ err }, 'could not prune old analytics rollups; trying again in an hour');
      return 0;
    }
  }
}
