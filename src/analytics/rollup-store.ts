/** The rows of analytics_minutes: written by analytics nodes, read by the Publisher and Developer Portal. */
import type { Kysely } from 'kysely';
import type { AnalyticsMinutesTable, Tables } from '../store/tables.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { RollupCell, StatusClass } from './minute-rollup.js';

/** Rows per INSERT: well under SQLite's and PostgreSQL's limits on bound parameters. */
const INSERT_BATCH = 500;
/** How much time one DELETE of the pruning covers, so that no single statement holds the table for long. */
const PRUNE_BATCH_MS = 3600_000;

/** What the queries read of a row. */
export interface RollupRow {
  minute: number;
  apiId: string;
  apiName: string;
  apiVersion: string;
  applicationId: string;
  keyType: string;
  statusClass: StatusClass;
  requests: number;
  errors: number;
  throttled: number;
  latency: LatencyHistogram;
}

export interface RollupFilter {
  /** Start, inclusive (ms). */
  from: number;
  /** End, exclusive (ms). */
  to: number;
  apiId?: string;
  applicationId?: string;
}

function toRow(cell: RollupCell): AnalyticsMinutesTable {
  return {
    minute: cell.minute,
    api_id: cell.apiId,
    api_name: cell.apiName,
    api_version: cell.apiVersion,
    api_context: cell.apiContext,
    operation: cell.operation,
    application_id: cell.applicationId,
    subscription_policy: cell.subscriptionPolicy,
    key_type: cell.keyType,
    status_class: cell.statusClass,
    requests: cell.requests,
    errors: cell.errors,
    throttled: cell.throttled,
    latency_p50: cell.latency.percentile(0.5) ?? 0,
    latency_p95: cell.latency.percentile(0.95) ?? 0,
    latency_p99: cell.latency.percentile(0.99) ?? 0,
    latency_histogram: JSON.stringify(cell.latency),
    request_bytes: cell.requestBytes,
    response_bytes: cell.responseBytes,
  };
}

export class RollupStore {
  constructor(private readonly db: Kysely<Tables>) {}

  /**
   * Inserts the cells in batches; `onWritten` hears of each batch once it is stored, so that after a failure
   * the caller keeps only the cells that were not.
   */
  async insert(cells: readonly RollupCell[], onWritten: (count: number) => void = () => {}): Promise<void> {
    for (let i = 0; i < cells.length; i += INSERT_BATCH) {
      const batch = cells.slice(i, i + INSERT_BATCH);
      await this.db.insertInto('analytics_minutes').values(batch.map(toRow)).execute();
      onWritten(batch.length);
    }
  }

  /** Deletes the rows of minutes before `before`, an hour of data per statement; returns how many. */
  async prune(before: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const oldest = await this.db
        .selectFrom('analytics_minutes')
        .select((eb) => eb.fn.min('minute').as('minute'))
        .where('minute', '<', before)
        .executeTakeFirst();
      if (oldest?.minute === null || oldest?.minute === undefined) return deleted;
      const until = Math.min(before, Number(oldest.minute) + PRUNE_BATCH_MS);
      const result = await this.db
        .deleteFrom('analytics_minutes')
        .where('minute', '<', until)
        .executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
  }

  /** The rows of a time range, of one API or one application, or of all. */
  async rows(filter: RollupFilter): Promise<RollupRow[]> {
    let query = this.db
      .selectFrom('analytics_minutes')
      .select([
        'minute',
        'api_id',
        'api_name',
        'api_version',
        'application_id',
        'key_type',
        'status_class',
        'requests',
        'errors',
        'throttled',
        'latency_histogram',
      ])
      .where('minute', '>=', filter.from)
      .where('minute', '<', filter.to);
    if (filter.apiId !== undefined) query = query.where('api_id', '=', filter.apiId);
    if (filter.applicationId !== undefined) query = query.where('application_id', '=', filter.applicationId);
    const rows = await query.execute();
    return rows.map((row) => ({
      minute: Number(row.minute),
      apiId: row.api_id,
      apiName: row.api_name,
      apiVersion: row.api_version,
      applicationId: row.application_id,
      keyType: row.key_type,
      statusClass: row.status_class as StatusClass,
      requests: Number(row.requests),
      errors: Number(row.errors),
      throttled: Number(row.throttled),
      latency: LatencyHistogram.parse(row.latency_histogram),
    }));
  }
}
