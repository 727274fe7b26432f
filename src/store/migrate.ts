/** Brings the schema up to date; refuses a database whose schema is newer than this code knows. */
import { Migrator, type Kysely } from 'kysely';
import type { Tables } from './tables.js';
import { MIGRATIONS } from './migrations/index.js';

const MIGRATION_TABLE = 'portcullis_migrations';

export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

/** Names of migrations recorded in the database that this code does not have. */
async function unknownMigrations(db: Kysely<Tables>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  if (!tables.some((t) => t.name === MIGRATION_TABLE)) return [];
  const rows = await (db as unknown as Kysely<Record<typeof MIGRATION_TABLE, { name: string }>>)
    .selectFrom(MIGRATION_TABLE)
    .select('name')
    .execute();
  return rows.map((r) => r.name).filter((name) => !Object.hasOwn(MIGRATIONS, name));
}

/** Applies every pending migration (safe to run from several nodes at once); returns the names applied. */
export async function migrate(db: Kysely<Tables>): Promise<string[]> {
  const unknown = await unknownMigrations(db);
  if (unknown.length > 0) {
    throw new SchemaError(
      `the database schema is newer than this version of Portcullis knows (migrations ${unknown.join(', ')}); ` +
        'upgrade Portcullis on this node',
    );
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new SchemaError(
      `migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
