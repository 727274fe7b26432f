/**
 * The documents of catalogue APIs, read from the Publisher's documents. Only for an API the viewer may see
 * (anything else is "not found", as in the catalogue); of its documents, API_LEVEL ones are shown with the
 * API, PRIVATE ones only to signed-in users, and OWNER_ONLY ones never (they are the publisher's own notes).
 */
import type { Kysely } from 'kysely';
import { NotFound } from '../../platform/errors.js';
import type { Document } from '../../publisher/apis/document-schemas.js';
import type { DocumentContent } from '../../platform/document-content.js';
import { DocumentService } from '../../publisher/apis/document-service.js';
import type { Tables } from '../../store/tables.js';
import type { CatalogueService, Viewer } from './catalogue-service.js';
import type { PortalDocument } from './document-schemas.js';

function shownTo(document: Document, viewer: Viewer): boolean {
  switch (document.visibility) {
    case 'API_LEVEL':
      return true;
    case 'PRIVATE':
      return viewer?.username !== undefined;
    case 'OWNER_ONLY':
      return false;
  }
}

function toPortalDocument(document: Document): PortalDocument {
  const { documentId, name, type, summary, sourceType, sourceUrl, otherTypeName } = document;
  return {
    documentId: documentId as string,
    name,
    type,
    ...(summary !== undefined ? { summary } : {}),
    sourceType,
    ...(sourceUrl !== undefined ? { sourceUrl } : {}),
    ...(otherTypeName !== undefined ? { otherTypeName } : {}),
  };
}

export class CatalogueDocuments {
  readonly #documents: DocumentService;

  constructor(
    db: Kysely<Tables>,
    private readonly catalogue: CatalogueService,
  ) {
    this.#documents = new DocumentService(db);
  }

  async list(viewer: Viewer, apiId: string): Promise<PortalDocument[]> {
    await this.catalogue.api(viewer, apiId);
    const documents = await this.#documents.list(apiId);
    return documents.filter((d) => shownTo(d, viewer)).map(toPortalDocument);
  }

  async get(viewer: Viewer, apiId: string, documentId: string): Promise<PortalDocument> {
    return toPortalDocument(await this.#shown(viewer, apiId, documentId));
  }

  async content(viewer: Viewer, apiId: string, documentId: string): Promise<DocumentContent> {
    await this.#shown(viewer, apiId, documentId);
    return this.#documents.content(apiId, documentId);
  }

  async #shown(viewer: Viewer, apiId: string, documentId: string): Promise<Document> {
    await this.catalogue.api(viewer, apiId);
    const document = await this.#documents.get(apiId, documentId).catch((err: unknown) => {
      throw err instanceof NotFound ? notFound(documentId) : err;
    });
    if (!shownTo(document, viewer)) throw notFound(documentId);
    return document;
  }
}

function notFound(documentId: string): NotFound {
  return new NotFound(`There is no document ${documentId}.`);
}
