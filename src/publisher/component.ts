/**
 * The Publisher as a node component. This version serves APIs and their lifecycle (publisher API v4), and the
 * Admin API's throttling policies and gateway environments; it checks callers' tokens against the Key Manager
 * like any other component would.
 */
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { Component, ComponentDefinition, NodeContext } from '../node/component.js';
import { AccessTokenVerifier } from '../platform/auth/access-token-verifier.js';
import type { BearerCheck } from '../platform/auth/bearer.js';
import { KeyManagerClient } from '../platform/auth/key-manager-client.js';
import { ServiceUnavailable } from '../platform/errors.js';
import type { App } from '../platform/http-server.js';
import { ADMIN_BASE } from './admin/admin-base.js';
import {
  DEFAULT_ADVANCED_POLICIES,
  DEFAULT_APPLICATION_POLICIES,
  DEFAULT_SUBSCRIPTION_POLICIES,
} from './admin/default-policies.js';
import { registerEnvironmentRoutes } from './admin/environment-routes.js';
import { EnvironmentService } from './admin/environment-service.js';
import { registerPolicyRoutes } from './admin/policy-routes.js';
import { PolicyService } from './admin/policy-service.js';
import { PUBLISHER_BASE } from './apis/api-route-guards.js';
import { registerApiRoutes } from './apis/api-routes.js';
import { ApiService } from './apis/api-service.js';
import { registerDefinitionRoutes } from './apis/definition-routes.js';
import { registerDocumentRoutes } from './apis/document-routes.js';
import { DocumentService } from './apis/document-service.js';
import { registerRevisionRoutes } from './apis/revision-routes.js';
import { RevisionService } from './apis/revision-service.js';

async function create(context: NodeContext): Promise<Component> {
  const { config, database, hub, logger, urls, ca } = context;
  if (!database) throw new Error('the Publisher needs the database');
  const log = logger.child({ component: 'publisher' });
  const policies = new PolicyService(database.db, hub, log);
  const environments = new EnvironmentService(database.db, hub, log);
  await policies.seed('subscription', DEFAULT_SUBSCRIPTION_POLICIES);
  await policies.seed('application', DEFAULT_APPLICATION_POLICIES);
  await policies.seed('advanced', DEFAULT_ADVANCED_POLICIES);
  await environments.seed();
  const revisions = new RevisionService(database.db, environments, hub, log);
  const apis = new ApiService(database.db, policies, revisions, hub, log);
  const documents = new DocumentService(database.db);

  const keyManager = new KeyManagerClient(config.services.key_manager_url || urls.https, ca);
  const { introspection_client_id: clientId, introspection_client_secret: clientSecret } = config.services;
  const verifier = new AccessTokenVerifier(keyManager, clientId ? { clientId, clientSecret } : undefined);
  await verifier.followRevocations(hub);
  const check: BearerCheck = (token) =>
    verifier.verify(token).catch((err: unknown) => {
      log.error({ err }, 'cannot check a token with the Key Manager');
      throw new ServiceUnavailable(
        'The Key Manager cannot be reached to check the token; try again shortly.',
      );
    });
  return {
    name: 'publisher',
    async register(app: App) {
      registerPolicyRoutes(app, policies, check);
      registerEnvironmentRoutes(app, environments, check);
      registerApiRoutes(app, apis, check);
      registerRevisionRoutes(app, revisions, check);
      // Definitions and documents arrive as multipart forms: one file and a few fields, none larger than any
      // other request body (see MultipartForm for how a cut field is caught).
      const maxBytes = config.http.body_limit;
      await app.register(async (uploads: App) => {
        await uploads.register(multipart, {
          attachFieldsToBody: 'keyValues',
          // A file field becomes { bytes, fileName }: documents keep the name of the file.
          onFile: async (part: MultipartFile & { value?: unknown }) => {
            part.value = { bytes: await part.toBuffer(), fileName: part.filename };
          },
          limits: { files: 1, fileSize: maxBytes, fields: 4, parts: 5, fieldSize: maxBytes + 1 },
        });
        registerDefinitionRoutes(uploads, apis, check, maxBytes);
        registerDocumentRoutes(uploads, documents, check, maxBytes);
      });
    },
    describe: () => [
      `publisher   ${urls.https}${PUBLISHER_BASE} (APIs, OpenAPI, lifecycle, revisions, deployments, documents)`,
      `admin API   ${urls.https}${ADMIN_BASE} (throttling policies, environments)`,
    ],
    close: () => keyManager.close(),
  };
}

export const publisherComponent: ComponentDefinition = { needsDatabase: true, create };
