/** Every migration, in order. Names sort in the order they apply; never rename or edit a released one. */
import type { Migration } from 'kysely';
import { keyManagerTables } from './0001-key-manager.js';
import { adminTables } from './0002-admin.js';
import { apiTables } from './0003-apis.js';
import { revisionTables } from './0004-revisions.js';
import { apiDefinitionTables } from './0005-api-definitions.js';
import { documentTables } from './0006-documents.js';
import { devportalTables } from './0007-devportal.js';
import { denyPolicyTables } from './0008-deny-policies.js';
import { retiredUsernameTables } from './0009-retired-usernames.js';
import { revokedTokensIndex } from './0010-revoked-tokens.js';
import { analyticsTables } from './0011-analytics.js';

export const MIGRATIONS: Record<string, Migration> = {
  '0001-key-manager': keyManagerTables,
  '0002-admin': adminTables,
  '0003-apis': apiTables,
  '0004-revisions': revisionTables,
  '0005-api-definitions': apiDefinitionTables,
  '0006-documents': documentTables,
  '0007-devportal': devportalTables,
  '0008-deny-policies': denyPolicyTables,
  '0009-retired-usernames': retiredUsernameTables,
  '0010-revoked-tokens': revokedTokensIndex,
  '0011-analytics': analyticsTables,
};
