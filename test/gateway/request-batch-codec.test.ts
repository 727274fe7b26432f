/**
 * The request-batch codec between the data-plane thread and the node's thread: every field of every event
 * comes back as it went (nulls, both key types, fractions, a NaN-free JSON shape), each string is sent once,
 * and a batch the encoder did not make is refused with a message rather than read wrongly.
 */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { RequestEventSchema, type RequestEvent } from '../../src/events/request-event.js';
import { decodeRequestBatch, encodeRequestBatch } from '../../src/gateway/request-batch-codec.js';

const full: RequestEvent = {
  timestamp: 1_700_000_000_123,
  apiId: 'api-1',
  apiName: 'PizzaShack',
  apiVersion: '1.0.0',
  apiContext: '/pizzashack/1.0.0',
  operation: 'GET /menu/{id}',
  applicationId: 'app-1',
  subscriptionPolicy: 'Gold',
  applicationPolicy: '10PerMin',
  username: 'alice@carbon.super',
  keyType: 'PRODUCTION',
  status: 200,
  latency: 1.234_567,
  backendLatency: 0.875,
  requestBytes: 42,
  responseBytes: 1_048_576,
  clientIp: '203.0.113.7',
  errorCode: null,
  overQuota: false,
};
const sparse: RequestEvent = {
  ...full,
  timestamp: 1_700_000_000_124,
  apiName: 'Pizzä 🍕',
  operation: 'POST (no resource)',
  applicationId: null,
  subscriptionPolicy: null,
  applicationPolicy: null,
  username: null,
  keyType: null,
  status: 401,
  latency: 0,
  backendLatency: null,
  requestBytes: 0,
  responseBytes: 0,
  clientIp: '::1',
  errorCode: 900902,
};
const sandbox: RequestEvent = {
  ...full,
  timestamp: 1_700_000_000_125,
  apiId: '',
  keyType: 'SANDBOX',
  status: 429,
  errorCode: 900802,
  overQuota: true,
};

/** Through a real message port, as between the threads. */
function acrossPort(events: RequestEvent[]): RequestEvent[] {
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(encodeRequestBatch(events));
    const received = receiveMessageOnPort(port2);
    if (!received) throw new Error('nothing received');
    return decodeRequestBatch(received.message as ReturnType<typeof encodeRequestBatch>);
  } finally {
    port1.close();
  }
}

describe('request batch codec', () => {
  it('carries every field of every event unchanged, in order', () => {
    const events = [full, sparse, sandbox, { ...full, timestamp: full.timestamp + 10 }];
    const decoded = acrossPort(events);
    expect(decoded).toEqual(events);
    for (const event of decoded) {
      expect(Object.keys(event).sort()).toEqual(Object.keys(RequestEventSchema.properties).sort());
    }
  });

  it('carries an empty batch', () => {
    expect(acrossPort([])).toEqual([]);
  });

  it('lists each string once however many events hold it', () => {
    const events = Array.from({ length: 100 }, (_, i) => ({ ...full, timestamp: full.timestamp + i }));
    const { strings, numbers } = encodeRequestBatch(events);
    expect(new Set(strings).size).toBe(strings.length);
    expect(strings).toEqual(
      expect.arrayContaining(['api-1', 'PizzaShack', 'GET /menu/{id}', 'alice@carbon.super', '203.0.113.7']),
    );
    expect(strings.length).toBeLessThanOrEqual(11);
    expect(numbers.length % events.length).toBe(0);
  });

  it('refuses a batch it did not make, saying what is wrong', () => {
    const { strings, numbers } = encodeRequestBatch([full]);
    expect(() => decodeRequestBatch({ strings, numbers: numbers.subarray(1) })).toThrow(
      'a request batch holds 18 numbers, not a multiple of 19',
    );
    expect(() => decodeRequestBatch({ strings: strings.slice(0, 1), numbers })).toThrow(
      /^a request batch refers to string \d+, not in it$/,
    );
    const badKeyType = Float64Array.from(numbers);
    badKeyType[10] = 7;
    expect(() => decodeRequestBatch({ strings, numbers: badKeyType })).toThrow(
      'a request batch holds key type 7',
    );
  });
});
