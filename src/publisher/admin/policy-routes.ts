/** /api/am/admin/v4/throttling/policies/{application|subscription|advanced}[/{policyId}] */
import { Type } from 'typebox';
import type { BearerCheck } from '../../platform/auth/bearer.js';
import { requireAnyScope } from '../../platform/auth/bearer.js';
import type { App } from '../../platform/http-server.js';
import { ADMIN_BASE } from './admin-base.js';
import { POLICY_KINDS, policyListSchema, type PolicyKind } from './policy-schemas.js';
import type { PolicyService } from './policy-service.js';

const PolicyParams = Type.Object({ policyId: Type.String({ maxLength: 64 }) });

export function registerPolicyRoutes(app: App, policies: PolicyService, check: BearerCheck): void {
  const view = requireAnyScope(check, ['apim:admin', 'apim:tier_view', 'apim:tier_manage']);
  const manage = requireAnyScope(check, ['apim:admin', 'apim:tier_manage']);
  for (const kind of Object.keys(POLICY_KINDS) as PolicyKind[]) {
    const { schema } = POLICY_KINDS[kind];
    const base = `${ADMIN_BASE}/throttling/policies/${kind}`;
    app.get(base, { onRequest: view, schema: { response: { 200: policyListSchema(kind) } } }, async () => {
      const list = await policies.list(kind);
      return { count: list.length, list };
    });
    app.post(
      base,
      { onRequest: manage, schema: { body: schema, response: { 201: schema } } },
      async (request, reply) => {
        const created = await policies.create(kind, request.body);
        return reply.code(201).header('location', `${base}/${created.policyId}`).send(created);
      },
    );
    app.get(
      `${base}/:policyId`,
      { onRequest: view, schema: { params: PolicyParams, response: { 200: schema } } },
      (request) => policies.get(kind, request.params.policyId),
    );
    app.put(
      `${base}/:policyId`,
      { onRequest: manage, schema: { params: PolicyParams, body: schema, response: { 200: schema } } },
      (request) => policies.update(kind, request.params.policyId, request.body),
    );
    app.delete(
      `${base}/:policyId`,
      { onRequest: manage, schema: { params: PolicyParams } },
      async (request, reply) => {
        await policies.delete(kind, request.params.policyId);
        return reply.code(200).send();
      },
    );
  }
}
