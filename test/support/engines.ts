/**
 * Runs a storage suite on both engines: SQLite (a temp file) and PostgreSQL (a fresh database per suite,
 * dropped afterwards). PostgreSQL is skipped with a notice when absent, and required under CI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type Database } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { createTemporaryDatabase } from './postgres.js';
import { postgresAvailable } from './services.js';

export interface EngineHandle {
  /** The migrated database of the current suite. */
  readonly database: Database;
  /** The URL that opens it (for tests that need a second connection). */
  readonly url: string;
}

const postgresUp = await postgresAvailable();

export function describeEachEngine(title: string, suite: (engine: EngineHandle) => void): void {
  describe.each(['sqlite', 'postgres'] as const)(`${title} [%s]`, (engine) => {
    if (engine === 'postgres' && !postgresUp) return;
    let database: Database | undefined;
    let url = '';
    let cleanup: () => Promise<void> = async () => {};
    beforeAll(async () => {
      if (engine === 'sqlite') {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'portcullis-store-'));
        url = `sqlite:${path.join(dir, 'test.db')}`;
        cleanup = async () => rmSync(dir, { recursive: true, force: true });
      } else {
        const temporary = await createTemporaryDatabase();
        url = temporary.url;
        cleanup = temporary.drop;
      }
      database = openDatabase({ url, dataDir: os.tmpdir() });
      await migrate(database.db);
    });
    afterAll(async () => {
      await database?.close();
      await cleanup();
    });
    suite({
      get database() {
        if (!database) throw new Error('the database is not open yet (use it inside a test or hook)');
        return database;
      },
      get url() {
        return url;
      },
    });
  });
}
