/**
 * GET /apis of the Developer Portal: the query filter (attribute:value terms and bare words) and limit/offset
 * pagination with WSO2's `pagination` links.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { expectError, uniqueName, useDevportalNode, type Json } from './devportal-client.js';

describeEachEngine('devportal catalogue: list', (engine) => {
  const ctx = useDevportalNode(engine);
  /** Five published APIs sharing a unique prefix, sorted by name; the third is tagged and described. */
  const prefix = uniqueName('cat');
  let apis: Json[];

  beforeAll(async () => {
    apis = [];
    for (const letter of ['a', 'b', 'c', 'd', 'e']) {
      const name = `${prefix}-${letter}`;
      const tagged = letter === 'c' ? { tags: ['weather'], description: 'Forecasts' } : {};
      apis.push(await ctx.deployedApi({ name, context: `/${name}`, ...tagged }));
    }
    // Same prefix, not in the catalogue.
    await ctx.deployedApi({ name: `${prefix}-f`, context: `/${prefix}-f` }, 'CREATED');
  });

  const names = (reply: { body: Json }) => reply.body.list.map((a: Json) => a.name);

  it('each item is an APIInfo: versioned context, tags, tiers, lifecycle, subscription availability', async () => {
    const reply = await ctx.anonymous.listApis({ query: `name:${prefix}-c` });
    expect(reply.status).toBe(200);
    const api = apis[2];
    expect(reply.body.list).toEqual([
      {
        id: api.id,
        name: api.name,
        description: 'Forecasts',
        context: `/${api.name}/1.0.0`,
        version: '1.0.0',
        type: 'HTTP',
        createdTime: api.createdTime,
        provider: 'admin',
        lifeCycleStatus: 'PUBLISHED',
        tags: ['weather'],
        throttlingPolicies: ['Gold'],
        isSubscriptionAvailable: true,
      },
    ]);
  });

  it('query: a bare word matches names; name:, tag:, context:, provider: and version: filter', async () => {
    expect(names(await ctx.anonymous.listApis({ query: prefix }))).toEqual(apis.map((a) => a.name));
    expect(names(await ctx.anonymous.listApis({ query: `name:${prefix}-b` }))).toEqual([`${prefix}-b`]);
    expect(names(await ctx.anonymous.listApis({ query: `tag:weather name:${prefix}` }))).toEqual([
      `${prefix}-c`,
    ]);
    expect(names(await ctx.anonymous.listApis({ query: `context:/${prefix}-d` }))).toEqual([`${prefix}-d`]);
    expect(names(await ctx.anonymous.listApis({ query: `provider:admin ${prefix}-e` }))).toEqual([
      `${prefix}-e`,
    ]);
    expect(names(await ctx.anonymous.listApis({ query: `version:2.0.0 ${prefix}` }))).toEqual([]);
    const none = await ctx.anonymous.listApis({ query: `${prefix}-zzz` });
    expect(none.body).toEqual({
      count: 0,
      list: [],
      pagination: { offset: 0, limit: 25, total: 0, next: '', previous: '' },
    });
  });

  it('query: an unknown attribute is a 400', async () => {
    expectError(await ctx.anonymous.listApis({ query: 'colour:blue' }), 400, 400, 'colour');
  });

  it('limit and offset page through the matches, with next and previous links', async () => {
    const query = `name:${prefix}`;
    const first = await ctx.anonymous.listApis({ query, limit: 2, offset: 0 });
    expect(names(first)).toEqual([`${prefix}-a`, `${prefix}-b`]);
    const link = (offset: number) =>
      `/apis?${new URLSearchParams({ limit: '2', offset: String(offset), query }).toString()}`;
    expect(first.body.count).toBe(2);
    expect(first.body.pagination).toEqual({
      offset: 0,
      limit: 2,
      total: 5,
      next: link(2),
      previous: '',
    });
    const second = await ctx.anonymous.listApis({ query, limit: 2, offset: 2 });
    expect(names(second)).toEqual([`${prefix}-c`, `${prefix}-d`]);
    expect(second.body.pagination).toMatchObject({
      total: 5,
      next: link(4),
      previous: link(0),
    });
    const last = await ctx.anonymous.listApis({ query, limit: 2, offset: 4 });
    expect(names(last)).toEqual([`${prefix}-e`]);
    expect(last.body).toMatchObject({ count: 1, pagination: { total: 5, next: '' } });
    const beyond = await ctx.anonymous.listApis({ query, limit: 2, offset: 10 });
    expect(beyond.body).toMatchObject({ count: 0, list: [], pagination: { total: 5, next: '' } });
  });

  it('limit and offset out of bounds are a 400', async () => {
    for (const params of [{ limit: 0 }, { limit: -1 }, { offset: -1 }]) {
      expectError(await ctx.anonymous.listApis(params), 400, 400);
    }
  });
});
