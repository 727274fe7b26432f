/** /apis/{apiId}/revisions, deploy-revision, undeploy-revision and deployments (publisher API v4). */
import { Type } from 'typebox';
import type { BearerCheck } from '../../platform/auth/bearer.js';
import type { App } from '../../platform/http-server.js';
import {
  DeploymentListSchema,
  DeploymentRequestSchema,
  DeploymentSchema,
  RevisionListSchema,
  RevisionSchema,
} from './revision-schemas.js';
import { APIS, ApiParams, apiGuards } from './api-route-guards.js';
import type { RevisionService } from './revision-service.js';

const RevisionParams = Type.Object({
  apiId: Type.String({ maxLength: 64 }),
  revisionId: Type.String({ maxLength: 64 }),
});
const RevisionQuery = Type.Object({ revisionId: Type.String({ maxLength: 64 }) });
const UndeployQuery = Type.Object({
  revisionId: Type.String({ maxLength: 64 }),
  allEnvironments: Type.Boolean({ default: false }),
});
const ListQuery = Type.Object({ query: Type.Optional(Type.Enum(['deployed:true', 'deployed:false'])) });

export function registerRevisionRoutes(app: App, revisions: RevisionService, check: BearerCheck): void {
  const { view, edit: manage } = apiGuards(check);

  app.get(
    `${APIS}/:apiId/revisions`,
    {
      onRequest: view,
      schema: { params: ApiParams, querystring: ListQuery, response: { 200: RevisionListSchema } },
    },
    async (request) => {
      const deployed =
        request.query.query === undefined ? undefined : request.query.query === 'deployed:true';
      const list = await revisions.list(request.params.apiId, deployed);
      return { count: list.length, list };
    },
  );
  app.post(
    `${APIS}/:apiId/revisions`,
    {
      onRequest: manage,
      schema: { params: ApiParams, body: RevisionSchema, response: { 201: RevisionSchema } },
    },
    async (request, reply) => {
      const created = await revisions.create(request.params.apiId, request.body.description);
      return reply.code(201).send(created);
    },
  );
  app.get(
    `${APIS}/:apiId/revisions/:revisionId`,
    { onRequest: view, schema: { params: RevisionParams, response: { 200: RevisionSchema } } },
    (request) => revisions.get(request.params.apiId, request.params.revisionId),
  );
  app.delete(
    `${APIS}/:apiId/revisions/:revisionId`,
    { onRequest: manage, schema: { params: RevisionParams, response: { 200: RevisionListSchema } } },
    async (request) => {
      const list = await revisions.delete(request.params.apiId, request.params.revisionId);
      return { count: list.length, list };
    },
  );
  app.post(
    `${APIS}/:apiId/deploy-revision`,
    {
      onRequest: manage,
      schema: {
        params: ApiParams,
        querystring: RevisionQuery,
        body: DeploymentRequestSchema,
        response: { 200: Type.Array(DeploymentSchema) },
      },
    },
    (request) => revisions.deploy(request.params.apiId, request.query.revisionId, request.body),
  );
  app.post(
    `${APIS}/:apiId/undeploy-revision`,
    {
      onRequest: manage,
      schema: {
        params: ApiParams,
        querystring: UndeployQuery,
        body: Type.Optional(Type.Array(DeploymentSchema, { maxItems: 20 })),
        response: { 201: Type.Array(DeploymentSchema) },
      },
    },
    async (request, reply) => {
      const { revisionId, allEnvironments } = request.query;
      const removed = await revisions.undeploy(
        request.params.apiId,
        revisionId,
        request.body ?? [],
        allEnvironments,
      );
      return reply.code(201).send(removed);
    },
  );
  app.get(
    `${APIS}/:apiId/deployments`,
    { onRequest: view, schema: { params: ApiParams, response: { 200: DeploymentListSchema } } },
    async (request) => ({ list: await revisions.deployments(request.params.apiId) }),
  );
}
