/**
 * A node that runs the Key Manager needs no configured node client: it registers its own, owned by an admin,
 * named after the node (its `node.name`, else its machine's host name and HTTPS port, so that Key Managers
 * sharing a database keep one each), with a new secret each start (the secret is never stored in clear). Components of
 * the same process use it to reach the Key Manager and the internal data API like remote nodes do.
 */
import type { NodeCredentials } from '../platform/auth/node-credentials.js';
import type { Logger } from '../platform/logger.js';
import type { KeyManager } from './key-manager.js';

export async function provisionNodeClient(
  km: KeyManager,
  nodeName: string,
  logger: Logger,
): Promise<NodeCredentials | undefined> {
  const admin = (await km.users.list()).find((u) => !u.disabled && u.roles.includes('admin'));
  if (!admin) {
    logger.warn('no active admin user: this node has no client of its own (Developer Portal keys are off)');
    return undefined;
  }
  const spec = {
    name: `portcullis-node ${nodeName}`,
    owner: admin.username,
    grantTypes: ['client_credentials' as const],
    redirectUris: [],
    tokenFormat: 'JWT' as const,
    accessTokenValidity: 3600,
    refreshTokenValidity: 3600,
  };
  const existing = await km.clients.findByName(spec.owner, spec.name);
  if (!existing) {
    const { client, clientSecret } = await km.clients.register(spec);
    return { clientId: client.clientId, clientSecret: clientSecret as string };
  }
  await km.clients.update(existing.clientId, spec);
  return { clientId: existing.clientId, clientSecret: await km.clients.regenerateSecret(existing.clientId) };
}
