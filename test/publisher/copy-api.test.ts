/**
 * POST /apis/copy-api?apiId=…&newVersion=…&defaultVersion=… (publisher API v4): a new version of an API, with
 * the same name and context and everything else copied, in CREATED; its OpenAPI definition carries the new
 * version. defaultVersion=true moves isDefaultVersion from the other versions. On SQLite and PostgreSQL.
 *
 * Every JSON reply is checked against WSO2's publisher-api.yaml (`expectPublisherContract`; the definition
 * has no 409 for copy-api, so that one is checked against the Error schema). GET /apis/{apiId}/swagger is
 * documented as a JSON string: its raw text is what is validated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCredentials } from '../support/oauth-helpers.js';
import type { Engine, Json } from './admin-client.js';
import {
  PUBLISHER,
  expectError,
  expectPublisherContract,
  fullApi,
  minimalApi,
  publishableApi,
  startPublisherNode,
  type PublisherApi,
  type PublisherContext,
  type PublisherReply,
} from './apis-client.js';

const COPY = '/apis/copy-api';
const SWAGGER = '/apis/{apiId}/swagger';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/** POST /apis/copy-api with these query parameters (booleans and all, as strings). */
function copy(api: PublisherApi, params: Record<string, string | boolean>): Promise<PublisherReply> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  return api.call('POST', `${COPY}?${query.toString()}`, { template: COPY });
}

/** GET /apis/{apiId}/swagger, parsed; its raw text is checked as the definition's JSON string. */
async function swagger(api: PublisherApi, id: string): Promise<Json> {
  const response = await api.node.fetch(
    `${api.node.baseUrl}${PUBLISHER}/apis/${encodeURIComponent(id)}/swagger`,
    { headers: { authorization: `Bearer ${api.token}` } },
  );
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expectPublisherContract('GET', SWAGGER, 200, text);
  return JSON.parse(text);
}

/** The parts of an operation a copy keeps. */
const operationShape = (operations: Json[]) =>
  operations.map(({ target, verb, authType, throttlingPolicy, scopes }: Json) => ({
    target,
    verb,
    authType,
    throttlingPolicy,
    scopes,
  }));

