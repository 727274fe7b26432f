/**
 * /applications of the Developer Portal: create (WSO2's defaults), read, replace, delete; the list with its
 * query, sort and pagination; duplicate names per owner (409); unknown throttling policies and malformed
 * bodies (400).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { expectWso2Request } from '../support/wso2-contract.js';
import {
  DEVPORTAL,
  expectError,
  uniqueName,
  useDevportalNode,
  type Devportal,
  type Json,
} from './devportal-client.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('request bodies', () => {
  it('the application bodies these suites send are valid WSO2 devportal requests', () => {
    const body = {
      name: 'CalculatorApp',
      throttlingPolicy: '10PerMin',
      description: 'Sample calculator application',
      tokenType: 'OAUTH',
      attributes: { team: 'blue' },
    };
    expectWso2Request('devportal', 'POST', '/applications', body);
    expectWso2Request('devportal', 'PUT', '/applications/{applicationId}', body);
  });
});

describeEachEngine('devportal applications: CRUD', (engine) => {
  const ctx = useDevportalNode(engine);
  let alice: Devportal;

  beforeAll(async () => {
    alice = (await ctx.newUser()).portal;
  });

  describe('create, read, replace, delete', () => {
    it('creates with WSO2 defaults: JWT, APPROVED, no groups, no subscriptions, owned by the caller', async () => {
      const before = Date.now();
      const name = uniqueName('app');
      const reply = await alice.createApp({ name, throttlingPolicy: '10PerMin' });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      const app = reply.body;
      expect(app).toEqual({
        applicationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name,
        throttlingPolicy: '10PerMin',
        tokenType: 'JWT',
        status: 'APPROVED',
        groups: [],
        subscriptionCount: 0,
        attributes: {},
        owner: expect.stringMatching(/^dev-/),
        hashEnabled: true,
        createdTime: expect.stringMatching(/^\d+$/),
        updatedTime: app.createdTime,
      });
      expect(Number(app.createdTime)).toBeGreaterThanOrEqual(before);
      expect(reply.headers.get('location')).toBe(`${DEVPORTAL}/applications/${app.applicationId}`);
      const read = await alice.getApp(app.applicationId);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(app);
    });

    it('keeps every field given', async () => {
      const name = uniqueName('full');
      const app = await alice.createdApp({
        name,
        throttlingPolicy: 'Unlimited',
        description: 'Sample calculator application',
        tokenType: 'OAUTH',
        attributes: { team: 'blue', costCentre: '42' },
      });
      expect(app).toMatchObject({
        name,
        throttlingPolicy: 'Unlimited',
        description: 'Sample calculator application',
        tokenType: 'OAUTH',
        attributes: { team: 'blue', costCentre: '42' },
      });
      expect((await alice.getApp(app.applicationId)).body).toEqual(app);
    });

    it('replaces the application with PUT; createdTime stays, updatedTime moves', async () => {
      const app = await alice.createdApp({ description: 'before', attributes: { a: '1' } });
      await pause(5);
      const name = uniqueName('renamed');
      const changes = {
        name,
        throttlingPolicy: '50PerMin',
        description: 'after',
        tokenType: 'OAUTH',
        attributes: { b: '2' },
      };
      const reply = await alice.updateApp(app.applicationId, changes);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toMatchObject({
        ...changes,
        applicationId: app.applicationId,
        createdTime: app.createdTime,
      });
      expect(Number(reply.body.updatedTime)).toBeGreaterThan(Number(app.updatedTime));
      expect((await alice.getApp(app.applicationId)).body).toEqual(reply.body);
    });

    it('PUT: unknown application 404; unknown policy 400; the name of another own application 409', async () => {
      const app = await alice.createdApp();
      const other = await alice.createdApp();
      const body = { name: app.name, throttlingPolicy: '10PerMin' };
      expectError(await alice.updateApp('no-such-app', body), 404, 404);
      expectError(
        await alice.updateApp(app.applicationId, { ...body, throttlingPolicy: 'Gold' }),
        400,
        400,
        'throttlingPolicy',
      );
      expectError(
        await alice.updateApp(app.applicationId, { ...body, name: other.name }),
        409,
        409,
        other.name,
      );
      expect((await alice.getApp(app.applicationId)).body).toEqual(app);
    });

    it('deletes: 200, then 404 on GET, PUT and DELETE', async () => {
      const app = await alice.createdApp();
      const reply = await alice.deleteApp(app.applicationId);
      expect(reply.status).toBe(200);
      expectError(await alice.getApp(app.applicationId), 404, 404);
      expectError(
        await alice.updateApp(app.applicationId, { name: app.name, throttlingPolicy: '10PerMin' }),
        404,
        404,
      );
      expectError(await alice.deleteApp(app.applicationId), 404, 404);
      // Its name is free again.
      await alice.createdApp({ name: app.name });
    });
  });

  describe('names and policies', () => {
    it('a second application of the same name for the same owner is a 409; another owner may use it', async () => {
      const app = await alice.createdApp();
      expectError(
        await alice.createApp({ name: app.name, throttlingPolicy: '20PerMin' }),
        409,
        409,
        app.name,
      );
      const bob = (await ctx.newUser()).portal;
      const reply = await bob.createApp({ name: app.name, throttlingPolicy: '10PerMin' });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      expect(reply.body.owner).not.toBe(app.owner);
    });

    it('an unknown application throttling policy is a 400 naming throttlingPolicy', async () => {
      // Gold is a subscription policy, not an application one.
      for (const throttlingPolicy of ['NoSuchPolicy', 'Gold']) {
        const reply = await alice.createApp({ name: uniqueName('app'), throttlingPolicy });
        expectError(reply, 400, 400, 'throttlingPolicy', throttlingPolicy);
      }
    });

    it.each([
      ['no name', { throttlingPolicy: '10PerMin' }, 'name'],
      ['no throttlingPolicy', { name: 'x' }, 'throttlingPolicy'],
      ['an empty name', { name: '', throttlingPolicy: '10PerMin' }, 'name'],
      ['a blank name', { name: '   ', throttlingPolicy: '10PerMin' }, 'name'],
      ['a name of 101 characters', { name: 'n'.repeat(101), throttlingPolicy: '10PerMin' }, 'name'],
      [
        'a description of 513 characters',
        { name: 'x', throttlingPolicy: '10PerMin', description: 'd'.repeat(513) },
        'description',
      ],
      ['an unknown tokenType', { name: 'x', throttlingPolicy: '10PerMin', tokenType: 'SAML' }, 'tokenType'],
      [
        'a numeric attribute',
        { name: 'x', throttlingPolicy: '10PerMin', attributes: { n: 5 } },
        'attributes',
      ],
      [
        'a boolean attribute',
        { name: 'x', throttlingPolicy: '10PerMin', attributes: { b: true } },
        'attributes',
      ],
      [
        'an object attribute',
        { name: 'x', throttlingPolicy: '10PerMin', attributes: { o: { p: 'q' } } },
        'attributes',
      ],
      ['attributes as a list', { name: 'x', throttlingPolicy: '10PerMin', attributes: ['a'] }, 'attributes'],
    ])('%s is a 400 naming the field', async (_what, body, field) => {
      expectError(await alice.createApp(body), 400, 400, field);
      const app = await alice.createdApp();
      expectError(await alice.updateApp(app.applicationId, body), 400, 400, field);
    });

    it('a name of 100 characters is fine', async () => {
      const name = `${uniqueName('long')}-`.padEnd(100, 'x');
      expect((await alice.createdApp({ name })).name).toBe(name);
    });
  });

  describe('list', () => {
    let carol: Devportal;
    let apps: Record<string, Json>;

    beforeAll(async () => {
      carol = (await ctx.newUser()).portal;
      apps = {};
      // Created in this order, a few milliseconds apart.
      for (const [name, throttlingPolicy] of [
        ['beta', '50PerMin'],
        ['alpha', '10PerMin'],
        ['gamma', '20PerMin'],
        ['under_score', 'Unlimited'],
      ] as const) {
        apps[name] = await carol.createdApp({ name, throttlingPolicy });
        await pause(5);
      }
    });

    const names = (reply: { body: Json }) => reply.body.list.map((a: Json) => a.name);

    it('lists the caller’s applications as ApplicationInfo, by name by default', async () => {
      const reply = await carol.listApps();
      expect(reply.status).toBe(200);
      expect(names(reply)).toEqual(['alpha', 'beta', 'gamma', 'under_score']);
      const { hashEnabled: _hashEnabled, ...info } = apps['alpha'];
      expect(reply.body.list[0]).toEqual(info);
      expect(reply.body.count).toBe(4);
      expect(reply.body.pagination).toEqual({ offset: 0, limit: 25, total: 4, next: '', previous: '' });
    });

    it('sortBy and sortOrder', async () => {
      expect(names(await carol.listApps({ sortOrder: 'desc' }))).toEqual([
        'under_score',
        'gamma',
        'beta',
        'alpha',
      ]);
      expect(names(await carol.listApps({ sortBy: 'throttlingPolicy' }))).toEqual([
        'alpha',
        'gamma',
        'beta',
        'under_score',
      ]);
      expect(names(await carol.listApps({ sortBy: 'createdTime', sortOrder: 'desc' }))).toEqual([
        'under_score',
        'gamma',
        'alpha',
        'beta',
      ]);
      expect(names(await carol.listApps({ sortBy: 'createdTime' }))).toEqual([
        'beta',
        'alpha',
        'gamma',
        'under_score',
      ]);
    });

    it('query: part of the name, case-insensitive; LIKE wildcards are taken literally', async () => {
      expect(names(await carol.listApps({ query: 'ALP' }))).toEqual(['alpha']);
      expect(names(await carol.listApps({ query: 'a' }))).toEqual(['alpha', 'beta', 'gamma']);
      expect(names(await carol.listApps({ query: '_' }))).toEqual(['under_score']);
      expect(names(await carol.listApps({ query: '%' }))).toEqual([]);
      const none = await carol.listApps({ query: 'zzz' });
      expect(none.body).toMatchObject({ count: 0, list: [], pagination: { total: 0 } });
    });

    it('limit and offset, with next and previous links', async () => {
      const first = await carol.listApps({ limit: 3 });
      expect(names(first)).toEqual(['alpha', 'beta', 'gamma']);
      expect(first.body.pagination).toEqual({
        offset: 0,
        limit: 3,
        total: 4,
        next: '/applications?limit=3&offset=3',
        previous: '',
      });
      const second = await carol.listApps({ limit: 3, offset: 3 });
      expect(names(second)).toEqual(['under_score']);
      expect(second.body).toMatchObject({
        count: 1,
        pagination: { offset: 3, limit: 3, total: 4, next: '', previous: '/applications?limit=3&offset=0' },
      });
      const filtered = await carol.listApps({ query: 'a', limit: 1, offset: 1 });
      expect(names(filtered)).toEqual(['beta']);
      expect(filtered.body.pagination).toMatchObject({
        total: 3,
        next: '/applications?limit=1&offset=2&query=a',
        previous: '/applications?limit=1&offset=0&query=a',
      });
    });

    it('an unknown sortBy or sortOrder, or limits out of bounds, are a 400', async () => {
      for (const params of [{ sortBy: 'owner' }, { sortOrder: 'up' }, { limit: 0 }, { offset: -1 }]) {
        expectError(await carol.listApps(params), 400, 400);
      }
    });
  });
});
