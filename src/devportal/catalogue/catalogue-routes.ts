/** The catalogue: /apis, /apis/{apiId}, /apis/{apiId}/swagger, open to anyone (tokens widen the view). */
import { Type } from 'typebox';
import type { App } from '../../platform/http-server.js';
import { pageOf } from '../../platform/pagination.js';
import { DEVPORTAL_BASE, type DevportalGuards } from '../devportal-base.js';
import {
  PortalApiListQuerySchema,
  PortalApiListSchema,
  PortalApiSchema,
  SwaggerQuerySchema,
} from './catalogue-schemas.js';
import type { CatalogueService } from './catalogue-service.js';

const APIS = `${DEVPORTAL_BASE}/apis`;
const Params = Type.Object({ apiId: Type.String({ maxLength: 64 }) });

export function registerCatalogueRoutes(
  app: App,
  catalogue: CatalogueService,
  guards: DevportalGuards,
): void {
  const onRequest = guards.browse;
  app.get(
    APIS,
    { onRequest, schema: { querystring: PortalApiListQuerySchema, response: { 200: PortalApiListSchema } } },
    async (request) => {
      const { total, list } = await catalogue.list(request.bearer, request.query);
      return pageOf(list, total, request.query, '/apis', { query: request.query.query });
    },
  );
  app.get(
    `${APIS}/:apiId`,
    { onRequest, schema: { params: Params, response: { 200: PortalApiSchema } } },
    (request) => catalogue.get(request.bearer, request.params.apiId),
  );
  app.get(
    `${APIS}/:apiId/swagger`,
    { onRequest, schema: { params: Params, querystring: SwaggerQuerySchema } },
    (request) => catalogue.definition(request.bearer, request.params.apiId, request.query.environmentName),
  );
}
