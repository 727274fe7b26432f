/**
 * Database figures for the node's /metrics: every query's duration (its count is the histogram's), failed
 * queries, whether the database answers, and PostgreSQL's connection pool. Made before the database is
 * opened (it observes the queries of the migrations too); the gauges read it once it is.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Database, PoolFigures, QueryObserver } from './database.js';

const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class DatabaseMetrics {
  readonly #duration: Histogram;
  readonly #failures: Counter;
  readonly #registry: Registry;
  #database: Database | undefined;

  constructor(registry: Registry) {
    this.#registry = registry;
    this.#duration = new Histogram({
      name: 'portcullis_database_query_duration_seconds',
      help: 'Time each database query took (its _count is the number of queries).',
      buckets: QUERY_BUCKETS,
      registers: [registry],
    });
    this.#failures = new Counter({
      name: 'portcullis_database_query_failures_total',
      help: 'Database queries that failed (an error from the database, or the connection lost under the query).',
      registers: [registry],
    });
    const database = () => this.#database;
    new Gauge({
      name: 'portcullis_database_up',
      help: '1 when a trivial query to the database succeeds, 0 when it fails or the database is not open yet.',
      registers: [registry],
      async collect() {
        this.set((await database()?.ping()) ? 1 : 0);
      },
    });
  }

  readonly observe: QueryObserver = (seconds, failed) => {
    this.#duration.observe(seconds);
    if (failed) this.#failures.inc();
  };

  /** The database the gauges read, once opened; its pool's gauges are added then (SQLite has none). */
  watch(database: Database): void {
    this.#database = database;
    const { pool } = database;
    if (!pool) return;
    const poolGauge = (name: string, help: string, read: (figures: PoolFigures) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.#registry],
        collect() {
          this.set(read(pool));
        },
      });
    poolGauge(
      'portcullis_database_pool_connections',
      'PostgreSQL connections open in the pool, in use or idle (at most database.pool_size).',
      (figures) => figures.totalCount,
    );
    poolGauge(
      'portcullis_database_pool_idle_connections',
      'PostgreSQL connections open and idle in the pool.',
      (figures) => figures.idleCount,
    );
    poolGauge(
      'portcullis_database_pool_waiting_queries',
      'Queries waiting for a PostgreSQL connection because all of the pool are in use.',
      (figures) => figures.waitingCount,
    );
  }
}
