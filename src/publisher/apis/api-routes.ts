/** /api/am/publisher/v4/apis, /apis/{apiId}, and the lifecycle resources. */
import { Type } from 'typebox';
import { callerOf, type BearerCheck } from '../../platform/auth/bearer.js';
import type { App } from '../../platform/http-server.js';
import { pageOf } from '../../platform/pagination.js';
import {
  ApiListQuerySchema,
  ApiListSchema,
  ApiSchema,
  LifecycleHistorySchema,
  LifecycleStateSchema,
  WorkflowResponseSchema,
  type Api,
} from './api-schemas.js';
import type { ApiService } from './api-service.js';
import {
  LIFECYCLE_ACTIONS,
  allowedActions,
  displayState,
  transition,
  type LifecycleStatus,
} from './lifecycle.js';
import { APIS, ApiParams, apiGuards } from './api-route-guards.js';

const CopyQuery = Type.Object({
  apiId: Type.String({ maxLength: 64 }),
  newVersion: ApiSchema.properties.version,
  defaultVersion: Type.Boolean({ default: false }),
});
const LifecycleQuery = Type.Object({
  apiId: Type.String({ maxLength: 64 }),
  action: Type.Enum(LIFECYCLE_ACTIONS),
});

function lifecycleState(api: Api) {
  const status = api.lifeCycleStatus as LifecycleStatus;
  return {
    state: displayState(status),
    checkItems: [],
    availableTransitions: allowedActions(status).map((event) => ({
      event,
      targetState: displayState(transition(status, event) as LifecycleStatus),
    })),
  };
}

export function registerApiRoutes(app: App, apis: ApiService, check: BearerCheck): void {
  const { view, create, edit, remove, publish } = apiGuards(check);

  app.get(
    APIS,
    { onRequest: view, schema: { querystring: ApiListQuerySchema, response: { 200: ApiListSchema } } },
    async (request) => {
      const query = request.query;
      const { total, list } = await apis.list(query);
      return pageOf(list, total, query, '/apis', { query: query.query });
    },
  );
  app.post(
    APIS,
    { onRequest: create, schema: { body: ApiSchema, response: { 201: ApiSchema } } },
    async (request, reply) => {
      const created = await apis.create(request.body, callerOf(request.bearer));
      return reply.code(201).header('location', `${APIS}/${created.id}`).send(created);
    },
  );
  app.get(
    `${APIS}/:apiId`,
    { onRequest: view, schema: { params: ApiParams, response: { 200: ApiSchema } } },
    (request) => apis.get(request.params.apiId),
  );
  app.put(
    `${APIS}/:apiId`,
    { onRequest: edit, schema: { params: ApiParams, body: ApiSchema, response: { 200: ApiSchema } } },
    (request) => apis.update(request.params.apiId, request.body),
  );
  app.delete(
    `${APIS}/:apiId`,
    { onRequest: remove, schema: { params: ApiParams } },
    async (request, reply) => {
      await apis.delete(request.params.apiId);
      return reply.code(200).send();
    },
  );

  app.post(
    `${APIS}/copy-api`,
    { onRequest: create, schema: { querystring: CopyQuery, response: { 201: ApiSchema } } },
    async (request, reply) => {
      const { apiId, newVersion, defaultVersion } = request.query;
      const copy = await apis.copy(apiId, newVersion, defaultVersion);
      return reply.code(201).header('location', `${APIS}/${copy.id}`).send(copy);
    },
  );
  app.post(
    `${APIS}/change-lifecycle`,
    {
      onRequest: publish,
      schema: { querystring: LifecycleQuery, response: { 200: WorkflowResponseSchema } },
    },
    async (request) => {
      const user = callerOf(request.bearer);
      const api = await apis.changeLifecycle(request.query.apiId, request.query.action, user);
      return { workflowStatus: 'APPROVED' as const, lifecycleState: lifecycleState(api) };
    },
  );
  app.get(
    `${APIS}/:apiId/lifecycle-state`,
    { onRequest: view, schema: { params: ApiParams, response: { 200: LifecycleStateSchema } } },
    async (request) => lifecycleState(await apis.get(request.params.apiId)),
  );
  app.get(
    `${APIS}/:apiId/lifecycle-history`,
    { onRequest: view, schema: { params: ApiParams, response: { 200: LifecycleHistorySchema } } },
    async (request) => {
      const list = await apis.history(request.params.apiId);
      return { count: list.length, list };
    },
  );
}
