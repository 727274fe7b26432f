/** The Key Manager as a node component: its services, its routes, and first-start bootstrap. */
import os from 'node:os';
import formBody from '@fastify/formbody';
import { Forbidden } from '../platform/errors.js';
import { requireHttps } from '../platform/require-https.js';
import { InvalidRequest } from './oauth/errors.js';
import type { Component, ComponentDefinition, NodeContext } from '../node/component.js';
import type { App } from '../platform/http-server.js';
import { KeyManager } from './key-manager.js';
import { TokenMetrics } from './token-metrics.js';
import { useOAuthErrors } from './oauth/error-handler.js';
import { registerAuthorizeRoutes } from './routes/authorize-route.js';
import { registerDiscoveryRoutes } from './routes/discovery-routes.js';
import { registerIntrospectRoute } from './routes/introspect-route.js';
import { registerRegistrationRoute } from './routes/registration-route.js';
import { registerRevokeRoute } from './routes/revoke-route.js';
import { registerTokenRoute } from './routes/token-route.js';
import { registerUsersRoutes, USERS_PATH } from './routes/users-routes.js';
import { registerClientsRoutes } from './routes/clients-routes.js';
import { registerRevokedTokensRoute } from './routes/revoked-tokens-route.js';
import { provisionNodeClient } from './node-client.js';
import { registerSelfSignupRoute, SELF_SIGNUP_PATH } from './routes/self-signup-route.js';
import { allowPortalOrigins } from './routes/portal-cors.js';
import {
  PORTAL_SESSION_SECONDS,
  portalOrigins,
  portalRedirectUris,
  provisionPortalClient,
} from './portal-client.js';
import { SsoSessions } from './sso-sessions.js';
import { bootstrapAdmin } from './users/bootstrap-admin.js';
import { startHousekeeping } from './housekeeping.js';

const OAUTH_BODY_LIMIT = 64 * 1024;

const HTTPS_ONLY =
  'credentials are accepted only over HTTPS (RFC 6749 section 3.1); use the HTTPS port, or set key_manager.allow_plain_http behind a TLS-terminating load balancer';

async function create(context: NodeContext): Promise<Component> {
  const { config, database, hub, logger, urls } = context;
  if (!database) throw new Error('the Key Manager needs the database');
  const issuer = config.key_manager.issuer || `${urls.https}/oauth2/token`;
  const km = new KeyManager({
    db: database.db,
    hub,
    logger: logger.child({ component: 'key-manager' }),
    config: config.key_manager,
    issuer,
    baseUrl: new URL(issuer).origin,
    metrics: new TokenMetrics(context.metrics),
  });
  const { passwordFile } = await bootstrapAdmin(km.users, config.data_dir, process.env, logger);
  // Create the first signing key now rather than on the first token request.
  await km.keys.current();
  const nodeClient = config.services.node_client_id
    ? undefined
    : await provisionNodeClient(
        km,
        config.node.name || `${os.hostname()}:${new URL(urls.https).port}`,
        logger,
      );
  const redirectUris = portalRedirectUris([
    urls.https,
    config.services.publisher_url,
    config.services.devportal_url,
    ...config.key_manager.portal_urls,
  ]);
  await provisionPortalClient(km, redirectUris, logger);
  const origins = portalOrigins(redirectUris);
  const sso = new SsoSessions(km.keys, km.users, `${issuer}#sso`, PORTAL_SESSION_SECONDS);
  const stopHousekeeping = startHousekeeping(database.db, logger);
  return {
    name: 'key-manager',
    async register(app: App) {
      const plainHttp = config.key_manager.allow_plain_http;
      await app.register(async (oauth: App) => {
        // OAuth requests are a few form fields: no reason to read a megabyte of them.
        await oauth.register(formBody, { bodyLimit: Math.min(OAUTH_BODY_LIMIT, config.http.body_limit) });
        useOAuthErrors(oauth);
        allowPortalOrigins(
          oauth,
          ['/oauth2/token', '/oauth2/revoke'].map((path) => ({
            path,
            methods: ['POST'],
            headers: ['content-type'],
          })),
          origins,
        );
        if (!plainHttp)
          oauth.addHook(
            'onRequest',
            requireHttps(() => new InvalidRequest(HTTPS_ONLY)),
          );
        registerTokenRoute(oauth, km);
        registerRevokeRoute(oauth, km);
        registerIntrospectRoute(oauth, km);
        registerAuthorizeRoutes(oauth, km, sso);
      });
      registerDiscoveryRoutes(app, km);
      await app.register(async (rest: App) => {
        if (!plainHttp)
          rest.addHook(
            'onRequest',
            requireHttps(() => new Forbidden(HTTPS_ONLY)),
          );
        allowPortalOrigins(
          rest,
          [
            { path: SELF_SIGNUP_PATH, methods: ['POST'], headers: ['content-type'] },
            {
              path: `${USERS_PATH}/*`,
              methods: ['GET', 'POST', 'PATCH', 'DELETE'],
              headers: ['authorization', 'content-type'],
            },
          ],
          origins,
        );
        registerRegistrationRoute(rest, km);
        registerUsersRoutes(rest, km);
        registerClientsRoutes(rest, km);
        registerRevokedTokensRoute(rest, km);
        registerSelfSignupRoute(rest, km);
      });
    },
    ...(nodeClient ? { nodeClient } : {}),
    close: async () => stopHousekeeping(),
    describe: () => [
      `key manager ${km.baseUrl}/oauth2/token  (metadata: ${km.baseUrl}/.well-known/oauth-authorization-server)`,
      ...(passwordFile ? [`admin       user "admin", password in ${passwordFile}`] : []),
    ],
  };
}

export const keyManagerComponent: ComponentDefinition = { needsDatabase: true, create };
