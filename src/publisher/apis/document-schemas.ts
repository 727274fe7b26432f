/** API documents as WSO2's publisher API v4 defines them (Document, DocumentList). */
import { Type, type Static } from 'typebox';
import { PageQuery, PageSchema } from '../../platform/pagination.js';

export const DocumentSchema = Type.Object({
  documentId: Type.Optional(Type.String({ readOnly: true })),
  name: Type.String({ minLength: 1, maxLength: 255 }),
  type: Type.Enum([
    'HOWTO',
    'SAMPLES',
    'PUBLIC_FORUM',
    'SUPPORT_FORUM',
    'API_MESSAGE_FORMAT',
    'SWAGGER_DOC',
    'OTHER',
  ]),
  summary: Type.Optional(Type.String({ minLength: 1, maxLength: 32766 })),
  sourceType: Type.Enum(['INLINE', 'MARKDOWN', 'URL', 'FILE']),
  /** For a URL document, where it is. */
  sourceUrl: Type.Optional(Type.String({ maxLength: 2048 })),
  fileName: Type.Optional(Type.String({ readOnly: true })),
  inlineContent: Type.Optional(Type.String({ maxLength: 1_000_000 })),
  /** For a document of type OTHER, what kind it is. */
  otherTypeName: Type.Optional(Type.String({ maxLength: 255 })),
  visibility: Type.Enum(['OWNER_ONLY', 'PRIVATE', 'API_LEVEL']),
  createdTime: Type.Optional(Type.String({ readOnly: true })),
  createdBy: Type.Optional(Type.String({ readOnly: true })),
  lastUpdatedTime: Type.Optional(Type.String({ readOnly: true })),
  lastUpdatedBy: Type.Optional(Type.String({ readOnly: true })),
});
export type Document = Static<typeof DocumentSchema>;

export const DocumentListSchema = PageSchema(DocumentSchema);

export const DocumentListQuerySchema = Type.Object(PageQuery);
