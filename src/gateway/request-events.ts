/**
 * One event per request, for the Traffic Manager and analytics, published on `requests` in batches off the
 * request path: a bounded queue flushed every 200 ms or at 250 events. A full queue or a failed publish drops
 * events and counts them; it never blocks or fails a request. In the data-plane thread a batch goes to the
 * node's thread (request-batch-codec.ts), which publishes it (`publishRequestBatch`).
 */
import type { EventHub } from '../events/hub.js';
import { REQUEST_BATCH, type RequestEvent } from '../events/request-event.js';
import { newEvent } from '../events/topics.js';
import type { Logger } from '../platform/logger.js';

const MAX_QUEUED = 10_000;
/**
 * Events per REQUEST_BATCH. Every batch costs the node's thread a message, an event and a dispatch: at 100 per
 * batch its thread spent 3.7–4.0 µs per request under load, at 250 2.9. Encoding a batch in the data-plane
 * thread takes 0.2–0.5 µs per event, so a batch holds the request path up for 0.1 ms at most.
 */
export const REQUEST_BATCH_SIZE = 250;
const FLUSH_MS = 200;

/** Publishes a batch, as one REQUEST_BATCH event on `requests`; rejects when the hub refuses it. */
export type PublishRequestBatch = (events: RequestEvent[]) => Promise<void>;

export const publishRequestBatch =
  (hub: EventHub): PublishRequestBatch =>
  (events) =>
    hub.publish('requests', newEvent(REQUEST_BATCH, { events }));

export class RequestEvents {
  #queue: RequestEvent[] = [];
  #dropped = 0;
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> | undefined;
  /** Events queued when flush() was last called that are still to go, in a batch of whatever size. */
  #owed = 0;

  constructor(
    private readonly publish: PublishRequestBatch,
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
    // A full batch goes at once; the rest waits for the timer. Under load, sending whatever had come in
    // while the last batch was on its way would mean batches of an event or two, each paying the whole
    // per-batch cost (a message between threads, an event id, a dispatch).
    if (this.#queue.length >= REQUEST_BATCH_SIZE) void this.#startFlush();
  }

  /** Publishes everything queued now, in batches (and full batches queued meanwhile); one flush at a time. */
  flush(): Promise<void> {
    this.#owed = this.#queue.length;
    return this.#startFlush();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    // A flush that was ending when called may leave events; the next round's own flush sends or drops at
    // least one batch, so this ends.
    do await this.flush();
    while (this.#queue.length > 0);
  }

  #startFlush(): Promise<void> {
    this.#flushing ??= this.#publishQueued().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  async #publishQueued(): Promise<void> {
    while (this.#queue.length >= REQUEST_BATCH_SIZE || (this.#owed > 0 && this.#queue.length > 0)) {
      const batch = this.#queue.splice(0, REQUEST_BATCH_SIZE);
      this.#owed = Math.max(0, this.#owed - batch.length);
      try {
        await this.publish(batch);
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
