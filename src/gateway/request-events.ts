/**
 * One event per request, for the Traffic Manager and analytics, published on `requests` in batches off the
 * request path: a bounded queue flushed every 200 ms or at 100 events. A full queue or a failed publish drops
 * events and counts them; it never blocks or fails a request.
 */
import { Type, type Static } from 'typebox';
import type { EventHub } from '../events/hub.js';
import { newEvent } from '../events/topics.js';
import type { Logger } from '../platform/logger.js';

export const REQUEST_BATCH = 'REQUEST_BATCH';

export const RequestEventSchema = Type.Object({
  timestamp: Type.Integer(),
  apiId: Type.String(),
  apiName: Type.String(),
  apiVersion: Type.String(),
  apiContext: Type.String(),
  /** `GET /menu/{id}`. */
  operation: Type.String(),
  applicationId: Type.Union([Type.String(), Type.Null()]),
  subscriptionPolicy: Type.Union([Type.String(), Type.Null()]),
  applicationPolicy: Type.Union([Type.String(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  keyType: Type.Union([Type.Literal('PRODUCTION'), Type.Literal('SANDBOX'), Type.Null()]),
  status: Type.Integer(),
  /** Milliseconds, whole request at the gateway. */
  latency: Type.Number(),
  /** Milliseconds from forwarding to the backend's response headers; null when not forwarded. */
  backendLatency: Type.Union([Type.Number(), Type.Null()]),
  requestBytes: Type.Integer(),
  responseBytes: Type.Integer(),
  clientIp: Type.String(),
  /** The WSO2 error code the gateway answered, when it answered an error itself. */
  errorCode: Type.Union([Type.Integer(), Type.Null()]),
  /** Over its subscription's quota and let through (a tier with stopOnQuotaReach=false): for billing. */
  overQuota: Type.Boolean(),
});
export type RequestEvent = Static<typeof RequestEventSchema>;

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
