/**
 * Request events added up in memory per minute and per dimension (API, operation, application, subscription
 * tier, key type, status class) until they are written: one cell per combination seen, bounded in number so
 * that a database outage cannot exhaust memory.
 */
import type { RequestEvent } from '../events/request-event.js';
import { LatencyHistogram } from './latency-histogram.js';

export const MINUTE_MS = 60_000;

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** What a rollup row is about. A request without an application, tier or key type has '' there. */
export interface RollupDimensions {
  apiId: string;
  apiName: string;
  apiVersion: string;
  apiContext: string;
  operation: string;
  applicationId: string;
  subscriptionPolicy: string;
  keyType: string;
  statusClass: StatusClass;
}

export interface RollupCell extends RollupDimensions {
  /** Start of the minute, milliseconds since the epoch. */
  minute: number;
  requests: number;
  /** Answered 4xx or 5xx (throttled requests included). */
  errors: number;
  /** Rejected by a throttling limit: 429, or one of WSO2's throttling codes. */
  throttled: number;
  latency: LatencyHistogram;
  requestBytes: number;
  responseBytes: number;
}

/** WSO2's throttle-out codes (900805 is a deny policy's block, not a limit). */
const THROTTLE_CODES = new Set([900800, 900801, 900802, 900803, 900804, 900806, 900807]);

export function statusClassOf(status: number): StatusClass {
  const index = Math.min(Math.max(Math.floor(status / 100), 1), 5) - 1;
  return STATUS_CLASSES[index] ?? '5xx';
}

export function isThrottled(event: Pick<RequestEvent, 'status' | 'errorCode'>): boolean {
  return event.status === 429 || (event.errorCode !== null && THROTTLE_CODES.has(event.errorCode));
}

function dimensionsOf(event: RequestEvent): RollupDimensions {
  return {
    apiId: event.apiId,
    apiName: event.apiName,
    apiVersion: event.apiVersion,
    apiContext: event.apiContext,
    operation: event.operation,
    applicationId: event.applicationId ?? '',
    subscriptionPolicy: event.subscriptionPolicy ?? '',
    keyType: event.keyType ?? '',
    statusClass: statusClassOf(event.status),
  };
}

function keyOf(minute: number, d: RollupDimensions): string {
  return [
    minute,
    d.apiId,
    d.apiName,
    d.apiVersion,
    d.apiContext,
    d.operation,
    d.applicationId,
    d.subscriptionPolicy,
    d.keyType,
    d.statusClass,
  ].join('\u0000');
}

export class MinuteRollup {
  readonly #cells = new Map<string, RollupCell>();
  #dropped = 0;

  /** @param maxCells the most cells held; an event that would need one more is dropped and counted. */
  constructor(private readonly maxCells: number) {}

  get size(): number {
    return this.#cells.size;
  }

  /** Events dropped so far because the cells were at their bound. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Counts the event; false when it was dropped. */
  add(event: RequestEvent): boolean {
    const minute = Math.floor(event.timestamp / MINUTE_MS) * MINUTE_MS;
    const dimensions = dimensionsOf(event);
    const cell = this.#cellFor(minute, dimensions);
    if (!cell) {
      this.#dropped++;
      return false;
    }
    cell.requests++;
    if (event.status >= 400) cell.errors++;
    if (isThrottled(event)) cell.throttled++;
    cell.latency.add(event.latency);
    cell.requestBytes += event.requestBytes;
    cell.responseBytes += event.responseBytes;
    return true;
  }

  /** Removes and returns the cells of the minutes that start before `before`. */
  take(before: number): RollupCell[] {
    const taken: RollupCell[] = [];
    for (const [key, cell] of this.#cells) {
      if (cell.minute < before) {
        taken.push(cell);
        this.#cells.delete(key);
      }
    }
    return taken;
  }

  /** Puts back cells that could not be written, adding them to any counted since; beyond the bound, drops. */
  restore(cells: readonly RollupCell[]): void {
    for (const cell of cells) {
      const into = this.#cellFor(cell.minute, cell);
      if (!into) {
        this.#dropped += cell.requests;
        continue;
      }
      into.requests += cell.requests;
      into.errors += cell.errors;
      into.throttled += cell.throttled;
      into.latency.merge(cell.latency);
      into.requestBytes += cell.requestBytes;
      into.responseBytes += cell.responseBytes;
    }
  }

  /** The cell of this minute and these dimensions, created empty if new; undefined at the bound. */
  #cellFor(minute: number, dimensions: RollupDimensions): RollupCell | undefined {
    const key = keyOf(minute, dimensions);
    const existing = this.#cells.get(key);
    if (existing) return existing;
    if (this.#cells.size >= this.maxCells) return undefined;
    const cell: RollupCell = {
      ...dimensions,
      minute,
      requests: 0,
      errors: 0,
      throttled: 0,
      latency: new LatencyHistogram(),
      requestBytes: 0,
      responseBytes: 0,
    };
    this.#cells.set(key, cell);
    return cell;
  }
}
