/** /subscriptions (list), /subscriptions/block-subscription and /unblock-subscription of the publisher API. */
import { requireAnyScope, type BearerCheck } from '../../platform/auth/bearer.js';
import type { App } from '../../platform/http-server.js';
import { pageOf } from '../../platform/pagination.js';
import { PUBLISHER_BASE } from '../apis/api-route-guards.js';
import {
  BlockQuerySchema,
  ProviderSubscriptionListQuerySchema,
  ProviderSubscriptionListSchema,
  UnblockQuerySchema,
} from './subscription-schemas.js';
import type { ProviderSubscriptionService } from './subscription-service.js';

const SUBSCRIPTIONS = `${PUBLISHER_BASE}/subscriptions`;

export function registerProviderSubscriptionRoutes(
  app: App,
  subscriptions: ProviderSubscriptionService,
  check: BearerCheck,
): void {
  const view = requireAnyScope(check, [
    'apim:api_view',
    'apim:subscription_view',
    'apim:subscription_manage',
  ]);
  const block = requireAnyScope(check, ['apim:subscription_block', 'apim:subscription_manage']);
  app.get(
    SUBSCRIPTIONS,
    {
      onRequest: view,
      schema: {
        querystring: ProviderSubscriptionListQuerySchema,
        response: { 200: ProviderSubscriptionListSchema },
      },
    },
    async (request) => {
      const { total, list } = await subscriptions.list(request.query);
      const { apiId, query } = request.query;
      return pageOf(list, total, request.query, '/subscriptions', { apiId, query });
    },
  );
  app.post(
    `${SUBSCRIPTIONS}/block-subscription`,
    { onRequest: block, schema: { querystring: BlockQuerySchema } },
    async (request, reply) => {
      await subscriptions.setStatus(request.query.subscriptionId, request.query.blockState);
      return reply.code(200).send();
    },
  );
  app.post(
    `${SUBSCRIPTIONS}/unblock-subscription`,
    { onRequest: block, schema: { querystring: UnblockQuerySchema } },
    async (request, reply) => {
      await subscriptions.setStatus(request.query.subscriptionId, 'UNBLOCKED');
      return reply.code(200).send();
    },
  );
}
