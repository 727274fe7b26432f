/**
 * GET /apis/{apiId}/documents[/{documentId}[/content]] of the Developer Portal: the Publisher's documents of
 * a catalogue API, read-only. API_LEVEL documents go with the API (anyone who sees it), PRIVATE ones only to
 * signed-in users, OWNER_ONLY ones never; an API the caller may not see has no documents to show (404).
 */
import { FormData } from 'undici';
import { beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { expectError, useDevportalNode, type Devportal, type Json } from './devportal-client.js';

const DOCS = '/apis/{apiId}/documents';
const DOC = '/apis/{apiId}/documents/{documentId}';

describeEachEngine('devportal catalogue: documents', (engine) => {
  const ctx = useDevportalNode(engine);
  let api: Json;
  const docs: Record<string, Json> = {};

  /** A document added through the Publisher, with its text content when given. */
  async function published(apiId: string, body: Json, text?: string): Promise<Json> {
    const created = await ctx.apis.call('POST', `/apis/${apiId}/documents`, {
      body: { type: 'HOWTO', sourceType: 'INLINE', visibility: 'API_LEVEL', ...body },
      template: DOCS,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    if (text !== undefined) {
      const form = new FormData();
      form.append('inlineContent', text);
      const response = await ctx.node.fetch(
        `${ctx.node.baseUrl}/api/am/publisher/v4/apis/${apiId}/documents/${created.body.documentId}/content`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${ctx.apis.token}` },
          body: form as unknown as string,
        },
      );
      expect(response.status).toBe(200);
    }
    return created.body;
  }

  const list = (portal: Devportal, apiId: string) => portal.call('GET', `/apis/${apiId}/documents`, DOCS);
  const get = (portal: Devportal, apiId: string, documentId: string) =>
    portal.call('GET', `/apis/${apiId}/documents/${documentId}`, DOC);
  const content = async (portal: Devportal, apiId: string, documentId: string) => {
    const response = await ctx.node.fetch(
      `${ctx.node.baseUrl}/api/am/devportal/v3/apis/${apiId}/documents/${documentId}/content`,
      { headers: portal.token ? { authorization: `Bearer ${portal.token}` } : {}, redirect: 'manual' },
    );
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  beforeAll(async () => {
    api = await ctx.deployedApi();
    docs.guide = await published(api.id, { name: 'Guide', summary: 'How to start' }, '# Start. Call it.');
    docs.private = await published(api.id, { name: 'Internal', visibility: 'PRIVATE' }, 'members');
    docs.owner = await published(api.id, { name: 'Notes', visibility: 'OWNER_ONLY' }, 'secret');
    docs.link = await published(api.id, {
      name: 'Forum',
      type: 'PUBLIC_FORUM',
      sourceType: 'URL',
      sourceUrl: 'https://forum.example.com/weather',
    });
  });

  it('lists the API_LEVEL documents to anyone, without authoring fields', async () => {
    const reply = await list(ctx.anonymous, api.id);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.list).toEqual([
      {
        documentId: docs.link?.documentId,
        name: 'Forum',
        type: 'PUBLIC_FORUM',
        sourceType: 'URL',
        sourceUrl: 'https://forum.example.com/weather',
      },
      {
        documentId: docs.guide?.documentId,
        name: 'Guide',
        type: 'HOWTO',
        summary: 'How to start',
        sourceType: 'INLINE',
      },
    ]);
    expect(reply.body.pagination).toMatchObject({ total: 2, offset: 0 });
  });

  it('adds PRIVATE documents for a signed-in user; never OWNER_ONLY ones', async () => {
    const { portal } = await ctx.newUser();
    const reply = await list(portal, api.id);
    expect(reply.body.list.map((d: Json) => d.name)).toEqual(['Forum', 'Guide', 'Internal']);
    expectError(await get(portal, api.id, docs.owner?.documentId), 404, 404);
    expect((await content(portal, api.id, docs.owner?.documentId)).status).toBe(404);
    expect((await content(portal, api.id, docs.private?.documentId)).text).toBe('members');
    expectError(await get(ctx.anonymous, api.id, docs.private?.documentId), 404, 404);
  });

  it('gives a document and its content: text as text, a URL document as a 303 to it', async () => {
    const reply = await get(ctx.anonymous, api.id, docs.guide?.documentId);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ name: 'Guide', sourceType: 'INLINE' });
    const text = await content(ctx.anonymous, api.id, docs.guide?.documentId);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text.text).toBe('# Start. Call it.');
    const link = await content(ctx.anonymous, api.id, docs.link?.documentId);
    expect(link.status).toBe(303);
    expect(link.headers.get('location')).toBe('https://forum.example.com/weather');
  });

  it('an API outside the catalogue (not published, or not visible) has no documents: 404', async () => {
    const created = await ctx.deployedApi({}, 'CREATED');
    const draft = await published(created.id, { name: 'Draft guide' }, 'soon');
    expectError(await list(ctx.portal, created.id), 404, 404);
    expectError(await get(ctx.portal, created.id, draft.documentId), 404, 404);
    expect((await content(ctx.portal, created.id, draft.documentId)).status).toBe(404);
    const hidden = await ctx.deployedApi({ visibility: 'RESTRICTED', visibleRoles: ['creator'] });
    await published(hidden.id, { name: 'Hidden guide' });
    const { portal } = await ctx.newUser();
    expectError(await list(portal, hidden.id), 404, 404);
    expect((await list(ctx.portal, hidden.id)).body.count).toBe(1);
  });

  it('a document of another API is not found', async () => {
    const other = await ctx.deployedApi();
    expectError(await get(ctx.anonymous, other.id, docs.guide?.documentId), 404, 404);
  });
});
