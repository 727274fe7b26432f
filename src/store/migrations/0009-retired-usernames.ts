/**
 * Names of deleted users, never given out again: the Developer Portal's applications and subscriptions are
 * owned by name, so a newcomer under an old name must not inherit what is left of them.
 */
import type { Kysely, Migration } from 'kysely';

export const retiredUsernameTables: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('retired_usernames')
      .addColumn('username', 'text', (c) => c.primaryKey())
      .addColumn('retired_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
