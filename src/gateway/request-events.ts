/**
 * One event per request, for the Traffic Manager and analytics, published on `requests` in batches off the
 * request path: a bounded queue flushed every 200 ms or at 100 events. A full queue or a failed publish drops
 * events and counts them; it never blocks or fails a request.
 */
import type { EventHub } from '../events/hub.js';
import { REQUEST_BATCH, type RequestEvent } from '../events/request-event.js';
import { newEvent } from '../events/topics.js';
import type { Logger } from '../platform/logger.js';

const MAX_QUEUED = 10_000;
/** Events per REQUEST_BATCH: small enough that serialising one batch never stalls requests noticeably. */
export const REQUEST_BATCH_SIZE = 100;
const FLUSH_MS = 200;

export class RequestEvents {
  #queue: RequestEvent[] = [];
  #dropped = 0;
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> | undefined;

  constructor(
    private readonly hub: EventHub,
    private readonly logger: Logger,
    private readonly onDrop: (count: number) => void,
  ) {
    this.#timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.#timer.unref();
  }

  get dropped(): number {
    return this.#dropped;
  }

  push(event: RequestEvent): void {
    if (this.#queue.length >= MAX_QUEUED) {
      this.#drop(1);
      return;
    }
    this.#queue.push(event);
    if (this.#queue.length >= REQUEST_BATCH_SIZE) void this.flush();
  }

  /** Publishes what is queued, in batches; one flush at a time. */
  flush(): Promise<void> {
    this.#flushing ??= this.#publish().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  async #publish(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, REQUEST_BATCH_SIZE);
      try {
        await this.hub.publish('requests', newEvent(REQUEST_BATCH, { events: batch }));
      } catch (err) {
        this.#drop(batch.length);
        this.logger.warn({ err, dropped: batch.length }, 'could not publish request events; dropped');
        return;
      }
    }
  }

  #drop(count: number): void {
    this.#dropped += count;
    this.onDrop(count);
  }
}
