/**
 * GET /api/am/publisher/v4/apis: the {count, list, pagination} envelope, limit/offset and their bounds, the
 * `query` attributes (name, tag, status, context, version, provider, bare words) and sorting.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserAdmin } from '../support/oauth-helpers.js';
import {
  PublisherApi,
  expectError,
  publishableApi,
  startPublisherNode,
  uniqueName,
  type Json,
  type PublisherContext,
} from './apis-client.js';

let ctx: PublisherContext;
/** Prefix of every API name of this suite, so that queries select them alone. */
const p = `lst${randomBytes(3).toString('hex')}`;
let creatorName: string;

interface Seed {
  name: string;
  version: string;
  tags: string[];
  actions: string[];
  byCreator?: boolean;
}

/** Created in this order, a few milliseconds apart. */
const SEEDS: Seed[] = [
  { name: 'alpha', version: '1.0.0', tags: ['food', 'pizza'], actions: ['Publish'] },
  { name: 'bravo', version: '1.0.0', tags: ['Food'], actions: ['Deploy as a Prototype'] },
  { name: 'charlie', version: '3.0.0', tags: ['drinks'], actions: ['Publish', 'Deprecate'] },
  { name: 'delta', version: '1.5.0', tags: [], actions: [], byCreator: true },
  { name: 'echo', version: '1.0.0', tags: ['food'], actions: ['Publish', 'Block'], byCreator: true },
  { name: 'alpha', version: '2.0.0', tags: ['pizza'], actions: [] },
];
const STATUS: Record<string, string> = {
  'alpha 1.0.0': 'PUBLISHED',
  'bravo 1.0.0': 'PROTOTYPED',
  'charlie 3.0.0': 'DEPRECATED',
  'delta 1.5.0': 'CREATED',
  'echo 1.0.0': 'BLOCKED',
  'alpha 2.0.0': 'CREATED',
};

