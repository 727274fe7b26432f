/**
 * /internal/data/v1: where gateways and traffic managers pull their state. Only node clients reach it: a
 * bearer token with the `portcullis:node` scope (client_credentials of a client owned by an admin), sent over
 * TLS verified against the cluster CA. Never exposed through the public load balancer's routes.
 */
import { Type } from 'typebox';
import { requireAnyScope, type BearerCheck } from '../../platform/auth/bearer.js';
import { NODE_SCOPE } from '../../platform/auth/node-credentials.js';
import { Forbidden } from '../../platform/errors.js';
import type { App } from '../../platform/http-server.js';
import { requireHttps } from '../../platform/require-https.js';
import {
  DeployedApiSchema,
  EnvironmentQuerySchema,
  INTERNAL_BASE,
  SnapshotSchema,
} from './internal-data-schemas.js';
import type { InternalDataService } from './internal-data-service.js';

const ApiParams = Type.Object({ apiId: Type.String({ maxLength: 64 }) });

export function registerInternalDataRoutes(app: App, data: InternalDataService, check: BearerCheck): void {
  // Node tokens read everything a gateway runs: never over plain HTTP (a TLS-terminating proxy may forward).
  const onRequest = [
    requireHttps(() => new Forbidden('The internal data API answers over HTTPS only.')),
    requireAnyScope(check, [NODE_SCOPE]),
  ];
  app.get(
    `${INTERNAL_BASE}/snapshot`,
    { onRequest, schema: { querystring: EnvironmentQuerySchema, response: { 200: SnapshotSchema } } },
    (request) => data.snapshot(request.query.environment),
  );
  app.get(
    `${INTERNAL_BASE}/apis/:apiId`,
    {
      onRequest,
      schema: {
        params: ApiParams,
        querystring: EnvironmentQuerySchema,
        response: { 200: DeployedApiSchema },
      },
    },
    (request) => data.deployedApi(request.query.environment, request.params.apiId),
  );
}
