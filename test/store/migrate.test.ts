import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrate, SchemaError } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { describeEachEngine } from '../support/engines.js';

describeEachEngine('migrations', (engine) => {
  it('creates every table and records every migration', async () => {
    const tables = (await engine.database.db.introspection.getTables()).map((t) => t.name);
    for (const table of [
      'users',
      'user_roles',
      'oauth_clients',
      'signing_keys',
      'tokens',
      'authorization_codes',
    ]) {
      expect(tables).toContain(table);
    }
    const { rows } = await sql<{ name: string }>`select name from portcullis_migrations`.execute(
      engine.database.db,
    );
    expect(rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
  });

  it('is idempotent: a second run applies nothing', async () => {
    expect(await migrate(engine.database.db)).toEqual([]);
  });

  it('refuses a schema newer than this code knows', async () => {
    const db = engine.database.db;
    await sql`insert into portcullis_migrations (name, timestamp) values ('9999-from-the-future', '2099-01-01')`.execute(
      db,
    );
    try {
      await expect(migrate(db)).rejects.toThrow(SchemaError);
      await expect(migrate(db)).rejects.toThrow(
        /newer than this version of Portcullis knows.*9999-from-the-future/,
      );
    } finally {
      await sql`delete from portcullis_migrations where name = '9999-from-the-future'`.execute(db);
    }
  });

  it('reads bigint timestamps back as numbers', async () => {
    const db = engine.database.db;
    const now = Date.now();
    await db
      .insertInto('login_failures')
      .values({ key: 'ts-check', failures: 1, first_failure_at: now })
      .execute();
    const row = await db
      .selectFrom('login_failures')
      .selectAll()
      .where('key', '=', 'ts-check')
      .executeTakeFirstOrThrow();
    expect(row.first_failure_at).toBe(now);
    expect(typeof row.failures).toBe('number');
  });
});

describe('ping', () => {
  it('is false once the database is closed', async () => {
    const { openDatabase } = await import('../../src/store/database.js');
    const os = await import('node:os');
    const database = openDatabase({ url: 'sqlite::memory:', dataDir: os.tmpdir() });
    expect(await database.ping()).toBe(true);
    await database.close();
    expect(await database.ping()).toBe(false);
  });
});
