/**
 * The analytics consumer: adds the gateways' request events up per minute in memory and writes each minute
 * once it has ended (plus a grace for late events), and everything on close. Rows are only ever inserted, so
 * several writers (analytics nodes) and late events for a written minute are safe: queries add rows up.
 * A failed write keeps the cells in memory for the next attempt; the memory is bounded, and events beyond
 * it are dropped, counted and logged.
 */
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { HubEvent } from '../events/topics.js';
import { REQUEST_BATCH, RequestEventSchema } from '../events/request-event.js';
import type { Logger } from '../platform/logger.js';
import { MINUTE_MS, MinuteRollup } from './minute-rollup.js';
import type { RollupStore } from './rollup-store.js';

/** Compiled once: checked on every batch (the interpreted `Value.Check` cost about 30 µs per event). */
const RequestBatchValidator = Compile(Type.Object({ events: Type.Array(RequestEventSchema) }));

/** How often ended minutes are looked for. */
const TICK_MS = 5000;
/** Cells held in memory at most (each a few hundred bytes): minutes of a large deployment, or an outage. */
export const MAX_CELLS = 200_000;
/** Event ids remembered to drop a batch that a broker delivers twice (a publish retried after a reconnect). */
const RECENT_IDS = 10_000;

/** The last `size` ids seen. */
class RecentIds {
  readonly #ids = new Set<string>();
  readonly #order: string[] = [];
  #next = 0;

  constructor(private readonly size: number) {}

  /** True the first time an id is seen (among the last `size`). */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    const evicted = this.#order[this.#next];
    if (evicted !== undefined) this.#ids.delete(evicted);
    this.#order[this.#next] = id;
    this.#next = (this.#next + 1) % this.size;
    this.#ids.add(id);
    return true;
  }
}

/** Where the writer puts rollups: the RollupStore, or a fake in tests. */
export type RollupSink = Pick<RollupStore, 'insert'>;

export interface RollupWriterOptions {
  store: RollupSink;
  logger: Logger;
  /** How long after a minute ends it is written. */
  delayMs: number;
  maxCells?: number;
  now?: () => number;
}

export class RollupWriter {
  readonly #store: RollupSink;
  readonly #logger: Logger;
  readonly #delayMs: number;
  readonly #now: () => number;
  readonly #rollup: MinuteRollup;
  readonly #recent = new RecentIds(RECENT_IDS);
  #timer: NodeJS.Timeout | undefined;
  /** The writes, one after the other. */
  #writing: Promise<void> = Promise.resolve();
  #pending = 0;
  #invalid = 0;

  constructor(options: RollupWriterOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#delayMs = options.delayMs;
    this.#now = options.now ?? Date.now;
    this.#rollup = new MinuteRollup(options.maxCells ?? MAX_CELLS);
  }

  /** Events dropped because the memory bound was reached. */
  get dropped(): number {
    return this.#rollup.dropped;
  }

  /** Cells waiting to be written. */
  get buffered(): number {
    return this.#rollup.size;
  }

  /** Counts the request events of a REQUEST_BATCH; other events on the topic are not for analytics. */
  receive(event: HubEvent): void {
    if (event.type !== REQUEST_BATCH) return;
    if (!RequestBatchValidator.Check(event.payload)) {
      // Logged now and then, not per event: a misbehaving sender must not flood the log.
      if (this.#invalid++ % 1000 === 0)
        this.#logger.warn({ eventId: event.id, invalid: this.#invalid }, 'malformed request events ignored');
      return;
    }
    if (!this.#recent.add(event.id)) return;
    for (const request of event.payload.events) {
      if (!this.#rollup.add(request) && this.#rollup.dropped % 10_000 === 1) {
        this.#logger.error(
          { dropped: this.#rollup.dropped, buffered: this.#rollup.size },
          'analytics rollups are not being written fast enough: request events dropped',
        );
      }
    }
  }

  start(): void {
    this.#timer = setInterval(() => {
      if (this.#pending === 0) void this.flush();
    }, TICK_MS);
    this.#timer.unref();
  }

  /** Writes the minutes that ended `delayMs` ago or earlier; with `all`, every minute, the current one too. */
  flush(options: { all?: boolean } = {}): Promise<void> {
    this.#pending++;
    this.#writing = this.#writing
      .then(() => this.#write(options.all === true))
      .finally(() => this.#pending--);
    return this.#writing;
  }

  /** Stops the timer and writes everything; what cannot be written is logged as lost. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush({ all: true });
    if (this.#rollup.size > 0)
      this.#logger.error({ rows: this.#rollup.size }, 'analytics rollups lost at shutdown: not written');
  }

  async #write(all: boolean): Promise<void> {
    const before = all ? Number.POSITIVE_INFINITY : this.#now() - this.#delayMs - MINUTE_MS + 1;
    const cells = this.#rollup.take(before);
    if (cells.length === 0) return;
    let written = 0;
    try {
      await this.#store.insert(cells, (count) => (written += count));
    } catch (err) {
      const left = cells.slice(written);
      this.#rollup.restore(left);
      this.#logger.warn(
        { err, rows: left.length },
        'could not write analytics rollups; they are kept and written again',
      );
    }
  }
}
