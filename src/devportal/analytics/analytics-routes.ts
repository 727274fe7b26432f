/**
 * Request analytics in the devportal API (docs/analytics.md): GET /applications/{applicationId}/analytics,
 * for the application's owner only (anyone else gets the 404 of the application's other resources).
 */
import type { AnalyticsQueries } from '../../analytics/analytics-queries.js';
import { AnalyticsQuerySchema, AnalyticsSchema } from '../../analytics/analytics-schemas.js';
import { callerOf } from '../../platform/auth/bearer.js';
import type { App } from '../../platform/http-server.js';
import { APPLICATIONS } from '../applications/application-routes.js';
import { ApplicationParams } from '../applications/application-schemas.js';
import type { ApplicationService } from '../applications/application-service.js';
import type { DevportalGuards } from '../devportal-base.js';

export function registerApplicationAnalyticsRoutes(
  app: App,
  applications: ApplicationService,
  analytics: AnalyticsQueries,
  guards: DevportalGuards,
): void {
  app.get(
    `${APPLICATIONS}/:applicationId/analytics`,
    {
      onRequest: guards.applications,
      schema: {
        params: ApplicationParams,
        querystring: AnalyticsQuerySchema,
        response: { 200: AnalyticsSchema },
      },
    },
    async (request) => {
      const { applicationId } = request.params;
      await applications.info(callerOf(request.bearer), applicationId);
      return analytics.forApplication(applicationId, request.query.range);
    },
  );
}
