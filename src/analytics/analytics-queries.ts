/**
 * Analytics over a time range, read from the minute rollups: totals, a zero-filled series of fixed buckets,
 * top APIs and applications, and counts by status class and key type. Percentiles come from the merged latency
 * histograms of the rows, so they hold over any range.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../store/tables.js';
import type {
  Analytics,
  AnalyticsRange,
  ByKeyType,
  ByStatusClass,
  LatencyPercentiles,
  TopApi,
  TopApplication,
} from './analytics-schemas.js';
import { LatencyHistogram } from './latency-histogram.js';
import { MINUTE_MS } from './minute-rollup.js';
import { RollupStore, type RollupFilter, type RollupRow } from './rollup-store.js';

const HOUR_MS = 60 * MINUTE_MS;
const TOP = 10;

/** How long each range is, and how wide its buckets (a few dozen to a few hundred points per chart). */
export const RANGES: Record<AnalyticsRange, { rangeMs: number; bucketMs: number }> = {
  '1h': { rangeMs: HOUR_MS, bucketMs: MINUTE_MS },
  '24h': { rangeMs: 24 * HOUR_MS, bucketMs: 15 * MINUTE_MS },
  '7d': { rangeMs: 7 * 24 * HOUR_MS, bucketMs: HOUR_MS },
  '30d': { rangeMs: 30 * 24 * HOUR_MS, bucketMs: 6 * HOUR_MS },
};

export interface TimeWindow {
  range: AnalyticsRange;
  from: number;
  to: number;
  bucketMs: number;
}

/** Whole buckets (aligned on the epoch) covering the range and ending with the one `now` is in. */
export function timeWindow(range: AnalyticsRange, now: number): TimeWindow {
  const { rangeMs, bucketMs } = RANGES[range];
  const to = Math.floor(now / bucketMs) * bucketMs + bucketMs;
  return { range, from: to - rangeMs, to, bucketMs };
}

interface Tally {
  requests: number;
  errors: number;
  throttled: number;
}

interface Bucket extends Tally {
  latency: LatencyHistogram;
}

const newBucket = (): Bucket => ({ requests: 0, errors: 0, throttled: 0, latency: new LatencyHistogram() });

function count(into: Tally, row: Tally): void {
  into.requests += row.requests;
  into.errors += row.errors;
  into.throttled += row.throttled;
}

/** Milliseconds to the hundredth. */
const rounded = (ms: number | null) => (ms === null ? null : Math.round(ms * 100) / 100);

function percentiles(histogram: LatencyHistogram): LatencyPercentiles {
  return {
    p50: rounded(histogram.percentile(0.5)),
    p95: rounded(histogram.percentile(0.95)),
    p99: rounded(histogram.percentile(0.99)),
  };
}

/** The largest first; ties by id, so that answers are stable. */
function top<T extends Tally & { id: string }>(tallies: Iterable<T>): T[] {
  return [...tallies]
    .sort((a, b) => b.requests - a.requests || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, TOP);
}

/** Adds the rows up; application names and owners are left null (the caller knows where to find them). */
export function summarize(rows: readonly RollupRow[], window: TimeWindow): Analytics {
  const total = newBucket();
  const buckets = Array.from({ length: (window.to - window.from) / window.bucketMs }, newBucket);
  const apis = new Map<string, TopApi>();
  const applications = new Map<string, TopApplication>();
  const byStatusClass: ByStatusClass = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  const byKeyType: ByKeyType = { PRODUCTION: 0, SANDBOX: 0, NONE: 0 };
  for (const row of rows) {
    const bucket = buckets[Math.floor((row.minute - window.from) / window.bucketMs)];
    if (!bucket) continue;
    count(total, row);
    total.latency.merge(row.latency);
    count(bucket, row);
    bucket.latency.merge(row.latency);
    const api = apis.get(row.apiId) ?? {
      id: row.apiId,
      name: row.apiName,
      version: row.apiVersion,
      requests: 0,
      errors: 0,
      throttled: 0,
    };
    apis.set(row.apiId, api);
    count(api, row);
    if (row.applicationId) {
      const application = applications.get(row.applicationId) ?? {
        id: row.applicationId,
        name: null,
        owner: null,
        requests: 0,
        errors: 0,
        throttled: 0,
      };
      applications.set(row.applicationId, application);
      count(application, row);
    }
    byStatusClass[row.statusClass] += row.requests;
    const keyType = row.keyType === 'PRODUCTION' || row.keyType === 'SANDBOX' ? row.keyType : 'NONE';
    byKeyType[keyType] += row.requests;
  }
  return {
    range: window.range,
    from: window.from,
    to: window.to,
    bucketSeconds: window.bucketMs / 1000,
    totals: {
      requests: total.requests,
      errors: total.errors,
      throttled: total.throttled,
      latency: percentiles(total.latency),
    },
    series: buckets.map((bucket, i) => ({
      time: window.from + i * window.bucketMs,
      requests: bucket.requests,
      errors: bucket.errors,
      throttled: bucket.throttled,
      ...percentiles(bucket.latency),
    })),
    topApis: top(apis.values()),
    topApplications: top(applications.values()),
    byStatusClass,
    byKeyType,
  };
}

export class AnalyticsQueries {
  readonly #store: RollupStore;

  constructor(private readonly db: Kysely<Tables>) {
    this.#store = new RollupStore(db);
  }

  /** One API's requests. */
  forApi(apiId: string, range: AnalyticsRange, now = Date.now()): Promise<Analytics> {
    return this.#query(range, now, { apiId });
  }

  /** One application's requests, over every API. */
  forApplication(applicationId: string, range: AnalyticsRange, now = Date.now()): Promise<Analytics> {
    return this.#query(range, now, { applicationId });
  }

  /** Every request. */
  overall(range: AnalyticsRange, now = Date.now()): Promise<Analytics> {
    return this.#query(range, now, {});
  }

  async #query(
    range: AnalyticsRange,
    now: number,
    filter: Omit<RollupFilter, 'from' | 'to'>,
  ): Promise<Analytics> {
    const window = timeWindow(range, now);
    const rows = await this.#store.rows({ ...filter, from: window.from, to: window.to });
    const analytics = summarize(rows, window);
    await this.#nameApplications(analytics.topApplications);
    return analytics;
  }

  async #nameApplications(applications: TopApplication[]): Promise<void> {
    if (applications.length === 0) return;
    const rows = await this.db
      .selectFrom('applications')
      .select(['id', 'name', 'owner'])
      .where(
        'id',
        'in',
        applications.map((a) => a.id),
      )
      .execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const application of applications) {
      const row = byId.get(application.id);
      application.name = row?.name ?? null;
      application.owner = row?.owner ?? null;
    }
  }
}
