/**
 * The Publisher as a node component. This version serves APIs and their lifecycle (publisher API v4), and the
 * Admin API's throttling policies and gateway environments; it checks callers' tokens against the Key Manager
 * like any other component would.
 */
import multipart, { type MultipartFile } from '@fastify/multipart';
import { AnalyticsQueries } from '../analytics/analytics-queries.js';
import type { Component, ComponentDefinition, NodeContext } from '../node/component.js';
import { componentsOf } from '../node/profiles.js';
import { remoteBearerCheck } from '../platform/auth/remote-bearer-check.js';
import type { App } from '../platform/http-server.js';
import { PORTAL_CLIENT_ID, registerPortal } from '../platform/portal-files.js';
import { ADMIN_BASE } from './admin/admin-base.js';
import { registerPublisherAnalyticsRoutes } from './analytics/analytics-routes.js';
import {
  DEFAULT_ADVANCED_POLICIES,
  DEFAULT_APPLICATION_POLICIES,
  DEFAULT_SUBSCRIPTION_POLICIES,
} from './admin/default-policies.js';
import { registerDenyPolicyRoutes } from './admin/deny-policy-routes.js';
import { DenyPolicyService } from './admin/deny-policy-service.js';
import { registerEnvironmentRoutes } from './admin/environment-routes.js';
import { EnvironmentService } from './admin/environment-service.js';
import { configuredEnvironment } from './admin/environment-schemas.js';
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
import { registerInternalDataRoutes } from './internal/internal-data-routes.js';
import { InternalDataService } from './internal/internal-data-service.js';
import { INTERNAL_BASE } from './internal/internal-data-schemas.js';
import { registerSettingsRoutes } from './settings/settings-routes.js';
import { registerProviderSubscriptionRoutes } from './subscriptions/subscription-routes.js';
import { ProviderSubscriptionService } from './subscriptions/subscription-service.js';

async function create(context: NodeContext): Promise<Component> {
  const { config, database, hub, logger, urls } = context;
  if (!database) throw new Error('the Publisher needs the database');
  const log = logger.child({ component: 'publisher' });
  const policies = new PolicyService(database.db, hub, log);
  const environments = new EnvironmentService(
    database.db,
    hub,
    log,
    config.publisher.environments.map(configuredEnvironment),
  );
  const denyPolicies = new DenyPolicyService(database.db, hub, log);
  await policies.seed('subscription', DEFAULT_SUBSCRIPTION_POLICIES);
  await policies.seed('application', DEFAULT_APPLICATION_POLICIES);
  await policies.seed('advanced', DEFAULT_ADVANCED_POLICIES);
  await environments.seed();
  const revisions = new RevisionService(database.db, environments, hub, log);
  const apis = new ApiService(database.db, policies, revisions, hub, log);
  const documents = new DocumentService(database.db);
  const subscriptions = new ProviderSubscriptionService(database.db, hub, log);
  const internalData = new InternalDataService(database.db, environments, policies, denyPolicies);
  const analytics = new AnalyticsQueries(database.db);

  const { check, keyManager } = await remoteBearerCheck(context, log);
  // The seed's APIStore URL: the configured Developer Portal, else this node's when it runs one.
  const runsDevportal = componentsOf(config.node.profile).includes('devportal');
  const devportalBase = (config.services.devportal_url || (runsDevportal ? urls.https : '')).replace(
    /\/+$/,
    '',
  );
  const devportalUrl = devportalBase ? `${devportalBase}/devportal` : '';
  return {
    name: 'publisher',
    async register(app: App) {
      registerPolicyRoutes(app, policies, check);
      registerEnvironmentRoutes(app, environments, check);
      registerDenyPolicyRoutes(app, denyPolicies, check);
      registerApiRoutes(app, apis, check);
      registerRevisionRoutes(app, revisions, check);
      registerProviderSubscriptionRoutes(app, subscriptions, check);
      registerPublisherAnalyticsRoutes(app, apis, analytics, check);
      registerInternalDataRoutes(app, internalData, check);
      registerSettingsRoutes(app, environments, check, devportalUrl);
      const portalSettings = () => ({
        keyManagerUrl: keyManager.baseUrl,
        clientId: PORTAL_CLIENT_ID,
        devportalUrl,
      });
      for (const name of ['publisher', 'admin']) {
        registerPortal(app, {
          name,
          httpsUrl: urls.https,
          settings: portalSettings,
          connectTo: () => [new URL(keyManager.baseUrl).origin],
        });
      }
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
      `web         ${urls.https}/publisher/ (Publisher portal)  ${urls.https}/admin/ (Admin portal)`,
      `publisher   ${urls.https}${PUBLISHER_BASE} (APIs, OpenAPI, lifecycle, revisions, deployments, documents, subscriptions, analytics)`,
      `admin API   ${urls.https}${ADMIN_BASE} (throttling and deny policies, environments)`,
      `internal    ${urls.https}${INTERNAL_BASE} (data for gateways; node clients only)`,
    ],
    close: () => keyManager.close(),
  };
}

export const publisherComponent: ComponentDefinition = { needsDatabase: true, create };
