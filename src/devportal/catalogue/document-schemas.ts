/** API documents as WSO2's devportal API v3 defines them (Document, DocumentList): no authoring fields. */
import { Type, type Static } from 'typebox';
import { PageQuery, PageSchema } from '../../platform/pagination.js';

export const PortalDocumentSchema = Type.Object({
  documentId: Type.String(),
  name: Type.String(),
  type: Type.String(),
  summary: Type.Optional(Type.String()),
  sourceType: Type.String(),
  sourceUrl: Type.Optional(Type.String()),
  otherTypeName: Type.Optional(Type.String()),
});
export type PortalDocument = Static<typeof PortalDocumentSchema>;

export const PortalDocumentListSchema = PageSchema(PortalDocumentSchema);

export const PortalDocumentListQuerySchema = Type.Object(PageQuery);
