/**
 * An application's keys: generate-keys and /oauth-keys/{keyMappingId} with its secret and token actions
 * (regenerate-secret, generate-token, and revoke-token, which WSO2 does not have).
 */
import { callerOf } from '../../platform/auth/bearer.js';
import type { App } from '../../platform/http-server.js';
import { APPLICATIONS } from '../applications/application-routes.js';
import { ApplicationParams } from '../applications/application-schemas.js';
import type { ApplicationService } from '../applications/application-service.js';
import type { DevportalGuards } from '../devportal-base.js';
import {
  ApplicationKeyListSchema,
  ApplicationKeySchema,
  ApplicationTokenSchema,
  KeyGenerateRequestSchema,
  KeyParams,
  KeyUpdateRequestSchema,
  RevokeTokenRequestSchema,
  SecretResponseSchema,
  TokenRequestSchema,
} from './key-schemas.js';
import type { KeyService } from './key-service.js';

const KEYS = `${APPLICATIONS}/:applicationId/oauth-keys`;

export function registerKeyRoutes(
  app: App,
  applications: ApplicationService,
  keys: KeyService,
  guards: DevportalGuards,
): void {
  const onRequest = guards.applications;
  /** The caller's application, or 404: every key route checks ownership first. */
  const owned = (request: { bearer?: Parameters<typeof callerOf>[0]; params: { applicationId: string } }) =>
    applications.get(callerOf(request.bearer), request.params.applicationId);

  app.post(
    `${APPLICATIONS}/:applicationId/generate-keys`,
    {
      onRequest,
      schema: {
        params: ApplicationParams,
        body: KeyGenerateRequestSchema,
        response: { 200: ApplicationKeySchema },
      },
    },
    async (request) => keys.generate(await owned(request), request.body),
  );
  app.get(
    KEYS,
    { onRequest, schema: { params: ApplicationParams, response: { 200: ApplicationKeyListSchema } } },
    async (request) => {
      const list = await keys.list((await owned(request)).applicationId as string);
      return { count: list.length, list };
    },
  );
  app.get(
    `${KEYS}/:keyMappingId`,
    { onRequest, schema: { params: KeyParams, response: { 200: ApplicationKeySchema } } },
    async (request) => {
      await owned(request);
      return keys.get(request.params.applicationId, request.params.keyMappingId);
    },
  );
  app.put(
    `${KEYS}/:keyMappingId`,
    {
      onRequest,
      schema: { params: KeyParams, body: KeyUpdateRequestSchema, response: { 200: ApplicationKeySchema } },
    },
    async (request) => keys.update(await owned(request), request.params.keyMappingId, request.body),
  );
  app.delete(
    `${KEYS}/:keyMappingId`,
    { onRequest, schema: { params: KeyParams } },
    async (request, reply) => {
      await owned(request);
      await keys.remove(request.params.applicationId, request.params.keyMappingId);
      return reply.code(200).send();
    },
  );
  app.post(
    `${KEYS}/:keyMappingId/regenerate-secret`,
    { onRequest, schema: { params: KeyParams, response: { 200: SecretResponseSchema } } },
    async (request) => {
      await owned(request);
      return keys.regenerateSecret(request.params.applicationId, request.params.keyMappingId);
    },
  );
  app.post(
    `${KEYS}/:keyMappingId/generate-token`,
    {
      onRequest,
      schema: { params: KeyParams, body: TokenRequestSchema, response: { 200: ApplicationTokenSchema } },
    },
    async (request) => {
      await owned(request);
      return keys.generateToken(request.params.applicationId, request.params.keyMappingId, request.body);
    },
  );
  app.post(
    `${KEYS}/:keyMappingId/revoke-token`,
    { onRequest, schema: { params: KeyParams, body: RevokeTokenRequestSchema } },
    async (request, reply) => {
      await owned(request);
      await keys.revokeToken(request.params.applicationId, request.params.keyMappingId, request.body);
      return reply.code(200).header('cache-control', 'no-store').send();
    },
  );
}
