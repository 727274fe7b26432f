/**
 * A batch of request events as it crosses from the data-plane thread to the node's thread. A structured
 * clone of the events writes every property name of every event, and the node's thread reads and hashes each
 * again: under load that was the largest cost of the node's thread (V8's ValueDeserializer, about a third of
 * its CPU). Here a batch is one Float64Array of FIELDS numbers per event, with its strings listed once (an
 * API's name, an application's id, a client's address recur in most events of a batch): a string field holds
 * the index of its string (-1 for null), a nullable number NaN for null (JSON cannot carry a NaN, so no event
 * holds one), a boolean 0 or 1.
 */
import type { RequestEvent } from '../events/request-event.js';

export interface RequestBatchWire {
  strings: string[];
  numbers: Float64Array;
}

/** Numbers per event. */
const FIELDS = 19;
const KEY_TYPES = [null, 'PRODUCTION', 'SANDBOX'] as const;

export function encodeRequestBatch(events: readonly RequestEvent[]): RequestBatchWire {
  const strings: string[] = [];
  const indexes = new Map<string, number>();
  const indexOf = (value: string | null): number => {
    if (value === null) return -1;
    let index = indexes.get(value);
    if (index === undefined) {
      index = strings.push(value) - 1;
      indexes.set(value, index);
    }
    return index;
  };
  const numbers = new Float64Array(events.length * FIELDS);
  let at = 0;
  for (const event of events) {
    numbers[at] = event.timestamp;
    numbers[at + 1] = indexOf(event.apiId);
    numbers[at + 2] = indexOf(event.apiName);
    numbers[at + 3] = indexOf(event.apiVersion);
    numbers[at + 4] = indexOf(event.apiContext);
    numbers[at + 5] = indexOf(event.operation);
    numbers[at + 6] = indexOf(event.applicationId);
    numbers[at + 7] = indexOf(event.subscriptionPolicy);
    numbers[at + 8] = indexOf(event.applicationPolicy);
    numbers[at + 9] = indexOf(event.username);
    numbers[at + 10] = KEY_TYPES.indexOf(event.keyType);
    numbers[at + 11] = event.status;
    numbers[at + 12] = event.latency;
    numbers[at + 13] = event.backendLatency ?? NaN;
    numbers[at + 14] = event.requestBytes;
    numbers[at + 15] = event.responseBytes;
    numbers[at + 16] = indexOf(event.clientIp);
    numbers[at + 17] = event.errorCode ?? NaN;
    numbers[at + 18] = event.overQuota ? 1 : 0;
    at += FIELDS;
  }
  return { strings, numbers };
}

/** The events of an encoded batch; throws on a batch that encodeRequestBatch did not make. */
export function decodeRequestBatch({ strings, numbers }: RequestBatchWire): RequestEvent[] {
  if (numbers.length % FIELDS !== 0) {
    throw new Error(`a request batch holds ${numbers.length} numbers, not a multiple of ${FIELDS}`);
  }
  const text = (at: number): string => {
    const value = strings[numbers[at] ?? -1];
    if (value === undefined) throw new Error(`a request batch refers to string ${numbers[at]}, not in it`);
    return value;
  };
  const textOrNull = (at: number): string | null => (numbers[at] === -1 ? null : text(at));
  const numberOrNull = (at: number): number | null => {
    const value = numbers[at] ?? NaN;
    return Number.isNaN(value) ? null : value;
  };
  const keyType = (at: number): RequestEvent['keyType'] => {
    const value = KEY_TYPES[numbers[at] ?? -1];
    if (value === undefined) throw new Error(`a request batch holds key type ${numbers[at]}`);
    return value;
  };
  const events: RequestEvent[] = [];
  for (let at = 0; at < numbers.length; at += FIELDS) {
    events.push({
      timestamp: numbers[at] ?? NaN,
      apiId: text(at + 1),
      apiName: text(at + 2),
      apiVersion: text(at + 3),
      apiContext: text(at + 4),
      operation: text(at + 5),
      applicationId: textOrNull(at + 6),
      subscriptionPolicy: textOrNull(at + 7),
      applicationPolicy: textOrNull(at + 8),
      username: textOrNull(at + 9),
      keyType: keyType(at + 10),
      status: numbers[at + 11] ?? NaN,
      latency: numbers[at + 12] ?? NaN,
      backendLatency: numberOrNull(at + 13),
      requestBytes: numbers[at + 14] ?? NaN,
      responseBytes: numbers[at + 15] ?? NaN,
      clientIp: text(at + 16),
      errorCode: numberOrNull(at + 17),
      overQuota: numbers[at + 18] === 1,
    });
  }
  return events;
}
