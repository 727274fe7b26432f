/** The rollup rows on SQLite and PostgreSQL: written, read back, pruned by age. */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { MinuteRollup } from '../../src/analytics/minute-rollup.js';
import { Retention } from '../../src/analytics/retention.js';
import { RollupStore } from '../../src/analytics/rollup-store.js';
import { describeEachEngine } from '../support/engines.js';
import { requestEvent } from './request-event.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

describeEachEngine('RollupStore', (engine) => {
  const store = () => new RollupStore(engine.database.db);

  it('writes cells and reads them back with their merged latency histograms', async () => {
    const apiId = randomUUID();
    const start = Date.UTC(2031, 0, 1, 12, 0);
    const rollup = new MinuteRollup(1000);
    for (let ms = 1; ms <= 1000; ms++) rollup.add(requestEvent({ apiId, timestamp: start, latency: ms }));
    rollup.add(requestEvent({ apiId, timestamp: start + MINUTE, status: 500, applicationId: null }));
    await store().insert(rollup.take(Number.POSITIVE_INFINITY));

    const rows = await store().rows({ apiId, from: start, to: start + 2 * MINUTE });
    expect(rows).toHaveLength(2);
    const first = rows.find((r) => r.minute === start);
    expect(first).toMatchObject({
      apiName: 'PizzaShack',
      apiVersion: '1.0.0',
      applicationId: 'app-1',
      keyType: 'PRODUCTION',
      statusClass: '2xx',
      requests: 1000,
      errors: 0,
    });
    expect(first?.latency.percentile(0.99)).toBeCloseTo(990, -1);
    expect(rows.find((r) => r.minute === start + MINUTE)).toMatchObject({
      applicationId: '',
      statusClass: '5xx',
      errors: 1,
    });
    const stored = await engine.database.db
      .selectFrom('analytics_minutes')
      .select(['latency_p50', 'latency_p95', 'latency_p99', 'request_bytes', 'response_bytes'])
      .where('api_id', '=', apiId)
      .where('minute', '=', start)
      .executeTakeFirstOrThrow();
    expect(stored.latency_p50).toBeCloseTo(500, -1);
    expect(stored.latency_p95).toBeCloseTo(950, -1);
    expect(stored.latency_p99).toBeCloseTo(990, -1);
    expect(Number(stored.request_bytes)).toBe(100_000);
    expect(Number(stored.response_bytes)).toBe(1_000_000);
  });

  it('keeps partial rows of the same minute apart (several writers only insert)', async () => {
    const apiId = randomUUID();
    const start = Date.UTC(2031, 0, 2);
    for (let i = 0; i < 2; i++) {
      const rollup = new MinuteRollup(10);
      rollup.add(requestEvent({ apiId, timestamp: start }));
      await store().insert(rollup.take(Number.POSITIVE_INFINITY));
    }
    const rows = await store().rows({ apiId, from: start, to: start + MINUTE });
    expect(rows.map((r) => r.requests)).toEqual([1, 1]);
  });

  it('inserts in batches and says how many rows each stored', async () => {
    const apiId = randomUUID();
    const start = Date.UTC(2031, 0, 3);
    const rollup = new MinuteRollup(2000);
    for (let i = 0; i < 1200; i++)
      rollup.add(requestEvent({ apiId, timestamp: start, operation: `GET /${i}` }));
    const batches: number[] = [];
    await store().insert(rollup.take(Number.POSITIVE_INFINITY), (count) => batches.push(count));
    expect(batches).toEqual([500, 500, 200]);
    expect(await store().rows({ apiId, from: start, to: start + MINUTE })).toHaveLength(1200);
  });

  it('filters by application and by time range (start inclusive, end exclusive)', async () => {
    const applicationId = randomUUID();
    const start = Date.UTC(2031, 0, 4);
    const rollup = new MinuteRollup(10);
    for (const minute of [0, 1, 2])
      rollup.add(requestEvent({ applicationId, timestamp: start + minute * MINUTE }));
    await store().insert(rollup.take(Number.POSITIVE_INFINITY));
    const rows = await store().rows({ applicationId, from: start + MINUTE, to: start + 2 * MINUTE });
    expect(rows.map((r) => r.minute)).toEqual([start + MINUTE]);
  });

  it('prunes the rows older than the retention, an hour per statement, and keeps the rest', async () => {
    // A time of its own, after every other test's rows, so that pruning it leaves theirs alone.
    const now = Date.UTC(2032, 5, 1);
    const apiId = randomUUID();
    const ages = [45 * DAY, 31 * DAY, 30 * DAY + 5 * 3600_000, 30 * DAY + MINUTE, 29 * DAY, 0];
    const rollup = new MinuteRollup(100);
    for (const age of ages) rollup.add(requestEvent({ apiId, timestamp: now - age }));
    await store().insert(rollup.take(Number.POSITIVE_INFINITY));
    const count = async () => (await store().rows({ apiId, from: now - 60 * DAY, to: now + MINUTE })).length;
    expect(await count()).toBe(6);

    const retention = new Retention(store(), 30, pino({ enabled: false }), () => now);
    expect(await retention.prune()).toBeGreaterThanOrEqual(4);
    expect(await count()).toBe(2);
    expect(await retention.prune()).toBe(0);
    await retention.close();
  });
});
