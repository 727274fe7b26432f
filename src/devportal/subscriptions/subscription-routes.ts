/** /subscriptions and /subscriptions/{subscriptionId}: a subscriber's applications' subscriptions. */
import type { App } from '../../platform/http-server.js';
import { pageOf } from '../../platform/pagination.js';
import { DEVPORTAL_BASE, type DevportalGuards } from '../devportal-base.js';
import {
  SubscriptionListQuerySchema,
  SubscriptionListSchema,
  SubscriptionParams,
  SubscriptionSchema,
} from './subscription-schemas.js';
import type { SubscriptionService } from './subscription-service.js';

const SUBSCRIPTIONS = `${DEVPORTAL_BASE}/subscriptions`;

export function registerSubscriptionRoutes(
  app: App,
  subscriptions: SubscriptionService,
  guards: DevportalGuards,
): void {
  const onRequest = guards.subscriptions;
  app.get(
    SUBSCRIPTIONS,
    {
      onRequest,
      schema: { querystring: SubscriptionListQuerySchema, response: { 200: SubscriptionListSchema } },
    },
    async (request) => {
      const { total, list } = await subscriptions.list(request.bearer, request.query);
      const { applicationId, apiId } = request.query;
      return pageOf(list, total, request.query, '/subscriptions', { applicationId, apiId });
    },
  );
  app.post(
    SUBSCRIPTIONS,
    { onRequest, schema: { body: SubscriptionSchema, response: { 201: SubscriptionSchema } } },
    async (request, reply) => {
      const created = await subscriptions.create(request.bearer, request.body);
      return reply.code(201).header('location', `${SUBSCRIPTIONS}/${created.subscriptionId}`).send(created);
    },
  );
  app.get(
    `${SUBSCRIPTIONS}/:subscriptionId`,
    { onRequest, schema: { params: SubscriptionParams, response: { 200: SubscriptionSchema } } },
    (request) => subscriptions.get(request.bearer, request.params.subscriptionId),
  );
  app.put(
    `${SUBSCRIPTIONS}/:subscriptionId`,
    {
      onRequest,
      schema: { params: SubscriptionParams, body: SubscriptionSchema, response: { 200: SubscriptionSchema } },
    },
    (request) => subscriptions.update(request.bearer, request.params.subscriptionId, request.body),
  );
  app.delete(
    `${SUBSCRIPTIONS}/:subscriptionId`,
    { onRequest, schema: { params: SubscriptionParams } },
    async (request, reply) => {
      await subscriptions.delete(request.bearer, request.params.subscriptionId);
      return reply.code(200).send();
    },
  );
}
