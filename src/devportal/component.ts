/**
 * The Developer Portal as a node component (WSO2's "Store"): the catalogue, applications, their keys (made
 * at the Key Manager over HTTP with this node's client) and subscriptions, on /api/am/devportal/v3.
 */
import { Compile } from 'typebox/compile';
import { AnalyticsQueries } from '../analytics/analytics-queries.js';
import { USER_UPDATED, UserUpdatedSchema } from '../events/key-manager-events.js';
import type { Component, ComponentDefinition, NodeContext } from '../node/component.js';
import { remoteBearerCheck } from '../platform/auth/remote-bearer-check.js';
import type { App } from '../platform/http-server.js';
import { registerApplicationAnalyticsRoutes } from './analytics/analytics-routes.js';
import { PORTAL_CLIENT_ID, registerPortal } from '../platform/portal-files.js';
import { registerApplicationRoutes } from './applications/application-routes.js';
import { ApplicationService } from './applications/application-service.js';
import { registerCatalogueRoutes } from './catalogue/catalogue-routes.js';
import { CatalogueService } from './catalogue/catalogue-service.js';
import { registerCatalogueDocumentRoutes } from './catalogue/document-routes.js';
import { CatalogueDocuments } from './catalogue/document-service.js';
import { DEVPORTAL_BASE, devportalGuards } from './devportal-base.js';
import { KeyManagerApplications } from './keys/key-manager-applications.js';
import { registerKeyRoutes } from './keys/key-routes.js';
import { KeyService } from './keys/key-service.js';
import { registerSubscriptionRoutes } from './subscriptions/subscription-routes.js';
import { SubscriptionService } from './subscriptions/subscription-service.js';
import { registerPortalPolicyRoutes } from './throttling-policies/policy-routes.js';
import { PolicyService } from '../publisher/admin/policy-service.js';

/** Compiled once: checked on every event received. */
const UserUpdatedValidator = Compile(UserUpdatedSchema);

async function create(context: NodeContext): Promise<Component> {
  const { config, database, hub, logger, urls, nodeClient } = context;
  if (!database) throw new Error('the Developer Portal needs the database');
  const log = logger.child({ component: 'devportal' });
  const { check, keyManager } = await remoteBearerCheck(context, log);
  if (!nodeClient) log.warn('no node client (services.node_client_id): applications cannot get keys');
  const catalogue = new CatalogueService(database.db);
  const documents = new CatalogueDocuments(database.db, catalogue);
  const applications = new ApplicationService(database.db, hub, log);
  const keys = new KeyService(
    database.db,
    new KeyManagerApplications(keyManager, nodeClient, log, config.services.revoke_url || undefined),
    hub,
    log,
  );
  const subscriptions = new SubscriptionService(database.db, applications, catalogue, hub, log);
  const guards = devportalGuards(check);
  const analytics = new AnalyticsQueries(database.db);
  // The tiers consumers choose from are the Admin API's policies, in the shared database.
  const policies = new PolicyService(database.db, hub, log);
  await hub.subscribe('notification', async (event) => {
    if (event.type !== USER_UPDATED || !UserUpdatedValidator.Check(event.payload)) return;
    if (event.payload.change !== 'deleted') return;
    await applications
      .removeAllOf(event.payload.username)
      .catch((err: unknown) => log.error({ err }, "could not remove a deleted user's applications"));
  });
  return {
    name: 'devportal',
    register(app: App) {
      registerCatalogueRoutes(app, catalogue, guards);
      registerCatalogueDocumentRoutes(app, documents, guards);
      registerPortalPolicyRoutes(app, policies, guards);
      registerApplicationRoutes(app, applications, keys, guards);
      registerKeyRoutes(app, applications, keys, guards);
      registerSubscriptionRoutes(app, subscriptions, guards);
      registerApplicationAnalyticsRoutes(app, applications, analytics, guards);
      registerPortal(app, {
        name: 'devportal',
        httpsUrl: urls.https,
        settings: () => ({ keyManagerUrl: keyManager.baseUrl, clientId: PORTAL_CLIENT_ID }),
        // The API console calls the APIs on whatever gateway hosts their environments have.
        connectTo: () => ['https:', 'http:'],
      });
    },
    describe: () => [
      `web         ${urls.https}/devportal/ (Developer Portal; sign-up, API console)`,
      `devportal   ${urls.https}${DEVPORTAL_BASE} (catalogue, documents, throttling policies, applications, keys, subscriptions, analytics)`,
    ],
    close: () => keyManager.close(),
  };
}

export const devportalComponent: ComponentDefinition = { needsDatabase: true, create };
