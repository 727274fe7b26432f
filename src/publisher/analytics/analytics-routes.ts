/**
 * Request analytics in the publisher API (docs/analytics.md): GET /apis/{apiId}/analytics for one API and
 * GET /analytics for every API, to whoever may view APIs.
 */
import type { AnalyticsQueries } from '../../analytics/analytics-queries.js';
import { AnalyticsQuerySchema, AnalyticsSchema } from '../../analytics/analytics-schemas.js';
import type { BearerCheck } from '../../platform/auth/bearer.js';
import type { App } from '../../platform/http-server.js';
import { APIS, ApiParams, PUBLISHER_BASE, apiGuards } from '../apis/api-route-guards.js';
import type { ApiService } from '../apis/api-service.js';

export function registerPublisherAnalyticsRoutes(
  app: App,
  apis: ApiService,
  analytics: AnalyticsQueries,
  check: BearerCheck,
): void {
  const { view } = apiGuards(check);
  app.get(
    `${APIS}/:apiId/analytics`,
    {
      onRequest: view,
      schema: { params: ApiParams, querystring: AnalyticsQuerySchema, response: { 200: AnalyticsSchema } },
    },
    async (request) => {
      const { apiId } = request.params;
      // 404 for an API that does not exist (any more), like the API's other resources.
      await apis.get(apiId);
      return analytics.forApi(apiId, request.query.range);
    },
  );
  app.get(
    `${PUBLISHER_BASE}/analytics`,
    {
      onRequest: view,
      schema: { querystring: AnalyticsQuerySchema, response: { 200: AnalyticsSchema } },
    },
    (request) => analytics.overall(request.query.range),
  );
}
