/**
 * better-sqlite3 behind Kysely prepares every statement again on each query, which profiling showed to be
 * the largest single cost of a token request. Kysely's queries have a bounded set of SQL texts (values are
 * bound parameters), so their prepared statements are kept and reused.
 */
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const MAX_STATEMENTS = 1000;

export function withStatementCache(connection: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => connection.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = connection.prepare(sql);
        // Oldest first out: Map keeps insertion order.
        if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
