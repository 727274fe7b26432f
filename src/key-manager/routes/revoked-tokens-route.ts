/**
 * GET /keymanager/v1/revoked-tokens: the access tokens revoked and not yet expired, for nodes (gateways,
 * Publisher and Developer Portal nodes) that check tokens themselves and may have missed a TOKENS_REVOKED
 * event. Only node clients may call it: tokens with the `portcullis:node` scope.
 */
import { requireAnyScope } from '../../platform/auth/bearer.js';
import { NODE_SCOPE } from '../../platform/auth/node-credentials.js';
import type { App } from '../../platform/http-server.js';
import { REVOKED_TOKENS_PATH, RevokedTokensSchema } from '../../events/key-manager-events.js';
import type { KeyManager } from '../key-manager.js';
import { localBearerCheck } from './bearer.js';

export function registerRevokedTokensRoute(app: App, km: KeyManager): void {
  app.get(
    REVOKED_TOKENS_PATH,
    {
      onRequest: requireAnyScope(localBearerCheck(km), [NODE_SCOPE]),
      schema: { response: { 200: RevokedTokensSchema } },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { tokens: await km.revocations.revokedAccessTokens() };
    },
  );
}
