/**
 * API documents (publisher API v4): GET/POST /apis/{apiId}/documents, GET/PUT/DELETE
 * /apis/{apiId}/documents/{documentId} and GET/POST /apis/{apiId}/documents/{documentId}/content, on SQLite
 * and on a fresh PostgreSQL database. INLINE and MARKDOWN documents carry text (inlineContent, or the
 * multipart field of POST content), URL documents redirect (303), FILE documents hold an uploaded file.
 *
 * Every JSON reply is checked against WSO2's publisher-api.yaml (`expectPublisherContract`, which falls back to
 * the Error schema for the error statuses the definition leaves out). GET …/content answers text or bytes
 * (WSO2 documents it as application/octet-stream), which is not JSON: only its JSON errors are checked.
 *
 * Multipart bodies are built with undici's FormData: the test node's fetch is undici's.
 */
import { FormData } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCredentials } from '../support/oauth-helpers.js';
import type { Engine, Json } from './admin-client.js';
import {
  PUBLISHER,
  expectError,
  expectPublisherContract,
  minimalApi,
  startPublisherNode,
  type PublisherApi,
  type PublisherContext,
  type PublisherReply,
} from './apis-client.js';

const DOCS = '/apis/{apiId}/documents';
const DOC = '/apis/{apiId}/documents/{documentId}';
const CONTENT = '/apis/{apiId}/documents/{documentId}/content';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

const docsPath = (apiId: string) => `/apis/${encodeURIComponent(apiId)}/documents`;
const docPath = (apiId: string, documentId: string) => `${docsPath(apiId)}/${encodeURIComponent(documentId)}`;

/** The calls of the documents resource, each reply checked against the definition. */
const docs = {
  list: (api: PublisherApi, apiId: string, params: Record<string, string | number> = {}) => {
    const query = new URLSearchParams(
      Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
    );
    const suffix = query.size ? `?${query.toString()}` : '';
    return api.call('GET', `${docsPath(apiId)}${suffix}`, { template: DOCS });
  },
  create: (api: PublisherApi, apiId: string, body: unknown) =>
    api.call('POST', docsPath(apiId), { body, template: DOCS }),
  get: (api: PublisherApi, apiId: string, documentId: string) =>
    api.call('GET', docPath(apiId, documentId), { template: DOC }),
  update: (api: PublisherApi, apiId: string, documentId: string, body: unknown) =>
    api.call('PUT', docPath(apiId, documentId), { body, template: DOC }),
  delete: (api: PublisherApi, apiId: string, documentId: string) =>
    api.call('DELETE', docPath(apiId, documentId), { template: DOC }),
};

function authorization(api: PublisherApi): Record<string, string> {
  return api.token === null ? {} : { authorization: `Bearer ${api.token}` };
}

/** POST …/content with a multipart body (or any other body with its content type); the reply is checked. */
async function upload(
  api: PublisherApi,
  apiId: string,
  documentId: string,
  body: FormData | { text: string; contentType: string },
): Promise<PublisherReply> {
  const headers = authorization(api);
  if (!(body instanceof FormData)) headers['content-type'] = body.contentType;
  const response = await api.node.fetch(
    `${api.node.baseUrl}${PUBLISHER}${docPath(apiId, documentId)}/content`,
    {
      method: 'POST',
      headers,
      // undici's FormData is what undici's fetch encodes as multipart; the DOM types know only the global one.
      body: (body instanceof FormData ? body : body.text) as unknown as string,
    },
  );
  const text = await response.text();
  const parsed: Json = text === '' ? undefined : JSON.parse(text);
  expectPublisherContract('POST', CONTENT, response.status, parsed);
  return { status: response.status, headers: response.headers, body: parsed };
}

/** A multipart body with the text field `inlineContent`. */
function textForm(text: string): FormData {
  const form = new FormData();
  form.append('inlineContent', text);
  return form;
}

/** A multipart body with the file field `file`. */
function fileForm(bytes: Uint8Array, fileName: string, field = 'file'): FormData {
  const form = new FormData();
  form.append(field, new Blob([bytes], { type: 'application/octet-stream' }), fileName);
  return form;
}

interface ContentReply extends PublisherReply {
  bytes: Buffer;
}

