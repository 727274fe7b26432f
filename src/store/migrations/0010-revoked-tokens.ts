/**
 * Revoked tokens that have not expired, found without reading every live token: gateways pull them when they
 * start and after an event-hub outage (GET /keymanager/v1/revoked-tokens).
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const revokedTokensIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('tokens_revoked_expires')
      .on('tokens')
      .column('expires_at')
      .where(sql.ref('revoked'), '=', 1)
      .execute();
  },
};
