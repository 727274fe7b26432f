/**
 * GET /api/am/publisher/v4/settings (WSO2's Settings): where the Developer Portal is (the seed's APIStore URL)
 * and the gateway environments APIs can be deployed to, for the Publisher's portal and scripts.
 */
import { Type, type Static } from 'typebox';
import { requireAnyScope, type BearerCheck } from '../../platform/auth/bearer.js';
import type { App } from '../../platform/http-server.js';
import { MANAGEMENT_SCOPES } from '../../key-manager/scopes.js';
import { VHostSchema, type Environment } from '../admin/environment-schemas.js';
import type { EnvironmentService } from '../admin/environment-service.js';
import { PUBLISHER_BASE } from '../apis/api-route-guards.js';

/** The management scopes a Publisher user may ask for (the node clients' own scope is not one). */
const SCOPES = MANAGEMENT_SCOPES.filter((scope) => scope.startsWith('apim:'));

/** The publisher API's Environment: the admin one plus where its gateways answer, shown in API consoles. */
const PublisherEnvironmentSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  displayName: Type.Optional(Type.String()),
  type: Type.String(),
  gatewayType: Type.Optional(Type.String()),
  serverUrl: Type.String(),
  provider: Type.Optional(Type.String()),
  showInApiConsole: Type.Boolean(),
  vhosts: Type.Array(VHostSchema),
});

function publisherEnvironment({ isReadOnly: _adminOnly, ...environment }: Environment) {
  const [vhost] = environment.vhosts;
  const port = vhost?.httpsPort ?? 8243;
  return {
    ...environment,
    id: environment.id ?? '',
    type: environment.type ?? 'hybrid',
    serverUrl: vhost ? `https://${vhost.host}${port === 443 ? '' : `:${port}`}` : '',
    showInApiConsole: true,
  };
}

const SettingsSchema = Type.Object({
  devportalUrl: Type.String(),
  environment: Type.Array(PublisherEnvironmentSchema),
  gatewayTypes: Type.Array(Type.String()),
  scopes: Type.Array(Type.String()),
  authorizationHeader: Type.String(),
});
export type PublisherSettings = Static<typeof SettingsSchema>;

export function registerSettingsRoutes(
  app: App,
  environments: EnvironmentService,
  check: BearerCheck,
  devportalUrl: string,
): void {
  const view = requireAnyScope(check, ['apim:api_view', 'apim:api_create', 'apim:api_publish']);
  app.get(
    `${PUBLISHER_BASE}/settings`,
    { onRequest: view, schema: { response: { 200: SettingsSchema } } },
    async () => ({
      devportalUrl,
      environment: (await environments.list()).map(publisherEnvironment),
      gatewayTypes: ['Regular'],
      scopes: SCOPES,
      authorizationHeader: 'Authorization',
    }),
  );
}
