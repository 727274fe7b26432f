/** Documents of an API: how-tos, samples, links, files. */
import type { Kysely, Migration } from 'kysely';

export const documentTables: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('api_documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('api_id', 'text', (c) => c.notNull().references('apis.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('content', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addUniqueConstraint('api_documents_api_name', ['api_id', 'name'])
      .execute();
  },
};
