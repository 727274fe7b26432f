/**
 * An API's documents. INLINE and MARKDOWN documents carry text, URL documents point elsewhere, FILE documents
 * hold an uploaded file. Names are unique within an API.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DocumentContent } from '../../platform/document-content.js';
import { BadRequest, Conflict, NotFound } from '../../platform/errors.js';
import type { Tables } from '../../store/tables.js';
import { isUniqueViolation } from '../../store/constraint-violations.js';
import { checkUrl } from './api-checks.js';
import type { Document } from './document-schemas.js';

type DocumentRow = Tables['api_documents'];

function toDocument(row: DocumentRow): Document {
  return {
    documentId: row.id,
    name: row.name,
    ...(JSON.parse(row.body) as Omit<Document, 'documentId' | 'name'>),
    createdTime: String(row.created_at),
    createdBy: row.created_by,
    lastUpdatedTime: String(row.updated_at),
    lastUpdatedBy: row.updated_by,
  };
}

function metadata(document: Document, fileName?: string): string {
  const { type, summary, sourceType, sourceUrl, otherTypeName, visibility } = document;
  return JSON.stringify({
    type,
    summary,
    sourceType,
    sourceUrl,
    otherTypeName,
    visibility,
    ...(fileName ? { fileName } : {}),
  });
}

function check(document: Document): void {
  if (document.sourceType === 'URL') {
    if (document.sourceUrl === undefined) throw new BadRequest('sourceUrl is required for a URL document.');
    checkUrl('sourceUrl', document.sourceUrl);
  } else if (document.sourceUrl !== undefined) {
    throw new BadRequest(`sourceUrl is only for URL documents, not ${document.sourceType}.`);
  }
  if (document.type === 'OTHER' && !document.otherTypeName) {
    throw new BadRequest('otherTypeName is required when type is OTHER.');
  }
  if (
    document.inlineContent !== undefined &&
    document.sourceType !== 'INLINE' &&
    document.sourceType !== 'MARKDOWN'
  ) {
    throw new BadRequest('inlineContent is only for INLINE and MARKDOWN documents.');
  }
}

export class DocumentService {
  constructor(private readonly db: Kysely<Tables>) {}

  async list(apiId: string): Promise<Document[]> {
    await this.#api(apiId);
    const rows = await this.db
      .selectFrom('api_documents')
      .selectAll()
      .where('api_id', '=', apiId)
      .orderBy('name')
      .execute();
    return rows.map(toDocument);
  }

  async get(apiId: string, documentId: string): Promise<Document> {
    return toDocument(await this.#row(apiId, documentId));
  }

  async create(apiId: string, document: Document, user: string): Promise<Document> {
    await this.#api(apiId);
    check(document);
    await this.#nameFree(apiId, document.name, undefined);
    const id = randomUUID();
    const now = Date.now();
    await this.db
      .insertInto('api_documents')
      .values({
        id,
        api_id: apiId,
        name: document.name,
        body: metadata(document),
        content: document.inlineContent ?? null,
        created_at: now,
        created_by: user,
        updated_at: now,
        updated_by: user,
      })
      .execute()
      .catch((err: unknown) => {
        if (isUniqueViolation(err))
          throw new Conflict(`The API already has a document named "${document.name}".`);
        throw err;
      });
    return this.get(apiId, id);
  }

  async update(apiId: string, documentId: string, document: Document, user: string): Promise<Document> {
    const before = await this.#row(apiId, documentId);
    check(document);
    await this.#nameFree(apiId, document.name, documentId);
    const previous = toDocument(before);
    // Content survives an update that keeps the kind of document; a new kind starts empty.
    const sameKind = previous.sourceType === document.sourceType;
    await this.db
      .updateTable('api_documents')
      .set({
        name: document.name,
        body: metadata(document, sameKind ? previous.fileName : undefined),
        content: document.inlineContent ?? (sameKind ? before.content : null),
        updated_at: Date.now(),
        updated_by: user,
      })
      .where('id', '=', documentId)
      .execute();
    return this.get(apiId, documentId);
  }

  async delete(apiId: string, documentId: string): Promise<void> {
    await this.#row(apiId, documentId);
    await this.db.deleteFrom('api_documents').where('id', '=', documentId).execute();
  }

  /** Sets the text of an INLINE or MARKDOWN document, or the file of a FILE document. */
  async setContent(
    apiId: string,
    documentId: string,
    content: { text?: string; file?: { bytes: Buffer; fileName: string } },
    user: string,
  ): Promise<Document> {
    const row = await this.#row(apiId, documentId);
    const document = toDocument(row);
    let stored: string;
    let fileName: string | undefined;
    if (document.sourceType === 'INLINE' || document.sourceType === 'MARKDOWN') {
      if (content.text === undefined)
        throw new BadRequest(`Send inlineContent for a ${document.sourceType} document.`);
      stored = content.text;
    } else if (document.sourceType === 'FILE') {
      if (!content.file)
        throw new BadRequest('Send the file as the multipart field "file" for a FILE document.');
      stored = content.file.bytes.toString('base64');
      fileName = content.file.fileName;
    } else {
      throw new BadRequest('A URL document has no content to upload; change its sourceUrl instead.');
    }
    await this.db
      .updateTable('api_documents')
      .set({ content: stored, body: metadata(document, fileName), updated_at: Date.now(), updated_by: user })
      .where('id', '=', documentId)
      .execute();
    return this.get(apiId, documentId);
  }

  async content(apiId: string, documentId: string): Promise<DocumentContent> {
    const row = await this.#row(apiId, documentId);
    const document = toDocument(row);
    if (document.sourceType === 'URL') return { kind: 'url', url: document.sourceUrl as string };
    if (row.content === null) throw new NotFound(`The document "${document.name}" has no content yet.`);
    if (document.sourceType === 'FILE') {
      return {
        kind: 'file',
        bytes: Buffer.from(row.content, 'base64'),
        fileName: document.fileName ?? document.name,
      };
    }
    return { kind: 'text', text: row.content, markdown: document.sourceType === 'MARKDOWN' };
  }

  async #api(apiId: string): Promise<void> {
    const row = await this.db.selectFrom('apis').select('id').where('id', '=', apiId).executeTakeFirst();
    if (!row) throw new NotFound(`No API with id ${apiId}.`);
  }

  async #row(apiId: string, documentId: string): Promise<DocumentRow> {
    await this.#api(apiId);
    const row = await this.db
      .selectFrom('api_documents')
      .selectAll()
      .where('api_id', '=', apiId)
      .where('id', '=', documentId)
      .executeTakeFirst();
    if (!row) throw new NotFound(`No document ${documentId} of API ${apiId}.`);
    return row;
  }

  async #nameFree(apiId: string, name: string, documentId: string | undefined): Promise<void> {
    const clash = await this.db
      .selectFrom('api_documents')
      .select('id')
      .where('api_id', '=', apiId)
      .where('name', '=', name)
      .executeTakeFirst();
    if (clash && clash.id !== documentId)
      throw new Conflict(`The API already has a document named "${name}".`);
  }
}
