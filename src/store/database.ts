/** Opens the database: SQLite (embedded, WAL) or PostgreSQL, behind one Kysely interface. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import { withStatementCache } from './statement-cache.js';
import type { Tables } from './tables.js';

export type Engine = 'sqlite' | 'postgres';

/** What PostgreSQL's connection pool says of itself (pg's Pool counts). */
export interface PoolFigures {
  /** Connections open, in use or idle. */
  readonly totalCount: number;
  readonly idleCount: number;
  /** Queries waiting for a connection, because all `poolSize` are in use. */
  readonly waitingCount: number;
}

/** Told of every query once it has run. */
export type QueryObserver = (seconds: number, failed: boolean) => void;

export interface Database {
  readonly db: Kysely<Tables>;
  readonly engine: Engine;
  /** PostgreSQL's connection pool; undefined for SQLite (one connection, no pool). */
  readonly pool: PoolFigures | undefined;
  /** True when a trivial query succeeds. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `sqlite:<file>`, `postgres://…`, or empty for `<dataDir>/portcullis.db`. */
  url: string;
  dataDir: string;
  poolSize?: number;
  /** Told when PostgreSQL closes an idle connection; the pool recovers by itself. */
  onIdleError?: (err: Error) => void;
  /** For metrics: Kysely times each query only when someone listens. */
  onQuery?: QueryObserver;
}

const INT8_OID = 20;

/** Node's socket errors, PostgreSQL's connection (08…) and shutdown (57P0…) classes, too many connections. */
const UNAVAILABLE_CODES =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|08\w{3}|57P0[1-3]|53300)$/;
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/;

/** True when an error says the database server cannot be reached (rather than that a query is wrong). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.test(code)) return true;
  if (err instanceof AggregateError) return err.errors.some(isDatabaseUnavailable);
  return UNAVAILABLE_MESSAGES.test(err.message);
}

/** Kysely's `log` option, when queries are observed. */
function logTo(observer: QueryObserver | undefined): { log?: (event: LogEvent) => void } {
  if (!observer) return {};
  return { log: (event) => observer(event.queryDurationMillis / 1000, event.level === 'error') };
}

function openSqlite(file: string, onQuery: QueryObserver | undefined): Kysely<Tables> {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const connection = new SQLite(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  return new Kysely<Tables>({
    dialect: new SqliteDialect({ database: withStatementCache(connection) }),
    ...logTo(onQuery),
  });
}

function openPostgres(
  url: string,
  poolSize: number,
  onIdleError: (err: Error) => void,
  onQuery: QueryObserver | undefined,
): { db: Kysely<Tables>; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // A server that does not answer (stopped, unreachable) fails the query instead of hanging the request.
    connectionTimeoutMillis: 5000,
    // Timestamps are bigint milliseconds: read them back as numbers, as SQLite does.
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as 'text'),
    },
  });
  // An idle connection that the server closes (a restart, a failover) is dropped by the pool and replaced on
  // the next query; without a listener, node would treat its 'error' event as fatal and end the process.
  pool.on('error', onIdleError);
  // A connection that drops under a running query fails that query, and its client also emits 'error': with
  // no listener there that would end the process too. The pool discards the client when it is released.
  pool.on('connect', (client) => client.on('error', onIdleError));
  return { db: new Kysely<Tables>({ dialect: new PostgresDialect({ pool }), ...logTo(onQuery) }), pool };
}

export function openDatabase(options: DatabaseOptions): Database {
  const engine: Engine = /^postgres(ql)?:\/\//.test(options.url) ? 'postgres' : 'sqlite';
  const { db, pool } =
    engine === 'postgres'
      ? openPostgres(options.url, options.poolSize ?? 10, options.onIdleError ?? (() => {}), options.onQuery)
      : {
          db: openSqlite(
            options.url ? options.url.slice('sqlite:'.length) : path.join(options.dataDir, 'portcullis.db'),
            options.onQuery,
          ),
          pool: undefined,
        };
  return {
    db,
    engine,
    pool,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}
