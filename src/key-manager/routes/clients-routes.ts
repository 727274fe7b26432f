/**
 * OAuth2 clients managed by other components for their users: /keymanager/v1/clients. The Developer Portal
 * creates an application's PRODUCTION and SANDBOX clients here (the seed's "Key Manager" role in key
 * generation). Only node clients may call it: tokens with the `portcullis:node` scope.
 */
import { Type } from 'typebox';
import { requireAnyScope } from '../../platform/auth/bearer.js';
import { NODE_SCOPE } from '../../platform/auth/node-credentials.js';
import { BadRequest, NotFound } from '../../platform/errors.js';
import type { App } from '../../platform/http-server.js';
import type { KeyManager } from '../key-manager.js';
import { checkGrantTypes, parseCallback } from '../oauth/client-settings.js';
import type { Client } from '../oauth/clients.js';
import {
  CLIENTS_PATH,
  ManagedClientSchema,
  ManagedClientSettingsSchema,
  NewManagedClientSchema,
  type ManagedClient,
  type ManagedClientSettings,
} from './clients-schemas.js';
import { localBearerCheck } from './bearer.js';

const Params = Type.Object({ clientId: Type.String({ maxLength: 128 }) });

function toManaged(client: Client, clientSecret?: string): ManagedClient {
  return {
    clientId: client.clientId,
    ...(clientSecret ? { clientSecret } : {}),
    clientName: client.name,
    owner: client.owner,
    grantTypes: client.grantTypes,
    callbackUrl: client.redirectUris[0] ?? null,
    tokenType: client.tokenFormat,
    accessTokenValidity: client.accessTokenValidity,
  };
}

export function registerClientsRoutes(app: App, km: KeyManager): void {
  const onRequest = requireAnyScope(localBearerCheck(km), [NODE_SCOPE]);
  const settings = (body: ManagedClientSettings) => {
    const grantTypes = checkGrantTypes(body.grantTypes, 'grantTypes');
    return {
      grantTypes,
      redirectUris: parseCallback(body.callbackUrl, grantTypes),
      tokenFormat: body.tokenType,
      accessTokenValidity: body.accessTokenValidity ?? km.config.access_token_validity,
      refreshTokenValidity: km.config.refresh_token_validity,
    };
  };
  const existing = async (clientId: string) => {
    const client = await km.clients.get(clientId);
    if (!client) throw new NotFound(`There is no client ${clientId}.`);
    return client;
  };

  app.post(
    CLIENTS_PATH,
    { onRequest, schema: { body: NewManagedClientSchema, response: { 201: ManagedClientSchema } } },
    async (request, reply) => {
      const { clientName, owner } = request.body;
      if (!(await km.users.activeRoles(owner))) throw new BadRequest(`owner ${owner} is not an active user.`);
      const { client, clientSecret } = await km.clients.register({
        name: clientName,
        owner,
        ...settings(request.body),
      });
      return reply.code(201).send(toManaged(client, clientSecret));
    },
  );
  app.get(
    `${CLIENTS_PATH}/:clientId`,
    { onRequest, schema: { params: Params, response: { 200: ManagedClientSchema } } },
    async (request) => toManaged(await existing(request.params.clientId)),
  );
  app.put(
    `${CLIENTS_PATH}/:clientId`,
    {
      onRequest,
      schema: { params: Params, body: ManagedClientSettingsSchema, response: { 200: ManagedClientSchema } },
    },
    async (request) => {
      const client = await existing(request.params.clientId);
      const updated = await km.clients.update(client.clientId, {
        name: client.name,
        owner: client.owner,
        ...settings(request.body),
      });
      return toManaged(updated);
    },
  );
  app.post(
    `${CLIENTS_PATH}/:clientId/regenerate-secret`,
    { onRequest, schema: { params: Params, response: { 200: ManagedClientSchema } } },
    async (request) => {
      const client = await existing(request.params.clientId);
      if (client.isPublic) throw new BadRequest(`Client ${client.clientId} is public: it has no secret.`);
      return toManaged(client, await km.clients.regenerateSecret(client.clientId));
    },
  );
  app.delete(
    `${CLIENTS_PATH}/:clientId`,
    { onRequest, schema: { params: Params } },
    async (request, reply) => {
      const client = await existing(request.params.clientId);
      // Gone first, so that no token is issued between the revocation and the deletion.
      await km.clients.delete(client.clientId);
      await km.revocations.revokeClient(client.clientId);
      return reply.code(204).send();
    },
  );
}
