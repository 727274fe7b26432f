/** The Developer Portal's data: applications, their OAuth2 key mappings, and subscriptions to APIs. */
import type { Kysely, Migration } from 'kysely';

export const devportalTables: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('applications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('throttling_policy', 'text', (c) => c.notNull())
      .addColumn('token_type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('applications_owner_name', ['owner', 'name'])
      .execute();
    await db.schema
      .createTable('application_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('application_id', 'text', (c) =>
        c.notNull().references('applications.id').onDelete('cascade'),
      )
      .addColumn('key_type', 'text', (c) => c.notNull())
      .addColumn('consumer_key', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('application_keys_type', ['application_id', 'key_type'])
      .execute();
    await db.schema
      .createTable('subscriptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('application_id', 'text', (c) =>
        c.notNull().references('applications.id').onDelete('cascade'),
      )
      .addColumn('api_id', 'text', (c) => c.notNull().references('apis.id').onDelete('cascade'))
      .addColumn('throttling_policy', 'text', (c) => c.notNull())
      .addColumn('requested_throttling_policy', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('subscriptions_application_api', ['application_id', 'api_id'])
      .execute();
    await db.schema.createIndex('subscriptions_api').on('subscriptions').column('api_id').execute();
  },
};