/** GET …/content without following redirects; a JSON reply (an error) is checked against the definition. */
async function content(api: PublisherApi, apiId: string, documentId: string): Promise<ContentReply> {
  const response = await api.node.fetch(
    `${api.node.baseUrl}${PUBLISHER}${docPath(apiId, documentId)}/content`,
    {
      headers: authorization(api),
      redirect: 'manual',
    },
  );
  const bytes = Buffer.from(await response.arrayBuffer());
  const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
  const body: Json = isJson ? JSON.parse(bytes.toString('utf8')) : undefined;
  if (isJson || response.status === 303) expectPublisherContract('GET', CONTENT, response.status, body);
  return { status: response.status, headers: response.headers, body, bytes };
}

let counter = 0;
/** A document body; names are unique within the run. */
function doc(overrides: Json = {}): Json {
  counter += 1;
  return {
    name: `doc-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    type: 'HOWTO',
    sourceType: 'INLINE',
    visibility: 'API_LEVEL',
    ...overrides,
  };
}

/** Every byte value, twice: the file must come back exactly. */
const BINARY = Uint8Array.from({ length: 512 }, (_, i) => i % 256);

describe.each<Engine>(['sqlite', 'postgres'])('documents on %s', (engine) => {
  let ctx: PublisherContext;
  let api: PublisherApi;
  /** An API the tests add documents to. */
  let apiId: string;

  beforeAll(async () => {
    ctx = await startPublisherNode(engine);
    api = ctx.apis;
    apiId = (await api.created(minimalApi())).id;
  }, 120_000);
  afterAll(async () => {
    await ctx?.close();
  });

  async function created(body: Json, on = apiId): Promise<Json> {
    const reply = await docs.create(api, on, body);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  }

  describe('INLINE and MARKDOWN', () => {
    it('creates an INLINE document with its text and answers the text as text/plain', async () => {
      const body = doc({ summary: 'How to order', inlineContent: 'Step 1\nStep 2 — ünïcode' });
      const reply = await docs.create(api, apiId, body);
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      const created = reply.body;
      expect(created).toMatchObject({
        documentId: expect.any(String),
        name: body.name,
        type: 'HOWTO',
        summary: 'How to order',
        sourceType: 'INLINE',
        visibility: 'API_LEVEL',
        createdBy: 'admin',
        lastUpdatedBy: 'admin',
        createdTime: expect.any(String),
        lastUpdatedTime: expect.any(String),
      });
      expect(created.sourceUrl).toBeUndefined();
      expect(created.fileName).toBeUndefined();
      expect(reply.headers.get('location')).toBe(`${PUBLISHER}${docPath(apiId, created.documentId)}`);

      const read = await docs.get(api, apiId, created.documentId);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created);

      const text = await content(api, apiId, created.documentId);
      expect(text.status).toBe(200);
      expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(text.bytes.toString('utf8')).toBe('Step 1\nStep 2 — ünïcode');
    });

    it('a MARKDOWN document has no content until it is uploaded as the multipart field inlineContent', async () => {
      const created_ = await created(doc({ sourceType: 'MARKDOWN', type: 'SAMPLES' }));
      expectError(await content(api, apiId, created_.documentId), 404, 404, 'no content');

      // multipart/form-data sends the line breaks of a text field as CRLF (WHATWG's encoding, which undici follows).
      const uploaded = await upload(api, apiId, created_.documentId, textForm('# Samples\r\n\r\n* one'));
      expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
      expect(uploaded.body).toMatchObject({ documentId: created_.documentId, sourceType: 'MARKDOWN' });

      const text = await content(api, apiId, created_.documentId);
      expect(text.status).toBe(200);
      expect(text.headers.get('content-type')).toMatch(/^text\/markdown/);
      expect(text.bytes.toString('utf8')).toBe('# Samples\r\n\r\n* one');

      // A second upload replaces the text.
      expect((await upload(api, apiId, created_.documentId, textForm('v2'))).status).toBe(200);
      expect((await content(api, apiId, created_.documentId)).bytes.toString('utf8')).toBe('v2');
    });

    it('an OTHER document needs otherTypeName, and keeps it', async () => {
      expectError(await docs.create(api, apiId, doc({ type: 'OTHER' })), 400, 400, 'otherTypeName');
      const other = await created(doc({ type: 'OTHER', otherTypeName: 'Changelog' }));
      expect(other).toMatchObject({ type: 'OTHER', otherTypeName: 'Changelog' });
      expect((await docs.get(api, apiId, other.documentId)).body.otherTypeName).toBe('Changelog');
    });
  });

  describe('URL', () => {
    it('a URL document redirects its content (303) to sourceUrl', async () => {
      const url = 'https://docs.example.com/guide?section=intro#top';
      const created_ = await created(doc({ sourceType: 'URL', type: 'PUBLIC_FORUM', sourceUrl: url }));
      expect(created_).toMatchObject({ sourceType: 'URL', sourceUrl: url });

      const redirect = await content(api, apiId, created_.documentId);
      expect(redirect.status).toBe(303);
      expect(redirect.headers.get('location')).toBe(url);

      const http = await created(doc({ sourceType: 'URL', sourceUrl: 'http://wiki.example.com/x' }));
      expect((await content(api, apiId, http.documentId)).headers.get('location')).toBe(
        'http://wiki.example.com/x',
      );
    });

    it('400 for a URL document without an absolute http(s) sourceUrl', async () => {
      for (const sourceUrl of [
        undefined,
        '',
        'not a url',
        '/docs/guide',
        'ftp://example.com/x',
        'javascript:alert(1)',
      ]) {
        const body = doc({ sourceType: 'URL', ...(sourceUrl === undefined ? {} : { sourceUrl }) });
        expectError(await docs.create(api, apiId, body), 400, 400, 'sourceUrl');
      }
    });

    it('400 for a sourceUrl on a document that is not URL', async () => {
      for (const sourceType of ['INLINE', 'MARKDOWN', 'FILE']) {
        const body = doc({ sourceType, sourceUrl: 'https://docs.example.com/' });
        expectError(await docs.create(api, apiId, body), 400, 400, 'sourceUrl');
      }
    });

    it('400 for inlineContent on a URL or FILE document', async () => {
      const url = doc({ sourceType: 'URL', sourceUrl: 'https://docs.example.com/', inlineContent: 'x' });
      expectError(await docs.create(api, apiId, url), 400, 400, 'inlineContent');
      expectError(
        await docs.create(api, apiId, doc({ sourceType: 'FILE', inlineContent: 'x' })),
        400,
        400,
        'inlineContent',
      );
    });
  });

  describe('FILE', () => {
    it('uploads a file as the multipart field "file" and answers its exact bytes as an attachment', async () => {
      const created_ = await created(doc({ sourceType: 'FILE', type: 'API_MESSAGE_FORMAT' }));
      expect(created_.fileName).toBeUndefined();
      expectError(await content(api, apiId, created_.documentId), 404, 404, 'no content');

      const uploaded = await upload(api, apiId, created_.documentId, fileForm(BINARY, 'formats.pdf'));
      expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
      expect(uploaded.body).toMatchObject({ sourceType: 'FILE', fileName: 'formats.pdf' });
      expect((await docs.get(api, apiId, created_.documentId)).body.fileName).toBe('formats.pdf');

      const file = await content(api, apiId, created_.documentId);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('application/octet-stream');
      expect(file.headers.get('content-disposition')).toBe('attachment; filename="formats.pdf"');
      expect(file.bytes.equals(Buffer.from(BINARY))).toBe(true);

      // Another upload replaces the file and its name.
      const next = Buffer.from('second file');
      const again = await upload(api, apiId, created_.documentId, fileForm(next, 'v2.txt'));
      expect(again.body.fileName).toBe('v2.txt');
      const second = await content(api, apiId, created_.documentId);
      expect(second.headers.get('content-disposition')).toBe('attachment; filename="v2.txt"');
      expect(second.bytes.equals(next)).toBe(true);
    });

    it('an empty file comes back empty', async () => {
      const created_ = await created(doc({ sourceType: 'FILE' }));
      expect(
        (await upload(api, apiId, created_.documentId, fileForm(new Uint8Array(), 'empty.bin'))).status,
      ).toBe(200);
      const file = await content(api, apiId, created_.documentId);
      expect(file.status).toBe(200);
      expect(file.bytes.length).toBe(0);
    });

    it('a file named with non-Latin characters can be downloaded', async () => {
      const created_ = await created(doc({ sourceType: 'FILE' }));
      const uploaded = await upload(api, apiId, created_.documentId, fileForm(BINARY, '文档.pdf'));
      expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
      expect(uploaded.body.fileName).toBe('文档.pdf');
      const file = await content(api, apiId, created_.documentId);
      expect(file.status, file.bytes.toString('utf8').slice(0, 300)).toBe(200);
      expect(file.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(file.bytes.equals(Buffer.from(BINARY))).toBe(true);
    });
  });

  describe('content uploads of the wrong kind', () => {
    it('400 for a file sent to an INLINE or MARKDOWN document', async () => {
      for (const sourceType of ['INLINE', 'MARKDOWN']) {
        const created_ = await created(doc({ sourceType }));
        const reply = await upload(api, apiId, created_.documentId, fileForm(BINARY, 'x.bin'));
        expectError(reply, 400, 400, 'inlineContent');
      }
    });

    it('400 for inlineContent sent to a FILE document', async () => {
      const created_ = await created(doc({ sourceType: 'FILE' }));
      expectError(await upload(api, apiId, created_.documentId, textForm('text')), 400, 400, 'file');
    });

    it('400 for any content sent to a URL document', async () => {
      const created_ = await created(doc({ sourceType: 'URL', sourceUrl: 'https://docs.example.com/' }));
      expectError(await upload(api, apiId, created_.documentId, textForm('text')), 400, 400, 'URL');
      expectError(await upload(api, apiId, created_.documentId, fileForm(BINARY, 'x.bin')), 400, 400, 'URL');
    });

    it('400 when the expected field is missing (another field name)', async () => {
      const inline = await created(doc());
      const form = new FormData();
      form.append('content', 'text');
      expectError(await upload(api, apiId, inline.documentId, form), 400, 400, 'inlineContent');
      const file = await created(doc({ sourceType: 'FILE' }));
      expectError(
        await upload(api, apiId, file.documentId, fileForm(BINARY, 'x.bin', 'attachment')),
        400,
        400,
        'file',
      );
    });

    it('400 for a body that is not multipart/form-data', async () => {
      const inline = await created(doc());
      const json = { text: JSON.stringify({ inlineContent: 'text' }), contentType: 'application/json' };
      expectError(await upload(api, apiId, inline.documentId, json), 400, 400, 'multipart');
      // Nothing was stored.
      expect((await content(api, apiId, inline.documentId)).status).toBe(404);
    });
  });

  describe('404s', () => {
    it('for an unknown API on every operation', async () => {
      const any = await created(doc({ inlineContent: 'x' }));
      expectError(await docs.list(api, UNKNOWN), 404, 404);
      expectError(await docs.create(api, UNKNOWN, doc()), 404, 404);
      expectError(await docs.get(api, UNKNOWN, any.documentId), 404, 404);
      expectError(await docs.update(api, UNKNOWN, any.documentId, doc()), 404, 404);
      expectError(await docs.delete(api, UNKNOWN, any.documentId), 404, 404);
      expectError(await content(api, UNKNOWN, any.documentId), 404, 404);
      expectError(await upload(api, UNKNOWN, any.documentId, textForm('x')), 404, 404);
    });

    it('for an unknown document, and for a document of another API', async () => {
      const other = (await api.created(minimalApi())).id;
      const theirs = await created(doc({ inlineContent: 'x' }), other);
      for (const documentId of [UNKNOWN, theirs.documentId]) {
        expectError(await docs.get(api, apiId, documentId), 404, 404);
        expectError(await docs.update(api, apiId, documentId, doc()), 404, 404);
        expectError(await docs.delete(api, apiId, documentId), 404, 404);
        expectError(await content(api, apiId, documentId), 404, 404);
        expectError(await upload(api, apiId, documentId, textForm('x')), 404, 404);
      }
      // Still there, unchanged, under its own API.
      expect((await content(api, other, theirs.documentId)).bytes.toString()).toBe('x');
    });
  });

  describe('names', () => {
    it('409 for a second document of the same name in one API; the same name in another API is fine', async () => {
      const first = await created(doc());
      expectError(
        await docs.create(api, apiId, doc({ name: first.name, type: 'SAMPLES' })),
        409,
        409,
        first.name,
      );

      const other = (await api.created(minimalApi())).id;
      await created(doc({ name: first.name }), other);
    });

    it('409 when a PUT renames a document to the name of another; keeping its own name is fine', async () => {
      const a = await created(doc());
      const b = await created(doc());
      expectError(await docs.update(api, apiId, b.documentId, doc({ name: a.name })), 409, 409, a.name);
      const same = await docs.update(api, apiId, b.documentId, doc({ name: b.name, summary: 'kept name' }));
      expect(same.status, JSON.stringify(same.body)).toBe(200);
      expect(same.body).toMatchObject({ name: b.name, summary: 'kept name' });
      // A rename to a free name.
      const renamed = await docs.update(api, apiId, b.documentId, doc());
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).not.toBe(b.name);
    });
  });

  describe('PUT', () => {
    it('replaces the metadata and keeps the text while sourceType stays', async () => {
      const created_ = await created(doc({ summary: 'one', inlineContent: 'original' }));
      const reply = await docs.update(api, apiId, created_.documentId, {
        name: created_.name,
        type: 'SAMPLES',
        sourceType: 'INLINE',
        visibility: 'PRIVATE',
        summary: 'two',
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toMatchObject({
        documentId: created_.documentId,
        name: created_.name,
        type: 'SAMPLES',
        visibility: 'PRIVATE',
        summary: 'two',
        createdTime: created_.createdTime,
      });
      expect(await docs.get(api, apiId, created_.documentId)).toMatchObject({
        status: 200,
        body: reply.body,
      });
      expect((await content(api, apiId, created_.documentId)).bytes.toString()).toBe('original');

      // inlineContent in the PUT replaces the text.
      const replaced = await docs.update(api, apiId, created_.documentId, {
        ...doc({ name: created_.name }),
        inlineContent: 'replaced',
      });
      expect(replaced.status).toBe(200);
      expect((await content(api, apiId, created_.documentId)).bytes.toString()).toBe('replaced');
    });

    it('keeps the file and its name while sourceType stays FILE', async () => {
      const created_ = await created(doc({ sourceType: 'FILE' }));
      await upload(api, apiId, created_.documentId, fileForm(BINARY, 'kept.bin'));
      const reply = await docs.update(api, apiId, created_.documentId, {
        ...doc({ name: created_.name, sourceType: 'FILE' }),
        summary: 'new summary',
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toMatchObject({ fileName: 'kept.bin', summary: 'new summary' });
      const file = await content(api, apiId, created_.documentId);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-disposition')).toBe('attachment; filename="kept.bin"');
      expect(file.bytes.equals(Buffer.from(BINARY))).toBe(true);
    });

    it('drops the content when sourceType changes', async () => {
      // FILE → INLINE: the file and its name are gone.
      const file = await created(doc({ sourceType: 'FILE' }));
      await upload(api, apiId, file.documentId, fileForm(BINARY, 'gone.bin'));
      const toInline = await docs.update(api, apiId, file.documentId, doc({ name: file.name }));
      expect(toInline.status, JSON.stringify(toInline.body)).toBe(200);
      expect(toInline.body.sourceType).toBe('INLINE');
      expect(toInline.body.fileName).toBeUndefined();
      expectError(await content(api, apiId, file.documentId), 404, 404, 'no content');

      // INLINE → MARKDOWN: the text is gone too (another kind of document).
      const inline = await created(doc({ inlineContent: 'plain text' }));
      const toMarkdown = await docs.update(
        api,
        apiId,
        inline.documentId,
        doc({ name: inline.name, sourceType: 'MARKDOWN' }),
      );
      expect(toMarkdown.status).toBe(200);
      expectError(await content(api, apiId, inline.documentId), 404, 404);

      // … unless the PUT brings new text.
      const withText = await docs.update(api, apiId, inline.documentId, {
        ...doc({ name: inline.name }),
        inlineContent: 'new text',
      });
      expect(withText.status).toBe(200);
      expect((await content(api, apiId, inline.documentId)).bytes.toString()).toBe('new text');

      // INLINE → URL: the content is the redirect; URL → INLINE: no content.
      const toUrl = await docs.update(
        api,
        apiId,
        inline.documentId,
        doc({ name: inline.name, sourceType: 'URL', sourceUrl: 'https://docs.example.com/moved' }),
      );
      expect(toUrl.body).toMatchObject({ sourceType: 'URL', sourceUrl: 'https://docs.example.com/moved' });
      const redirect = await content(api, apiId, inline.documentId);
      expect(redirect.status).toBe(303);
      expect(redirect.headers.get('location')).toBe('https://docs.example.com/moved');
      const back = await docs.update(api, apiId, inline.documentId, doc({ name: inline.name }));
      expect(back.body.sourceUrl).toBeUndefined();
      expectError(await content(api, apiId, inline.documentId), 404, 404);
    });

    it('validates like POST', async () => {
      const created_ = await created(doc());
      const id = created_.documentId;
      expectError(await docs.update(api, apiId, id, doc({ sourceType: 'URL' })), 400, 400, 'sourceUrl');
      expectError(
        await docs.update(api, apiId, id, doc({ sourceUrl: 'https://docs.example.com/' })),
        400,
        400,
        'sourceUrl',
      );
      expectError(await docs.update(api, apiId, id, doc({ type: 'OTHER' })), 400, 400, 'otherTypeName');
      expectError(
        await docs.update(api, apiId, id, doc({ sourceType: 'FILE', inlineContent: 'x' })),
        400,
        400,
        'inlineContent',
      );
      // Nothing changed.
      expect((await docs.get(api, apiId, id)).body).toEqual(created_);
    });
  });

  describe('request bodies the schema rejects', () => {
    it('400 for a missing or invalid field', async () => {
      const bodies: Json[] = [
        { type: 'HOWTO', sourceType: 'INLINE', visibility: 'API_LEVEL' },
        doc({ name: '' }),
        doc({ type: 'README' }),
        doc({ sourceType: 'PDF' }),
        doc({ visibility: 'EVERYONE' }),
        doc({ summary: '' }),
      ];
      for (const body of bodies) {
        const reply = await docs.create(api, apiId, body);
        expect(reply.status, JSON.stringify(body)).toBe(400);
        expectError(reply, 400, 400);
      }
    });
  });

  describe('list', () => {
    it('lists an API’s documents by name, with limit/offset and pagination links', async () => {
      const own = (await api.created(minimalApi())).id;
      expect((await docs.list(api, own)).body).toEqual({
        count: 0,
        list: [],
        pagination: { offset: 0, limit: 25, total: 0, next: '', previous: '' },
      });
      const c = await created(doc({ name: 'doc-c' }), own);
      const a = await created(
        doc({ name: 'doc-a', sourceType: 'URL', sourceUrl: 'https://x.example.com/' }),
        own,
      );
      const b = await created(doc({ name: 'doc-b', sourceType: 'FILE' }), own);

      const all = await docs.list(api, own);
      expect(all.status).toBe(200);
      expect(all.body).toEqual({
        count: 3,
        list: [a, b, c],
        pagination: { offset: 0, limit: 25, total: 3, next: '', previous: '' },
      });

      const first = await docs.list(api, own, { limit: 2 });
      expect(first.body.count).toBe(2);
      expect(first.body.list.map((d: Json) => d.name)).toEqual(['doc-a', 'doc-b']);
      expect(first.body.pagination).toEqual({
        offset: 0,
        limit: 2,
        total: 3,
        next: `/apis/${own}/documents?limit=2&offset=2`,
        previous: '',
      });

      const second = await docs.list(api, own, { limit: 2, offset: 2 });
      expect(second.body.count).toBe(1);
      expect(second.body.list).toEqual([c]);
      expect(second.body.pagination).toEqual({
        offset: 2,
        limit: 2,
        total: 3,
        next: '',
        previous: `/apis/${own}/documents?limit=2&offset=0`,
      });

      const middle = await docs.list(api, own, { limit: 1, offset: 1 });
      expect(middle.body.list).toEqual([b]);
      expect(middle.body.pagination).toMatchObject({
        next: `/apis/${own}/documents?limit=1&offset=2`,
        previous: `/apis/${own}/documents?limit=1&offset=0`,
      });

      const past = await docs.list(api, own, { offset: 10 });
      expect(past.body).toMatchObject({ count: 0, list: [], pagination: { total: 3, offset: 10 } });

      // Documents of other APIs are not listed.
      expect((await docs.list(api, apiId)).body.list.map((d: Json) => d.documentId)).not.toContain(
        a.documentId,
      );
    });

    it('400 for a limit or offset out of bounds', async () => {
      const bounds: Record<string, string | number>[] = [
        { limit: 0 },
        { limit: 1001 },
        { offset: -1 },
        { limit: 'ten' },
      ];
      for (const params of bounds) {
        const reply = await docs.list(api, apiId, params);
        expect(reply.status, JSON.stringify(params)).toBe(400);
        expectError(reply, 400, 400);
      }
    });
  });

  describe('DELETE', () => {
    it('deletes a document, which then is gone everywhere', async () => {
      const own = (await api.created(minimalApi())).id;
      const gone = await created(doc({ inlineContent: 'bye' }), own);
      const kept = await created(doc(), own);
      const reply = await docs.delete(api, own, gone.documentId);
      expect(reply.status).toBe(200);
      expect(reply.body).toBeUndefined();
      expectError(await docs.get(api, own, gone.documentId), 404, 404);
      expectError(await content(api, own, gone.documentId), 404, 404);
      expectError(await docs.delete(api, own, gone.documentId), 404, 404);
      expect((await docs.list(api, own)).body.list).toEqual([kept]);
      // Its name is free again.
      await created(doc({ name: gone.name }), own);
    });

    it('deleting the API deletes its documents', async () => {
      const own = await api.created(minimalApi());
      const inline = await created(doc({ inlineContent: 'x' }), own.id);
      const file = await created(doc({ sourceType: 'FILE' }), own.id);
      await upload(api, own.id, file.documentId, fileForm(BINARY, 'f.bin'));
      expect((await api.delete(own.id)).status).toBe(200);
      expectError(await docs.list(api, own.id), 404, 404);
      for (const d of [inline, file]) {
        expectError(await docs.get(api, own.id, d.documentId), 404, 404);
        expectError(await content(api, own.id, d.documentId), 404, 404);
      }
      // A new API of the same name and context starts without documents.
      const again = await api.created({ name: own.name, context: own.context, version: own.version });
      expect((await docs.list(api, again.id)).body.count).toBe(0);
    });
  });

  describe('scopes', () => {
    async function withScope(scope: string): Promise<PublisherApi> {
      const tokens = await ctx.tokenFor(adminCredentials(ctx.node), scope);
      expect(tokens.scope).toBe(scope);
      return api.withToken(tokens.access_token);
    }

    it('apim:api_view, api_create or api_publish reads documents; only api_create or api_publish changes them', async () => {
      const file = await created(doc({ sourceType: 'FILE' }));
      await upload(api, apiId, file.documentId, fileForm(BINARY, 'r.bin'));

      for (const scope of ['apim:api_view', 'apim:api_create', 'apim:api_publish']) {
        const reader = await withScope(scope);
        expect((await docs.list(reader, apiId)).status, scope).toBe(200);
        expect((await docs.get(reader, apiId, file.documentId)).status, scope).toBe(200);
        expect((await content(reader, apiId, file.documentId)).status, scope).toBe(200);
      }

      const viewer = await withScope('apim:api_view');
      const target = await created(doc({ inlineContent: 'x' }));
      for (const reply of [
        await docs.create(viewer, apiId, doc()),
        await docs.update(viewer, apiId, target.documentId, doc({ name: target.name })),
        await docs.delete(viewer, apiId, target.documentId),
        await upload(viewer, apiId, target.documentId, textForm('y')),
      ]) {
        expectError(reply, 403, 900910);
        expect(reply.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
      }
      expect((await content(api, apiId, target.documentId)).bytes.toString()).toBe('x');

      for (const scope of ['apim:api_create', 'apim:api_publish']) {
        const writer = await withScope(scope);
        const made = await docs.create(writer, apiId, doc());
        expect(made.status, scope).toBe(201);
        const id = made.body.documentId;
        expect((await upload(writer, apiId, id, textForm('text'))).status, scope).toBe(200);
        expect((await docs.update(writer, apiId, id, doc({ name: made.body.name }))).status, scope).toBe(200);
        expect((await docs.delete(writer, apiId, id)).status, scope).toBe(200);
      }
    });

    it('apim:api_delete alone neither reads nor changes documents; no token is 401', async () => {
      const target = await created(doc({ inlineContent: 'x' }));
      const deleter = await withScope('apim:api_delete');
      expectError(await docs.list(deleter, apiId), 403, 900910);
      expectError(await docs.get(deleter, apiId, target.documentId), 403, 900910);
      expectError(await content(deleter, apiId, target.documentId), 403, 900910);
      expectError(await docs.delete(deleter, apiId, target.documentId), 403, 900910);

      const anonymous = api.withToken(null);
      expectError(await docs.list(anonymous, apiId), 401, 900902);
      expectError(await docs.get(anonymous, apiId, target.documentId), 401, 900902);
      expectError(await docs.create(anonymous, apiId, doc()), 401, 900902);
      expectError(await content(anonymous, apiId, target.documentId), 401, 900902);
      expectError(await upload(anonymous, apiId, target.documentId, textForm('y')), 401, 900902);
      expect((await content(api, apiId, target.documentId)).bytes.toString()).toBe('x');
    });
  });
});
