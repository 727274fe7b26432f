/** /apis/{apiId}/documents[/{documentId}[/content]] (publisher API v4). */
import { Type } from 'typebox';
import { callerOf, type BearerCheck } from '../../platform/auth/bearer.js';
import type { App } from '../../platform/http-server.js';
import { sendDocumentContent } from '../../platform/document-content.js';
import { pageOfAll } from '../../platform/pagination.js';
import { DocumentListQuerySchema, DocumentListSchema, DocumentSchema } from './document-schemas.js';
import type { DocumentService } from './document-service.js';
import { MultipartForm } from './multipart-form.js';
import { APIS, ApiParams, apiGuards } from './api-route-guards.js';

const DocumentParams = Type.Object({
  apiId: Type.String({ maxLength: 64 }),
  documentId: Type.String({ maxLength: 64 }),
});

/** Registered in a scope with multipart: the content upload is multipart/form-data. */
export function registerDocumentRoutes(
  app: App,
  documents: DocumentService,
  check: BearerCheck,
  maxBytes: number,
): void {
  const { view, edit: manage } = apiGuards(check);

  app.get(
    `${APIS}/:apiId/documents`,
    {
      onRequest: view,
      schema: {
        params: ApiParams,
        querystring: DocumentListQuerySchema,
        response: { 200: DocumentListSchema },
      },
    },
    async (request) => {
      const all = await documents.list(request.params.apiId);
      return pageOfAll(all, request.query, `/apis/${request.params.apiId}/documents`);
    },
  );
  app.post(
    `${APIS}/:apiId/documents`,
    {
      onRequest: manage,
      schema: { params: ApiParams, body: DocumentSchema, response: { 201: DocumentSchema } },
    },
    async (request, reply) => {
      const created = await documents.create(request.params.apiId, request.body, callerOf(request.bearer));
      return reply
        .code(201)
        .header('location', `${APIS}/${request.params.apiId}/documents/${created.documentId}`)
        .send(created);
    },
  );
  app.get(
    `${APIS}/:apiId/documents/:documentId`,
    { onRequest: view, schema: { params: DocumentParams, response: { 200: DocumentSchema } } },
    (request) => documents.get(request.params.apiId, request.params.documentId),
  );
  app.put(
    `${APIS}/:apiId/documents/:documentId`,
    {
      onRequest: manage,
      schema: { params: DocumentParams, body: DocumentSchema, response: { 200: DocumentSchema } },
    },
    (request) =>
      documents.update(
        request.params.apiId,
        request.params.documentId,
        request.body,
        callerOf(request.bearer),
      ),
  );
  app.delete(
    `${APIS}/:apiId/documents/:documentId`,
    { onRequest: manage, schema: { params: DocumentParams } },
    async (request, reply) => {
      await documents.delete(request.params.apiId, request.params.documentId);
      return reply.code(200).send();
    },
  );
  app.get(
    `${APIS}/:apiId/documents/:documentId/content`,
    { onRequest: view, schema: { params: DocumentParams } },
    async (request, reply) => {
      const content = await documents.content(request.params.apiId, request.params.documentId);
      return sendDocumentContent(reply, content);
    },
  );
  app.post(
    `${APIS}/:apiId/documents/:documentId/content`,
    { onRequest: manage, schema: { params: DocumentParams, response: { 200: DocumentSchema } } },
    async (request) => {
      const form = MultipartForm.of(request, maxBytes, '"inlineContent" or "file"');
      const text = form.text('inlineContent');
      const file = form.file('file');
      return documents.setContent(
        request.params.apiId,
        request.params.documentId,
        { text, file },
        callerOf(request.bearer),
      );
    },
  );
}
