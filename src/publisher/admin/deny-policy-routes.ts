/** /api/am/admin/v4/throttling/deny-policies and /throttling/deny-policy/{conditionId} (WSO2's paths). */
import { Type } from 'typebox';
import { requireAnyScope, type BearerCheck } from '../../platform/auth/bearer.js';
import type { App } from '../../platform/http-server.js';
import { ADMIN_BASE } from './admin-base.js';
import {
  DenyPolicyListQuerySchema,
  DenyPolicyListSchema,
  DenyPolicySchema,
  DenyPolicyStatusSchema,
} from './deny-policy-schemas.js';
import type { DenyPolicyService } from './deny-policy-service.js';

const LIST = `${ADMIN_BASE}/throttling/deny-policies`;
const ONE = `${ADMIN_BASE}/throttling/deny-policy/:conditionId`;
const Params = Type.Object({ conditionId: Type.String({ maxLength: 64 }) });

export function registerDenyPolicyRoutes(
  app: App,
  denyPolicies: DenyPolicyService,
  check: BearerCheck,
): void {
  const view = requireAnyScope(check, ['apim:admin', 'apim:bl_view']);
  const manage = requireAnyScope(check, ['apim:admin', 'apim:bl_manage']);
  app.get(
    LIST,
    {
      onRequest: view,
      schema: { querystring: DenyPolicyListQuerySchema, response: { 200: DenyPolicyListSchema } },
    },
    async (request) => {
      const list = await denyPolicies.list(request.query.query);
      return { count: list.length, list };
    },
  );
  app.post(
    LIST,
    { onRequest: manage, schema: { body: DenyPolicySchema, response: { 201: DenyPolicySchema } } },
    async (request, reply) => {
      const created = await denyPolicies.create(request.body);
      return reply
        .code(201)
        .header('location', `${ADMIN_BASE}/throttling/deny-policy/${created.conditionId}`)
        .send(created);
    },
  );
  app.get(
    ONE,
    { onRequest: view, schema: { params: Params, response: { 200: DenyPolicySchema } } },
    (request) => denyPolicies.get(request.params.conditionId),
  );
  app.patch(
    ONE,
    {
      onRequest: manage,
      schema: { params: Params, body: DenyPolicyStatusSchema, response: { 200: DenyPolicySchema } },
    },
    (request) => denyPolicies.setStatus(request.params.conditionId, request.body.conditionStatus),
  );
  app.delete(ONE, { onRequest: manage, schema: { params: Params } }, async (request, reply) => {
    await denyPolicies.delete(request.params.conditionId);
    return reply.code(200).send();
  });
}
