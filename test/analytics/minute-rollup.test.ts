import { describe, expect, it } from 'vitest';
import { MinuteRollup, isThrottled, statusClassOf } from '../../src/analytics/minute-rollup.js';
import { requestEvent } from './request-event.js';

const NOON = Date.UTC(2030, 0, 1, 12, 0, 0);

describe('MinuteRollup', () => {
  it('adds up the events of a minute and dimensions in one cell', () => {
    const rollup = new MinuteRollup(100);
    rollup.add(requestEvent({ timestamp: NOON + 1000, latency: 10 }));
    rollup.add(requestEvent({ timestamp: NOON + 59_999, latency: 30, requestBytes: 5, responseBytes: 7 }));
    expect(rollup.size).toBe(1);
    const [cell] = rollup.take(Number.POSITIVE_INFINITY);
    expect(cell).toMatchObject({
      minute: NOON,
      apiId: 'api-1',
      apiName: 'PizzaShack',
      apiVersion: '1.0.0',
      apiContext: '/pizzashack/1.0.0',
      operation: 'GET /menu',
      applicationId: 'app-1',
      subscriptionPolicy: 'Gold',
      keyType: 'PRODUCTION',
      statusClass: '2xx',
      requests: 2,
      errors: 0,
      throttled: 0,
      requestBytes: 105,
      responseBytes: 1007,
    });
    expect(cell?.latency.total).toBe(2);
    expect(rollup.size).toBe(0);
  });

  it('keeps minutes, status classes and applications apart; no application or key type is empty', () => {
    const rollup = new MinuteRollup(100);
    rollup.add(requestEvent({ timestamp: NOON }));
    rollup.add(requestEvent({ timestamp: NOON + 60_000 }));
    rollup.add(requestEvent({ timestamp: NOON, status: 404 }));
    rollup.add(
      requestEvent({ timestamp: NOON, applicationId: null, keyType: null, subscriptionPolicy: null }),
    );
    const cells = rollup.take(Number.POSITIVE_INFINITY);
    expect(cells).toHaveLength(4);
    expect(cells.find((c) => c.applicationId === '')).toMatchObject({ keyType: '', subscriptionPolicy: '' });
    expect(cells.find((c) => c.statusClass === '4xx')).toMatchObject({ requests: 1, errors: 1 });
  });

  it('counts 4xx and 5xx as errors and throttle-outs as throttled', () => {
    const rollup = new MinuteRollup(100);
    for (const status of [200, 301, 401, 429, 500, 503]) rollup.add(requestEvent({ status }));
    rollup.add(requestEvent({ status: 503, errorCode: 900801 }));
    const cells = rollup.take(Number.POSITIVE_INFINITY);
    const sum = (key: 'requests' | 'errors' | 'throttled') => cells.reduce((n, c) => n + c[key], 0);
    expect(sum('requests')).toBe(7);
    expect(sum('errors')).toBe(5);
    expect(sum('throttled')).toBe(2);
  });

  it('takes only the minutes before the given time', () => {
    const rollup = new MinuteRollup(100);
    rollup.add(requestEvent({ timestamp: NOON }));
    rollup.add(requestEvent({ timestamp: NOON + 60_000 }));
    expect(rollup.take(NOON + 60_000).map((c) => c.minute)).toEqual([NOON]);
    expect(rollup.size).toBe(1);
  });

  it('drops and counts events beyond its bound of cells, but still adds to cells it has', () => {
    const rollup = new MinuteRollup(2);
    expect(rollup.add(requestEvent({ operation: 'GET /a' }))).toBe(true);
    expect(rollup.add(requestEvent({ operation: 'GET /b' }))).toBe(true);
    expect(rollup.add(requestEvent({ operation: 'GET /c' }))).toBe(false);
    expect(rollup.add(requestEvent({ operation: 'GET /a' }))).toBe(true);
    expect(rollup.dropped).toBe(1);
    expect(rollup.size).toBe(2);
  });

  it('restores cells that could not be written into those counted since', () => {
    const rollup = new MinuteRollup(100);
    rollup.add(requestEvent({ latency: 5 }));
    const taken = rollup.take(Number.POSITIVE_INFINITY);
    rollup.add(requestEvent({ latency: 50 }));
    rollup.restore(taken);
    const [cell] = rollup.take(Number.POSITIVE_INFINITY);
    expect(cell?.requests).toBe(2);
    expect(cell?.latency.total).toBe(2);
  });
});

describe('status classes and throttling', () => {
  it('names the class of a status', () => {
    expect([100, 200, 204, 302, 404, 429, 500, 599].map(statusClassOf)).toEqual([
      '1xx',
      '2xx',
      '2xx',
      '3xx',
      '4xx',
      '4xx',
      '5xx',
      '5xx',
    ]);
  });

  it("counts 429 and WSO2's throttle-out codes, not a deny policy's block", () => {
    expect(isThrottled({ status: 429, errorCode: 900800 })).toBe(true);
    expect(isThrottled({ status: 503, errorCode: 900801 })).toBe(true);
    expect(isThrottled({ status: 403, errorCode: 900805 })).toBe(false);
    expect(isThrottled({ status: 500, errorCode: null })).toBe(false);
  });
});
