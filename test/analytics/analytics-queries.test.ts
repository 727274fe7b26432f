/** Analytics over time ranges, on SQLite and PostgreSQL: series, totals, tops, percentiles over many rows. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AnalyticsQueries, RANGES, timeWindow } from '../../src/analytics/analytics-queries.js';
import { MinuteRollup } from '../../src/analytics/minute-rollup.js';
import { RollupStore } from '../../src/analytics/rollup-store.js';
import type { RequestEvent } from '../../src/events/request-event.js';
import { describeEachEngine } from '../support/engines.js';
import { requestEvent } from './request-event.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('timeWindow', () => {
  it.each([
    ['1h', 60, 60],
    ['24h', 900, 96],
    ['7d', 3600, 168],
    ['30d', 21_600, 120],
  ] as const)('%s: buckets of %i s, %i of them, ending with the current one', (range, seconds, points) => {
    const now = Date.UTC(2031, 4, 17, 13, 47, 12);
    const window = timeWindow(range, now);
    expect(window.bucketMs).toBe(seconds * 1000);
    expect((window.to - window.from) / window.bucketMs).toBe(points);
    expect(window.to - window.from).toBe(RANGES[range].rangeMs);
    expect(window.to % window.bucketMs).toBe(0);
    expect(now).toBeGreaterThanOrEqual(window.to - window.bucketMs);
    expect(now).toBeLessThan(window.to);
  });
});

describeEachEngine('AnalyticsQueries', (engine) => {
  const queries = () => new AnalyticsQueries(engine.database.db);
  /** Writes the events, each `writers` times over in separate rows, as several analytics nodes would. */
  async function written(events: RequestEvent[], writers = 1): Promise<void> {
    const store = new RollupStore(engine.database.db);
    for (let i = 0; i < writers; i++) {
      const rollup = new MinuteRollup(100_000);
      for (const event of events) rollup.add(event);
      await store.insert(rollup.take(Number.POSITIVE_INFINITY));
    }
  }
  /** Every test has days of its own, so that the overall queries see only its rows. */
  let tests = 0;
  const ownTime = () => Date.UTC(2035, 0, 1) + ++tests * 72 * HOUR;

  it('answers a zero-filled series of the range, and totals of what is in it', async () => {
    const apiId = randomUUID();
    const now = ownTime() + 30 * MINUTE + 5000;
    await written([
      requestEvent({ apiId, timestamp: now - 10 * MINUTE, latency: 20 }),
      requestEvent({ apiId, timestamp: now - 10 * MINUTE, latency: 40, status: 404 }),
      requestEvent({ apiId, timestamp: now, status: 429, errorCode: 900804, latency: 1 }),
      // Outside the hour: not counted.
      requestEvent({ apiId, timestamp: now - 2 * HOUR }),
    ]);
    const analytics = await queries().forApi(apiId, '1h', now);
    expect(analytics).toMatchObject({ range: '1h', bucketSeconds: 60 });
    expect(analytics.series).toHaveLength(60);
    expect(analytics.series.map((p) => p.time)).toEqual(
      Array.from({ length: 60 }, (_, i) => analytics.from + i * MINUTE),
    );
    const busy = analytics.series.filter((p) => p.requests > 0);
    expect(busy).toHaveLength(2);
    expect(busy[0]).toMatchObject({ requests: 2, errors: 1, throttled: 0 });
    expect(busy[0]?.p50).toBeGreaterThan(15);
    expect(busy[0]?.p99).toBeLessThanOrEqual(40);
    expect(busy[1]).toMatchObject({ requests: 1, errors: 1, throttled: 1, time: analytics.to - MINUTE });
    const empty = analytics.series.find((p) => p.requests === 0);
    expect(empty).toMatchObject({ errors: 0, throttled: 0, p50: null, p95: null, p99: null });
    expect(analytics.totals).toMatchObject({ requests: 3, errors: 2, throttled: 1 });
    expect(analytics.byStatusClass).toEqual({ '1xx': 0, '2xx': 1, '3xx': 0, '4xx': 2, '5xx': 0 });
    expect(analytics.byKeyType).toEqual({ PRODUCTION: 3, SANDBOX: 0, NONE: 0 });
  });

  it('adds up partial rows of a minute and merges their histograms for the percentiles', async () => {
    const apiId = randomUUID();
    const now = ownTime();
    // 1..1000 ms spread over 50 minutes and 4 operations, written by two writers.
    const events = Array.from({ length: 1000 }, (_, i) =>
      requestEvent({
        apiId,
        timestamp: now - (i % 50) * MINUTE,
        operation: `GET /op${i % 4}`,
        latency: i + 1,
      }),
    );
    await written(events, 2);
    const { totals } = await queries().forApi(apiId, '1h', now);
    expect(totals.requests).toBe(2000);
    expect(totals.latency.p50).toBeCloseTo(500, -1);
    expect(totals.latency.p95).toBeCloseTo(950, -1);
    expect(totals.latency.p99).toBeCloseTo(990, -1);
  });

  it('ranks the top applications (named from the applications table) and APIs, ten at most', async () => {
    const now = ownTime();
    const apiIds = Array.from({ length: 12 }, () => randomUUID());
    const apps = Array.from({ length: 12 }, () => randomUUID());
    const events: RequestEvent[] = [];
    apiIds.forEach((apiId, i) => {
      for (let n = 0; n <= i; n++)
        events.push(
          requestEvent({ apiId, apiName: `api-${i}`, applicationId: apps[i] ?? null, timestamp: now }),
        );
    });
    events.push(requestEvent({ apiId: apiIds[0], applicationId: null, keyType: null, timestamp: now }));
    events.push(
      requestEvent({
        apiId: apiIds[0],
        applicationId: apps[0] ?? null,
        keyType: 'SANDBOX',
        status: 500,
        timestamp: now,
      }),
    );
    await written(events);
    // The biggest application exists; the others were deleted (or never stored here).
    await engine.database.db
      .insertInto('applications')
      .values({
        id: apps[11] as string,
        name: 'Biggest',
        owner: 'alice',
        throttling_policy: 'Unlimited',
        token_type: 'JWT',
        status: 'APPROVED',
        body: '{}',
        created_at: now,
        updated_at: now,
      })
      .execute();

    const analytics = await queries().overall('24h', now);
    expect(analytics.series).toHaveLength(96);
    expect(analytics.totals.requests).toBe(80);
    expect(analytics.topApis).toHaveLength(10);
    expect(analytics.topApis[0]).toEqual({
      id: apiIds[11],
      name: 'api-11',
      version: '1.0.0',
      requests: 12,
      errors: 0,
      throttled: 0,
    });
    expect(analytics.topApis.map((a) => a.requests)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    expect(analytics.topApplications).toHaveLength(10);
    expect(analytics.topApplications[0]).toEqual({
      id: apps[11],
      name: 'Biggest',
      owner: 'alice',
      requests: 12,
      errors: 0,
      throttled: 0,
    });
    expect(analytics.topApplications[1]).toMatchObject({ id: apps[10], name: null, owner: null });
    expect(analytics.byKeyType).toEqual({ PRODUCTION: 78, SANDBOX: 1, NONE: 1 });

    const ofApp = await queries().forApplication(apps[0] as string, '7d', now);
    expect(ofApp).toMatchObject({ range: '7d', bucketSeconds: 3600 });
    expect(ofApp.series).toHaveLength(168);
    expect(ofApp.totals).toMatchObject({ requests: 2, errors: 1 });
    expect(ofApp.topApis).toEqual([
      { id: apiIds[0], name: 'api-0', version: '1.0.0', requests: 2, errors: 1, throttled: 0 },
    ]);
    expect(ofApp.byStatusClass['5xx']).toBe(1);
  });

  it('answers an empty range with zeros and no percentiles', async () => {
    const analytics = await queries().forApi(randomUUID(), '30d', ownTime());
    expect(analytics.series).toHaveLength(120);
    expect(analytics.bucketSeconds).toBe(21_600);
    expect(analytics.totals).toEqual({
      requests: 0,
      errors: 0,
      throttled: 0,
      latency: { p50: null, p95: null, p99: null },
    });
    expect(analytics.topApis).toEqual([]);
    expect(analytics.topApplications).toEqual([]);
  });
});
