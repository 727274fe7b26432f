/** The Publisher's APIs and their lifecycle history. */
import type { Kysely, Migration } from 'kysely';

export const apiTables: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('apis')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('context', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('lifecycle_status', 'text', (c) => c.notNull())
      .addColumn('is_default_version', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('apis_context_version', ['context', 'version'])
      .addUniqueConstraint('apis_name_version', ['name', 'version'])
      .execute();
    await db.schema
      .createTable('api_lifecycle_history')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('api_id', 'text', (c) => c.notNull().references('apis.id').onDelete('cascade'))
      .addColumn('previous_state', 'text', (c) => c.notNull())
      .addColumn('post_state', 'text', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('api_lifecycle_history_api')
      .on('api_lifecycle_history')
      .column('api_id')
      .execute();
  },
};
