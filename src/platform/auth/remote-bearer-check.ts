/**
 * How a component other than the Key Manager checks the bearer tokens of its REST routes: against the Key
 * Manager (JWKS, introspection with the node client), following revocations. A Key Manager that cannot be
 * reached makes the call a 503 rather than a 401: the token may well be good.
 */
import type { NodeContext } from '../../node/component.js';
import { ServiceUnavailable } from '../errors.js';
import type { Logger } from '../logger.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import type { BearerCheck } from './bearer.js';
import { KeyManagerClient } from './key-manager-client.js';

export interface RemoteBearerCheck {
  check: BearerCheck;
  keyManager: KeyManagerClient;
}

export async function remoteBearerCheck(context: NodeContext, log: Logger): Promise<RemoteBearerCheck> {
  const keyManager = new KeyManagerClient(
    context.config.services.key_manager_url || context.urls.https,
    context.ca,
  );
  const verifier = new AccessTokenVerifier(keyManager, context.nodeClient);
  await verifier.followRevocations(context.hub, log);
  const check: BearerCheck = (token) =>
    verifier.verify(token).catch((err: unknown) => {
      log.error({ err }, 'cannot check a token with the Key Manager');
      throw new ServiceUnavailable(
        'The Key Manager cannot be reached to check the token; try again shortly.',
      );
    });
  return { check, keyManager };
}
