/**
 * Publisher API v4 revisions: create, list, get, delete, WSO2's limit of five revisions, the
 * `deployed:true|false` filter, 404s and scopes. Runs on SQLite and on a fresh PostgreSQL database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../support/services.js';
import { expectError, startPublisherNode, type Json, type PublisherContext } from './apis-client.js';
import { Revisions, expectRecent, isoTime, newApi, revisionsWithScope } from './revisions-client.js';

const postgresUp = await postgresAvailable();

describe.each(['sqlite', 'postgres'] as const)('API revisions [%s]', (engine) => {
  if (engine === 'postgres' && !postgresUp) return;
  let ctx: PublisherContext;
  let revisions: Revisions;

  beforeAll(async () => {
    ctx = await startPublisherNode(engine);
    revisions = new Revisions(ctx.apis);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const listOf = async (apiId: string, filter?: string): Promise<Json[]> => {
    const reply = await revisions.list(apiId, filter);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.count).toBe(reply.body.list.length);
    return reply.body.list as Json[];
  };

  it('a new API has no revisions', async () => {
    const api = await newApi(ctx);
    const reply = await revisions.list(api.id);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ count: 0, list: [] });
  });

  it('creates numbered revisions, gets them and lists them in order', async () => {
    const api = await newApi(ctx);
    const first = await revisions.created(api.id, 'first cut');
    expect(first).toEqual({
      displayName: 'Revision 1',
      id: expect.any(String),
      description: 'first cut',
      createdTime: isoTime(),
      apiInfo: { id: api.id },
      deploymentInfo: [],
    });
    expectRecent(first.createdTime);

    const second = await revisions.created(api.id);
    expect(second).toMatchObject({ displayName: 'Revision 2', apiInfo: { id: api.id }, deploymentInfo: [] });
    expect(second.id).not.toBe(first.id);

    const got = await revisions.get(api.id, first.id);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(first);

    const list = await listOf(api.id);
    expect(list.map((r) => r.displayName)).toEqual(['Revision 1', 'Revision 2']);
    expect(list[0]).toEqual(first);
    expect(list[1]).toEqual(second);
  });

  it('revisions belong to their API', async () => {
    const a = await newApi(ctx);
    const b = await newApi(ctx);
    const ofA = await revisions.created(a.id, 'of a');
    expect(await listOf(b.id)).toEqual([]);
    expectError(await revisions.get(b.id, ofA.id), 404, 404, ofA.id);
    expectError(await revisions.delete(b.id, ofA.id), 404, 404, ofA.id);
    // B's first revision is its own "Revision 1".
    expect((await revisions.created(b.id)).displayName).toBe('Revision 1');
    expect(await listOf(a.id)).toHaveLength(1);
  });

  it('deletes a revision and answers the remaining ones', async () => {
    const api = await newApi(ctx);
    const r1 = await revisions.created(api.id, 'one');
    const r2 = await revisions.created(api.id, 'two');
    const r3 = await revisions.created(api.id, 'three');

    const deleted = await revisions.delete(api.id, r2.id);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(deleted.body).toEqual({ count: 2, list: [r1, r3] });

    expectError(await revisions.get(api.id, r2.id), 404, 404, r2.id);
    expectError(await revisions.delete(api.id, r2.id), 404, 404, r2.id);
    expect((await listOf(api.id)).map((r) => r.id)).toEqual([r1.id, r3.id]);
  });

  it('keeps at most five revisions: the sixth is refused until one is deleted', async () => {
    const api = await newApi(ctx);
    const created: Json[] = [];
    for (let i = 1; i <= 5; i++) created.push(await revisions.created(api.id, `r${i}`));
    expect(created.map((r) => r.displayName)).toEqual([1, 2, 3, 4, 5].map((n) => `Revision ${n}`));

    expectError(await revisions.create(api.id, { description: 'sixth' }), 400, 400, '5');
    expect(await listOf(api.id)).toHaveLength(5);

    const remaining = await revisions.delete(api.id, created[0].id);
    expect(remaining.status).toBe(200);
    expect(remaining.body.count).toBe(4);

    // Numbers go on from the highest: the next one is Revision 6, not a reused 1.
    const sixth = await revisions.created(api.id, 'sixth');
    expect(sixth.displayName).toBe('Revision 6');
    expectError(await revisions.create(api.id, {}), 400, 400);
    expect((await listOf(api.id)).map((r) => r.displayName)).toEqual(
      [2, 3, 4, 5, 6].map((n) => `Revision ${n}`),
    );
  });

  it('filters on deployed:true and deployed:false', async () => {
    const api = await newApi(ctx);
    const r1 = await revisions.created(api.id, 'live');
    const r2 = await revisions.created(api.id, 'draft');
    expect(await listOf(api.id, 'deployed:true')).toEqual([]);
    expect((await listOf(api.id, 'deployed:false')).map((r) => r.id)).toEqual([r1.id, r2.id]);

    await revisions.deployed(api.id, r1.id, [{ name: 'Default', vhost: 'localhost' }]);

    const live = await listOf(api.id, 'deployed:true');
    expect(live.map((r) => r.id)).toEqual([r1.id]);
    expect(live[0].deploymentInfo).toEqual([
      expect.objectContaining({
        revisionUuid: r1.id,
        name: 'Default',
        vhost: 'localhost',
        status: 'APPROVED',
      }),
    ]);
    expect((await listOf(api.id, 'deployed:false')).map((r) => r.id)).toEqual([r2.id]);
    expect((await listOf(api.id)).map((r) => r.id)).toEqual([r1.id, r2.id]);
    expect((await revisions.get(api.id, r1.id)).body.deploymentInfo).toEqual(live[0].deploymentInfo);

    expectError(await revisions.list(api.id, 'deployed:maybe'), 400, 400, 'query');
  });

  it('answers 404 for an unknown API or revision', async () => {
    const api = await newApi(ctx);
    const unknown = '3f7c0c3e-0000-4000-8000-000000000000';
    expectError(await revisions.list(unknown), 404, 404, unknown);
    expectError(await revisions.create(unknown, { description: 'x' }), 404, 404, unknown);
    expectError(await revisions.get(unknown, unknown), 404, 404, unknown);
    expectError(await revisions.get(api.id, unknown), 404, 404, unknown);
    expectError(await revisions.delete(api.id, unknown), 404, 404, unknown);
  });

  it('refuses a description longer than 255 characters', async () => {
    const api = await newApi(ctx);
    expectError(await revisions.create(api.id, { description: 'x'.repeat(256) }), 400, 400, 'description');
    expect((await revisions.created(api.id, 'x'.repeat(255))).description).toHaveLength(255);
  });

  it('needs apim:api_view, apim:api_create or apim:api_publish to read, and create or publish to change', async () => {
    const api = await newApi(ctx);
    const existing = await revisions.created(api.id, 'existing');

    const viewer = await revisionsWithScope(ctx, 'apim:api_view');
    expect((await viewer.list(api.id)).status).toBe(200);
    expect((await viewer.get(api.id, existing.id)).status).toBe(200);
    expectError(await viewer.create(api.id, { description: 'no' }), 403, 900910);
    expectError(await viewer.delete(api.id, existing.id), 403, 900910);

    const publisher = await revisionsWithScope(ctx, 'apim:api_publish');
    expect((await publisher.list(api.id)).status).toBe(200);
    const byPublisher = await publisher.created(api.id, 'by publisher');
    expect((await publisher.delete(api.id, byPublisher.id)).status).toBe(200);

    const creator = await revisionsWithScope(ctx, 'apim:api_create');
    expect((await creator.get(api.id, existing.id)).status).toBe(200);
    const byCreator = await creator.created(api.id, 'by creator');
    expect((await creator.delete(api.id, byCreator.id)).status).toBe(200);

    const deleter = await revisionsWithScope(ctx, 'apim:api_delete');
    expectError(await deleter.list(api.id), 403, 900910);
    expectError(await deleter.create(api.id, {}), 403, 900910);

    const anonymous = revisions.withToken(null);
    expectError(await anonymous.list(api.id), 401, 900902);
    expectError(await anonymous.create(api.id, {}), 401, 900902);

    expect((await listOf(api.id)).map((r) => r.id)).toEqual([existing.id]);
  });
});
