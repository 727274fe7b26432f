/** The Key Manager checks bearer tokens of its own routes against its own records. */
import type { BearerCheck } from '../../platform/auth/bearer.js';
import type { KeyManager } from '../key-manager.js';

export function localBearerCheck(km: KeyManager): BearerCheck {
  return async (token) => {
    const row = await km.tokens.find(token);
    if (!row || row.kind !== 'access' || row.revoked === 1 || row.expires_at <= Date.now()) return undefined;
    return {
      username: row.username ?? undefined,
      clientId: row.client_id,
      scopes: new Set(row.scope.split(' ')),
    };
  };
}
