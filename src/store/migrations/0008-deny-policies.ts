/** Deny policies (WSO2's blocking conditions): requests to refuse by API, application, IP, IP range or user. */
import type { Kysely, Migration } from 'kysely';

export const denyPolicyTables: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('deny_policies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('condition_type', 'text', (c) => c.notNull())
      /** The value as JSON: a string (API, APPLICATION, USER) or an object (IP, IPRANGE). */
      .addColumn('condition_value', 'text', (c) => c.notNull())
      /** One policy per type and value: the value in a canonical form. */
      .addColumn('condition_key', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('deny_policies_condition', ['condition_type', 'condition_key'])
      .execute();
  },
};