beforeAll(async () => {
  ctx = await startPublisherNode();
  const users = await UserAdmin.create(ctx.node, ctx.as, ctx.client);
  creatorName = uniqueName('lister');
  const credentials = await users.add(creatorName, 'a-long-enough-password-1', ['creator']);
  const creator = new PublisherApi(
    ctx.node,
    (await ctx.tokenFor(credentials, 'apim:api_create apim:api_view')).access_token,
  );
  for (const seed of SEEDS) {
    const name = `${p}-${seed.name}`;
    const api = await (seed.byCreator ? creator : ctx.apis).created(
      publishableApi({ name, context: `/${name}`, version: seed.version, tags: seed.tags }),
    );
    await ctx.apis.move(api.id, ...seed.actions);
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
});
afterAll(async () => {
  await ctx?.close();
});

/** "alpha 1.0.0" for each listed API of this suite. */
const keys = (body: Json) =>
  (body.list as Json[]).map((api) => `${api.name.slice(p.length + 1)} ${api.version}`);

async function listed(params: Record<string, string | number>): Promise<Json> {
  const reply = await ctx.apis.list(params);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(reply.body.count).toBe(reply.body.list.length);
  return reply.body;
}

describe('envelope and pagination', () => {
  it('lists APIInfo items with WSO2 defaults limit 25, offset 0, newest first', async () => {
    const body = await listed({ query: p });
    expect(body.pagination).toEqual({ offset: 0, limit: 25, total: 6, next: '', previous: '' });
    expect(keys(body)).toEqual([...SEEDS].reverse().map((s) => `${s.name} ${s.version}`));
    const alpha = body.list.find((api: Json) => api.name === `${p}-alpha` && api.version === '1.0.0');
    expect(alpha).toEqual({
      id: expect.any(String),
      name: `${p}-alpha`,
      context: `/${p}-alpha`,
      version: '1.0.0',
      provider: 'admin',
      type: 'HTTP',
      lifeCycleStatus: 'PUBLISHED',
      securityScheme: ['oauth2'],
      createdTime: expect.stringMatching(/^\d+$/),
      updatedTime: expect.stringMatching(/^\d+$/),
    });
  });

  it('pages with next and previous links that carry limit, offset and query', async () => {
    const query = `name:${p}`;
    const link = (offset: number) =>
      `/apis?${new URLSearchParams({ limit: '2', offset: String(offset), query }).toString()}`;
    expect(link(2)).toBe(`/apis?limit=2&offset=2&query=name%3A${p}`);

    const page = (offset: number) => listed({ query, limit: 2, offset, sortBy: 'apiName', sortOrder: 'asc' });
    const first = await page(0);
    expect(first.pagination).toEqual({ offset: 0, limit: 2, total: 6, next: link(2), previous: '' });
    expect(keys(first)).toEqual(['alpha 1.0.0', 'alpha 2.0.0']);
    const second = await page(2);
    expect(second.pagination).toEqual({ offset: 2, limit: 2, total: 6, next: link(4), previous: link(0) });
    expect(keys(second)).toEqual(['bravo 1.0.0', 'charlie 3.0.0']);
    const last = await page(4);
    expect(last.pagination).toEqual({ offset: 4, limit: 2, total: 6, next: '', previous: link(2) });
    expect(keys(last)).toEqual(['delta 1.5.0', 'echo 1.0.0']);

    const odd = await page(3);
    expect(odd.pagination).toMatchObject({ next: link(5), previous: link(1) });
    const tail = await page(5);
    expect(tail.count).toBe(1);
    expect(tail.pagination).toMatchObject({ total: 6, next: '', previous: link(3) });
    const beyond = await page(10);
    expect(beyond).toMatchObject({
      count: 0,
      list: [],
      pagination: { total: 6, next: '', previous: link(8) },
    });
  });

  it('following next links visits every API once', async () => {
    const seen: string[] = [];
    let path = `/apis?${new URLSearchParams({ limit: '4', query: p }).toString()}`;
    for (let pages = 0; path && pages < 10; pages++) {
      const reply = await ctx.apis.call('GET', path, { template: '/apis' });
      expect(reply.status).toBe(200);
      seen.push(...keys(reply.body));
      path = reply.body.pagination.next;
    }
    expect(seen.sort()).toEqual(SEEDS.map((s) => `${s.name} ${s.version}`).sort());
  });

  it('limit 1000 is allowed', async () => {
    expect((await listed({ query: p, limit: 1000 })).pagination).toMatchObject({ limit: 1000, total: 6 });
    expect((await listed({ query: p, limit: 1 })).count).toBe(1);
  });

  it.each([
    ['limit', 0],
    ['limit', 1001],
    ['limit', -5],
    ['limit', 'ten'],
    ['offset', -1],
    ['offset', 'first'],
  ])('400 for %s=%s', async (param, value) => {
    expectError(await ctx.apis.list({ [param]: value }), 400, 400, param);
  });
});

describe('query', () => {
  const cases: [string, (p: string) => string, string[]][] = [
    ['name: (substring, any case)', (p) => `name:${p.toUpperCase()}-ALPH`, ['alpha 1.0.0', 'alpha 2.0.0']],
    ['a bare word matches the name', (p) => `${p}-bravo`, ['bravo 1.0.0']],
    ['several bare words must all match', (p) => `${p} ch`, ['charlie 3.0.0', 'echo 1.0.0']],
    ['tag: (whole tag, any case)', (p) => `${p} tag:FOOD`, ['alpha 1.0.0', 'bravo 1.0.0', 'echo 1.0.0']],
    ['tag: does not match part of a tag', (p) => `${p} tag:piz`, []],
    ['status: upper case', (p) => `${p} status:PUBLISHED`, ['alpha 1.0.0']],
    ['status: any case', (p) => `${p} status:created`, ['alpha 2.0.0', 'delta 1.5.0']],
    ['status:BLOCKED', (p) => `${p} status:BLOCKED`, ['echo 1.0.0']],
    ['context: (substring)', (p) => `context:/${p}-del`, ['delta 1.5.0']],
    ['version: (exact)', (p) => `${p} version:1.0.0`, ['alpha 1.0.0', 'bravo 1.0.0', 'echo 1.0.0']],
    ['version: not a prefix', (p) => `${p} version:1`, []],
    ['combined attributes', (p) => `name:${p} tag:pizza status:PUBLISHED`, ['alpha 1.0.0']],
    ['nothing matches', (p) => `${p}-zulu`, []],
  ];

  it.each(cases)('%s', async (_label, query, expected) => {
    const body = await listed({ query: query(p), sortBy: 'apiName', sortOrder: 'asc' });
    expect(keys(body)).toEqual(expected);
    expect(body.pagination.total).toBe(expected.length);
  });

  it('provider: the user who created the API', async () => {
    const body = await listed({ query: `provider:${creatorName}`, sortBy: 'apiName', sortOrder: 'asc' });
    expect(keys(body)).toEqual(['delta 1.5.0', 'echo 1.0.0']);
    expect(body.list.map((api: Json) => api.provider)).toEqual([creatorName, creatorName]);
    expect(keys(await listed({ query: `${p} provider:admin` }))).toHaveLength(4);
  });

  it('an unknown attribute is 400 naming it and the known ones', async () => {
    expectError(
      await ctx.apis.list({ query: `${p} owner:admin` }),
      400,
      400,
      'owner',
      'name, context, tag, status, version or provider',
    );
  });

  it('an empty or blank query lists everything', async () => {
    expect((await listed({ query: '   ' })).pagination.total).toBeGreaterThanOrEqual(6);
  });
});

describe('sorting', () => {
  const sorted = (params: Record<string, string>) =>
    listed({ query: `name:${p}`, ...params }).then((body) => keys(body));

  it('by name, ascending and descending', async () => {
    const names = (list: string[]) => list.map((k) => k.split(' ')[0]);
    expect(names(await sorted({ sortBy: 'apiName', sortOrder: 'asc' }))).toEqual([
      'alpha',
      'alpha',
      'bravo',
      'charlie',
      'delta',
      'echo',
    ]);
    expect(names(await sorted({ sortBy: 'apiName', sortOrder: 'desc' }))).toEqual([
      'echo',
      'delta',
      'charlie',
      'bravo',
      'alpha',
      'alpha',
    ]);
  });

  it('by version', async () => {
    const versions = (list: string[]) => list.map((k) => k.split(' ')[1]);
    expect(versions(await sorted({ sortBy: 'version', sortOrder: 'asc' }))).toEqual([
      '1.0.0',
      '1.0.0',
      '1.0.0',
      '1.5.0',
      '2.0.0',
      '3.0.0',
    ]);
    expect(versions(await sorted({ sortBy: 'version', sortOrder: 'desc' }))[0]).toBe('3.0.0');
  });

  it('by createdTime: descending by default, ascending on request', async () => {
    const order = SEEDS.map((s) => `${s.name} ${s.version}`);
    expect(await sorted({})).toEqual([...order].reverse());
    expect(await sorted({ sortBy: 'createdTime' })).toEqual([...order].reverse());
    expect(await sorted({ sortBy: 'createdTime', sortOrder: 'asc' })).toEqual(order);
  });

  it('by status', async () => {
    const statuses = (list: string[]) => list.map((k) => STATUS[k]);
    const ascending = ['BLOCKED', 'CREATED', 'CREATED', 'DEPRECATED', 'PROTOTYPED', 'PUBLISHED'];
    expect(statuses(await sorted({ sortBy: 'status', sortOrder: 'asc' }))).toEqual(ascending);
    expect(statuses(await sorted({ sortBy: 'status', sortOrder: 'desc' }))).toEqual([...ascending].reverse());
  });

  it('400 for an unknown sortBy or sortOrder', async () => {
    expectError(await ctx.apis.list({ sortBy: 'provider' }), 400, 400, 'sortBy');
    expectError(await ctx.apis.list({ sortOrder: 'up' }), 400, 400, 'sortOrder');
  });

  it("accepts WSO2's sortBy=apiName (the value publisher-api.yaml defines) and sorts by name", async () => {
    const body = await listed({ query: `name:${p}`, sortBy: 'apiName', sortOrder: 'desc' });
    expect(keys(body)[0]).toBe('echo 1.0.0');
  });
});
