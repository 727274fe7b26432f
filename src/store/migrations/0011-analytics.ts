/**
 * Request rollups per minute (docs/analytics.md). Rows are partial: several analytics nodes, or one writing a
 * late event, may each insert a row for the same minute and dimensions, so every query adds rows up. No key
 * is needed: rows are only inserted, read by API, application or time, and deleted by age.
 */
import type { Kysely, Migration } from 'kysely';

export const analyticsTables: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('analytics_minutes')
      .addColumn('minute', 'bigint', (c) => c.notNull())
      .addColumn('api_id', 'text', (c) => c.notNull())
      .addColumn('api_name', 'text', (c) => c.notNull())
      .addColumn('api_version', 'text', (c) => c.notNull())
      .addColumn('api_context', 'text', (c) => c.notNull())
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('application_id', 'text', (c) => c.notNull())
      .addColumn('subscription_policy', 'text', (c) => c.notNull())
      .addColumn('key_type', 'text', (c) => c.notNull())
      .addColumn('status_class', 'text', (c) => c.notNull())
      .addColumn('requests', 'bigint', (c) => c.notNull())
      .addColumn('errors', 'bigint', (c) => c.notNull())
      .addColumn('throttled', 'bigint', (c) => c.notNull())
      .addColumn('latency_p50', 'double precision', (c) => c.notNull())
      .addColumn('latency_p95', 'double precision', (c) => c.notNull())
      .addColumn('latency_p99', 'double precision', (c) => c.notNull())
      .addColumn('latency_histogram', 'text', (c) => c.notNull())
      .addColumn('request_bytes', 'bigint', (c) => c.notNull())
      .addColumn('response_bytes', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('analytics_minutes_api')
      .on('analytics_minutes')
      .columns(['api_id', 'minute'])
      .execute();
    await db.schema
      .createIndex('analytics_minutes_application')
      .on('analytics_minutes')
      .columns(['application_id', 'minute'])
      .execute();
    await db.schema
      .createIndex('analytics_minutes_minute')
      .on('analytics_minutes')
      .column('minute')
      .execute();
  },
};
