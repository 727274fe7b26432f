/** The OpenAPI definition of each API, as imported or as kept in step with its operations. */
import type { Kysely, Migration } from 'kysely';

export const apiDefinitionTables: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('api_definitions')
      .addColumn('api_id', 'text', (c) => c.primaryKey().references('apis.id').onDelete('cascade'))
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
