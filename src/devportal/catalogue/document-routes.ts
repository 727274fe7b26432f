/**
 * /apis/{apiId}/documents[/{documentId}[/content]] of the devportal API v3: read-only, open to anyone like
 * the catalogue (a token shows what its user may see).
 */
import { Type } from 'typebox';
import type { App } from '../../platform/http-server.js';
import { sendDocumentContent } from '../../platform/document-content.js';
import { pageOfAll } from '../../platform/pagination.js';
import { DEVPORTAL_BASE, type DevportalGuards } from '../devportal-base.js';
import {
  PortalDocumentListQuerySchema,
  PortalDocumentListSchema,
  PortalDocumentSchema,
} from './document-schemas.js';
import type { CatalogueDocuments } from './document-service.js';

const DOCUMENTS = `${DEVPORTAL_BASE}/apis/:apiId/documents`;
const ApiParams = Type.Object({ apiId: Type.String({ maxLength: 64 }) });
const DocumentParams = Type.Object({
  apiId: Type.String({ maxLength: 64 }),
  documentId: Type.String({ maxLength: 64 }),
});

export function registerCatalogueDocumentRoutes(
  app: App,
  documents: CatalogueDocuments,
  guards: DevportalGuards,
): void {
  const onRequest = guards.browse;
  app.get(
    DOCUMENTS,
    {
      onRequest,
      schema: {
        params: ApiParams,
        querystring: PortalDocumentListQuerySchema,
        response: { 200: PortalDocumentListSchema },
      },
    },
    async (request) => {
      const all = await documents.list(request.bearer, request.params.apiId);
      return pageOfAll(all, request.query, `/apis/${request.params.apiId}/documents`);
    },
  );
  app.get(
    `${DOCUMENTS}/:documentId`,
    { onRequest, schema: { params: DocumentParams, response: { 200: PortalDocumentSchema } } },
    (request) => documents.get(request.bearer, request.params.apiId, request.params.documentId),
  );
  app.get(
    `${DOCUMENTS}/:documentId/content`,
    { onRequest, schema: { params: DocumentParams } },
    async (request, reply) => {
      const { apiId, documentId } = request.params;
      const content = await documents.content(request.bearer, apiId, documentId);
      return sendDocumentContent(reply, content);
    },
  );
}
