/** /applications and /applications/{applicationId}: a subscriber's own applications. */
import { callerOf } from '../../platform/auth/bearer.js';
import type { App } from '../../platform/http-server.js';
import { pageOf } from '../../platform/pagination.js';
import { DEVPORTAL_BASE, type DevportalGuards } from '../devportal-base.js';
import type { KeyService } from '../keys/key-service.js';
import {
  ApplicationListQuerySchema,
  ApplicationListSchema,
  ApplicationParams,
  ApplicationSchema,
} from './application-schemas.js';
import type { ApplicationService } from './application-service.js';

export const APPLICATIONS = `${DEVPORTAL_BASE}/applications`;

export function registerApplicationRoutes(
  app: App,
  applications: ApplicationService,
  keys: KeyService,
  guards: DevportalGuards,
): void {
  const onRequest = guards.applications;
  app.get(
    APPLICATIONS,
    {
      onRequest,
      schema: { querystring: ApplicationListQuerySchema, response: { 200: ApplicationListSchema } },
    },
    async (request) => {
      const { total, list } = await applications.list(callerOf(request.bearer), request.query);
      return pageOf(list, total, request.query, '/applications', { query: request.query.query });
    },
  );
  app.post(
    APPLICATIONS,
    { onRequest, schema: { body: ApplicationSchema, response: { 201: ApplicationSchema } } },
    async (request, reply) => {
      const created = await applications.create(callerOf(request.bearer), request.body);
      return reply.code(201).header('location', `${APPLICATIONS}/${created.applicationId}`).send(created);
    },
  );
  app.get(
    `${APPLICATIONS}/:applicationId`,
    { onRequest, schema: { params: ApplicationParams, response: { 200: ApplicationSchema } } },
    (request) => applications.get(callerOf(request.bearer), request.params.applicationId),
  );
  app.put(
    `${APPLICATIONS}/:applicationId`,
    {
      onRequest,
      schema: { params: ApplicationParams, body: ApplicationSchema, response: { 200: ApplicationSchema } },
    },
    async (request) => {
      const updated = await applications.update(
        callerOf(request.bearer),
        request.params.applicationId,
        request.body,
      );
      await keys.syncTokenType(updated);
      return updated;
    },
  );
  app.delete(
    `${APPLICATIONS}/:applicationId`,
    { onRequest, schema: { params: ApplicationParams } },
    async (request, reply) => {
      const owner = callerOf(request.bearer);
      const { applicationId } = request.params;
      // Closed to new keys first, then its clients go: an application must not leave working credentials.
      await applications.markDeleting(owner, applicationId);
      await keys.removeAll(applicationId);
      await applications.delete(owner, applicationId);
      return reply.code(200).send();
    },
  );
}