describe.each<Engine>(['sqlite', 'postgres'])('copy-api on %s', (engine) => {
  let ctx: PublisherContext;
  let api: PublisherApi;

  beforeAll(async () => {
    ctx = await startPublisherNode(engine);
    api = ctx.apis;
  }, 120_000);
  afterAll(async () => {
    await ctx?.close();
  });

  async function copied(params: Record<string, string | boolean>): Promise<PublisherReply> {
    const reply = await copy(api, params);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply;
  }

  it('copies the documents, and keeps their content', async () => {
    const source = (await api.call('POST', '/apis', { body: minimalApi() })).body;
    const document = await api.call('POST', `/apis/${source.id}/documents`, {
      template: '/apis/{apiId}/documents',
      body: {
        name: 'Guide',
        type: 'HOWTO',
        sourceType: 'INLINE',
        inlineContent: 'Hello',
        visibility: 'API_LEVEL',
      },
    });
    expect(document.status).toBe(201);
    const copy_ = (await copied({ apiId: source.id, newVersion: '9.9.9' })).body;
    const listed = await api.call('GET', `/apis/${copy_.id}/documents`, {
      template: '/apis/{apiId}/documents',
    });
    expect(listed.body.list.map((d: Json) => d.name)).toEqual(['Guide']);
    const content = await api.node.fetch(
      `${api.node.baseUrl}${PUBLISHER}/apis/${copy_.id}/documents/${listed.body.list[0].documentId}/content`,
      { headers: { authorization: `Bearer ${api.token}` } },
    );
    expect(await content.text()).toBe('Hello');
  });

  it('copies an API to a new version: same name and context, CREATED, everything else copied', async () => {
    const source = await api.created(fullApi());
    await api.move(source.id, 'Publish');
    const original = (await api.get(source.id)).body;
    expect(original.lifeCycleStatus).toBe('PUBLISHED');

    const reply = await copied({ apiId: source.id, newVersion: '3.0.0', defaultVersion: false });
    const copy_ = reply.body;
    expect(reply.headers.get('location')).toBe(`${PUBLISHER}/apis/${copy_.id}`);
    expect(copy_.id).not.toBe(source.id);
    expect(copy_).toMatchObject({
      name: original.name,
      context: original.context,
      version: '3.0.0',
      lifeCycleStatus: 'CREATED',
      isDefaultVersion: false,
      provider: 'admin',
      description: original.description,
      type: original.type,
      transport: original.transport,
      tags: original.tags,
      policies: original.policies,
      apiThrottlingPolicy: original.apiThrottlingPolicy,
      authorizationHeader: original.authorizationHeader,
      securityScheme: original.securityScheme,
      maxTps: original.maxTps,
      visibility: original.visibility,
      visibleRoles: original.visibleRoles,
      endpointConfig: original.endpointConfig,
      corsConfiguration: original.corsConfiguration,
      scopes: original.scopes,
    });
    expect(copy_.policies).toEqual(['Gold', 'Bronze']);
    expect(operationShape(copy_.operations)).toEqual(operationShape(original.operations));
    expect(copy_.operations.map((o: Json) => [o.verb, o.target, o.authType, o.throttlingPolicy])).toEqual(
      expect.arrayContaining([
        ['GET', '/menu', 'Application & Application User', 'Unlimited'],
        ['POST', '/order/{orderId}', 'Application User', '20KPerMin'],
      ]),
    );

    // GET answers the same; the original is untouched (still PUBLISHED, still the default version).
    expect((await api.get(copy_.id)).body).toEqual(copy_);
    const after = (await api.get(source.id)).body;
    expect(after).toMatchObject({ version: '2.1.0', lifeCycleStatus: 'PUBLISHED', isDefaultVersion: true });

    // Both versions are listed under the name.
    const listed = await api.list({ query: `name:${original.name}` });
    expect(listed.body.list.map((a: Json) => a.version).sort()).toEqual(['2.1.0', '3.0.0']);
  });

  it('the copy’s OpenAPI definition has the new version and the same paths', async () => {
    const source = await api.created(fullApi());
    const { body: copy_ } = await copied({ apiId: source.id, newVersion: 'v4-beta' });
    const before = await swagger(api, source.id);
    const after = await swagger(api, copy_.id);
    expect(after.info.version).toBe('v4-beta');
    expect(before.info.version).toBe('2.1.0');
    expect(after.info.title).toBe(before.info.title);
    expect(Object.keys(after.paths).sort()).toEqual(Object.keys(before.paths).sort());
    for (const [path, item] of Object.entries(before.paths as Record<string, Json>)) {
      expect(Object.keys(after.paths[path]).sort(), path).toEqual(Object.keys(item).sort());
    }
  });

  it('copies an API without explicit operations (the default /* resources) and its minimal fields', async () => {
    const source = await api.created(minimalApi());
    const { body: copy_ } = await copied({ apiId: source.id, newVersion: '1.0.1' });
    expect(copy_).toMatchObject({ name: source.name, context: source.context, version: '1.0.1' });
    expect(operationShape(copy_.operations)).toEqual(operationShape(source.operations));
    // A copy can be copied again.
    const { body: third } = await copied({ apiId: copy_.id, newVersion: '1.0.2' });
    expect(third).toMatchObject({ name: source.name, context: source.context, version: '1.0.2' });
  });

  it('defaultVersion=true makes the copy the default version, and the original no longer', async () => {
    const source = await api.created(publishableApi({ isDefaultVersion: true }));
    expect(source.isDefaultVersion).toBe(true);
    const { body: copy_ } = await copied({ apiId: source.id, newVersion: '2.0.0', defaultVersion: true });
    expect(copy_.isDefaultVersion).toBe(true);
    expect((await api.get(copy_.id)).body.isDefaultVersion).toBe(true);
    expect((await api.get(source.id)).body.isDefaultVersion).toBe(false);

    // Another copy, not default: the default stays where it is.
    const { body: next } = await copied({ apiId: source.id, newVersion: '3.0.0', defaultVersion: false });
    expect(next.isDefaultVersion).toBe(false);
    expect((await api.get(copy_.id)).body.isDefaultVersion).toBe(true);

    // From an API that is not default, to a default copy.
    const { body: last } = await copied({ apiId: next.id, newVersion: '4.0.0', defaultVersion: true });
    expect(last.isDefaultVersion).toBe(true);
    const flags = await Promise.all(
      [source.id, copy_.id, next.id, last.id].map(async (id) => (await api.get(id)).body.isDefaultVersion),
    );
    expect(flags).toEqual([false, false, false, true]);
  });

  it('defaultVersion defaults to false', async () => {
    const source = await api.created(minimalApi({ isDefaultVersion: true }));
    const { body: copy_ } = await copied({ apiId: source.id, newVersion: '9.9.9' });
    expect(copy_.isDefaultVersion).toBe(false);
    expect((await api.get(source.id)).body.isDefaultVersion).toBe(true);
  });

  it('409 for a version that exists, and nothing is created', async () => {
    const source = await api.created(minimalApi());
    expectError(await copy(api, { apiId: source.id, newVersion: source.version }), 409, 409, source.version);
    await copied({ apiId: source.id, newVersion: '2.0.0' });
    expectError(await copy(api, { apiId: source.id, newVersion: '2.0.0' }), 409, 409, '2.0.0');
    const listed = await api.list({ query: `name:${source.name}` });
    expect(listed.body.count).toBe(2);
  });

  it('400 for a bad version string, or a missing parameter', async () => {
    const source = await api.created(minimalApi());
    for (const newVersion of ['2.0 beta', '2.0/x', '', 'v#2', '1'.repeat(31), ' 2.0', '2.0\t']) {
      const reply = await copy(api, { apiId: source.id, newVersion });
      expect(reply.status, JSON.stringify(newVersion)).toBe(400);
      expectError(reply, 400, 400);
    }
    expectError(await copy(api, { apiId: source.id }), 400, 400);
    expectError(await copy(api, { newVersion: '2.0.0' }), 400, 400);
    expectError(
      await copy(api, { apiId: source.id, newVersion: '2.0.0', defaultVersion: 'maybe' }),
      400,
      400,
    );
    expect((await api.list({ query: `name:${source.name}` })).body.count).toBe(1);
  });

  it('404 for an unknown apiId', async () => {
    expectError(await copy(api, { apiId: UNKNOWN, newVersion: '2.0.0' }), 404, 404);
  });

  it('needs apim:api_create: api_publish, api_view and api_delete are 403, no token 401', async () => {
    const source = await api.created(minimalApi());
    for (const scope of ['apim:api_publish', 'apim:api_view', 'apim:api_delete']) {
      const tokens = await ctx.tokenFor(adminCredentials(ctx.node), scope);
      expect(tokens.scope).toBe(scope);
      const reply = await copy(api.withToken(tokens.access_token), { apiId: source.id, newVersion: '2.0.0' });
      expectError(reply, 403, 900910, 'apim:api_create');
    }
    expectError(await copy(api.withToken(null), { apiId: source.id, newVersion: '2.0.0' }), 401, 900902);
    expect((await api.list({ query: `name:${source.name}` })).body.count).toBe(1);

    const tokens = await ctx.tokenFor(adminCredentials(ctx.node), 'apim:api_create');
    const creator = api.withToken(tokens.access_token);
    const reply = await copy(creator, { apiId: source.id, newVersion: '2.0.0' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  });
});
