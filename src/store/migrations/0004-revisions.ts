/** API revisions (frozen copies a gateway runs) and their deployments to gateway environments. */
import type { Kysely, Migration } from 'kysely';

export const revisionTables: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('api_revisions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('api_id', 'text', (c) => c.notNull().references('apis.id').onDelete('cascade'))
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('snapshot', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('api_revisions_api_number', ['api_id', 'number'])
      .execute();
    await db.schema
      .createTable('api_deployments')
      .addColumn('api_id', 'text', (c) => c.notNull().references('apis.id').onDelete('cascade'))
      .addColumn('revision_id', 'text', (c) => c.notNull().references('api_revisions.id').onDelete('cascade'))
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('vhost', 'text', (c) => c.notNull())
      .addColumn('display_on_devportal', 'integer', (c) => c.notNull())
      .addColumn('deployed_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('api_deployments_pk', ['api_id', 'environment'])
      .execute();
  },
};
