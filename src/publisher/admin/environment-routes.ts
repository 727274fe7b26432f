/** /api/am/admin/v4/environments[/{environmentId}] */
import { Type } from 'typebox';
import { requireAnyScope, type BearerCheck } from '../../platform/auth/bearer.js';
import type { App } from '../../platform/http-server.js';
import { ADMIN_BASE } from './admin-base.js';
import { EnvironmentListSchema, EnvironmentSchema } from './environment-schemas.js';
import type { EnvironmentService } from './environment-service.js';

const Params = Type.Object({ environmentId: Type.String({ maxLength: 64 }) });
const BASE = `${ADMIN_BASE}/environments`;

export function registerEnvironmentRoutes(
  app: App,
  environments: EnvironmentService,
  check: BearerCheck,
): void {
  const preHandler = requireAnyScope(check, ['apim:admin']);
  app.get(BASE, { onRequest: preHandler, schema: { response: { 200: EnvironmentListSchema } } }, async () => {
    const list = await environments.list();
    return { count: list.length, list };
  });
  app.post(
    BASE,
    { onRequest: preHandler, schema: { body: EnvironmentSchema, response: { 201: EnvironmentSchema } } },
    async (request, reply) => {
      const created = await environments.create(request.body);
      return reply.code(201).header('location', `${BASE}/${created.id}`).send(created);
    },
  );
  app.put(
    `${BASE}/:environmentId`,
    {
      onRequest: preHandler,
      schema: { params: Params, body: EnvironmentSchema, response: { 200: EnvironmentSchema } },
    },
    (request) => environments.update(request.params.environmentId, request.body),
  );
  app.delete(
    `${BASE}/:environmentId`,
    { onRequest: preHandler, schema: { params: Params } },
    async (request, reply) => {
      await environments.delete(request.params.environmentId);
      return reply.code(200).send();
    },
  );
}
