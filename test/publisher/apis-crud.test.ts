/**
 * Publisher API v4 /apis and /apis/{apiId}: create (WSO2's defaults, every field), read, replace, delete,
 * and each 400/404/409 the Publisher answers. Runs on SQLite and on a fresh PostgreSQL database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../support/services.js';
import { expectWso2Request } from '../support/wso2-contract.js';
import {
  FAILOVER_ENDPOINTS,
  PUBLISHER,
  apiName,
  expectError,
  fullApi,
  minimalApi,
  publishableApi,
  startPublisherNode,
  type Json,
  type PublisherContext,
} from './apis-client.js';

const postgresUp = await postgresAvailable();

const DEFAULT_VERBS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'];

describe('request bodies', () => {
  it('the bodies these suites send are valid WSO2 publisher API requests', () => {
    for (const body of [
      minimalApi(),
      publishableApi(),
      fullApi(),
      fullApi({ endpointConfig: FAILOVER_ENDPOINTS, visibility: 'PUBLIC', visibleRoles: [] }),
    ]) {
      expectWso2Request('publisher', 'POST', '/apis', body);
      expectWso2Request('publisher', 'PUT', '/apis/{apiId}', body);
    }
  });
});

describe.each(['sqlite', 'postgres'] as const)('publisher APIs CRUD [%s]', (engine) => {
  if (engine === 'postgres' && !postgresUp) return;
  let ctx: PublisherContext;

  beforeAll(async () => {
    ctx = await startPublisherNode(engine);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  describe('create', () => {
    it('fills in WSO2 defaults for a minimal API: HTTP, both transports, oauth2, PUBLIC, /* operations', async () => {
      const before = Date.now();
      const input = minimalApi({ context: undefined });
      input.context = input.name; // without the leading slash
      const reply = await ctx.apis.create(input);
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      const api = reply.body;
      expect(api).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: input.name,
        context: `/${input.name}`,
        version: '1.0.0',
        provider: 'admin',
        lifeCycleStatus: 'CREATED',
        type: 'HTTP',
        transport: ['http', 'https'],
        securityScheme: ['oauth2'],
        visibility: 'PUBLIC',
        authorizationHeader: 'Authorization',
        isDefaultVersion: false,
        policies: [],
        tags: [],
        scopes: [],
      });
      expect(api.endpointConfig).toBeUndefined();
      expect(api.operations).toHaveLength(5);
      expect(api.operations.map((o: Json) => o.verb)).toEqual(DEFAULT_VERBS);
      for (const operation of api.operations) {
        expect(operation).toMatchObject({
          target: '/*',
          authType: 'Application & Application User',
          throttlingPolicy: 'Unlimited',
          scopes: [],
        });
      }
      expect(Number(api.createdTime)).toBeGreaterThanOrEqual(before);
      expect(Number(api.createdTime)).toBeLessThanOrEqual(Date.now());
      expect(api.lastUpdatedTime).toBe(api.createdTime);

      expect(reply.headers.get('location')).toBe(`${PUBLISHER}/apis/${api.id}`);
      const fetched = await ctx.apis.get(api.id);
      expect(fetched.status).toBe(200);
      expect(fetched.body).toEqual(api);
    });

    it('an empty operations list also gets the default /* operations', async () => {
      const api = await ctx.apis.created(minimalApi({ operations: [] }));
      expect(api.operations.map((o: Json) => `${o.verb} ${o.target}`)).toEqual(
        DEFAULT_VERBS.map((v) => `${v} /*`),
      );
    });

    it('keeps every field of a full API with load-balanced endpoints', async () => {
      const input = fullApi();
      const reply = await ctx.apis.create(input);
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      expect(reply.headers.get('location')).toBe(`${PUBLISHER}/apis/${reply.body.id}`);
      expect(reply.body).toMatchObject({ ...input, provider: 'admin', lifeCycleStatus: 'CREATED' });
      expect(reply.body.operations).toEqual(input.operations);
      expect(reply.body.endpointConfig).toEqual(input.endpointConfig);
      expect((await ctx.apis.get(reply.body.id)).body).toEqual(reply.body);
    });

    it('keeps failover endpoints', async () => {
      const api = await ctx.apis.created(publishableApi({ endpointConfig: FAILOVER_ENDPOINTS }));
      expect(api.endpointConfig).toEqual(FAILOVER_ENDPOINTS);
      expect((await ctx.apis.get(api.id)).body.endpointConfig).toEqual(FAILOVER_ENDPOINTS);
    });

    it('gives back an endpoint timeout sent as a string, as WSO2 clients send it, unchanged', async () => {
      const endpointConfig = {
        endpoint_type: 'failover',
        production_endpoints: { url: 'https://primary.example.com/api', config: { actionDuration: '30000' } },
        production_failovers: [
          { url: 'https://secondary.example.com/api', config: { actionDuration: '60000' } },
        ],
      };
      const api = await ctx.apis.created(minimalApi({ endpointConfig }));
      expect(api.endpointConfig).toEqual(endpointConfig);
      expect((await ctx.apis.get(api.id)).body.endpointConfig).toEqual(endpointConfig);
    });

    it('ignores read-only fields sent by the client (id, provider, lifeCycleStatus)', async () => {
      const api = await ctx.apis.created(
        minimalApi({ id: 'chosen-id', provider: 'someone', lifeCycleStatus: 'PUBLISHED' }),
      );
      expect(api.id).not.toBe('chosen-id');
      expect(api.provider).toBe('admin');
      expect(api.lifeCycleStatus).toBe('CREATED');
    });
  });

  describe('400 on create', () => {
    const cases: [string, () => Json, string[]][] = [
      ['a context with a trailing slash', () => minimalApi({ context: '/shop/' }), ['context', '/shop/']],
      ['a context with a space', () => minimalApi({ context: '/my shop' }), ['context']],
      ['the bare "/" context', () => minimalApi({ context: '/' }), ['context']],
      [
        'an unknown subscription policy',
        () => minimalApi({ policies: ['Gold', 'Platinum'] }),
        ['policies', 'Platinum'],
      ],
      [
        'an application policy given as subscription policy',
        () => minimalApi({ policies: ['10PerMin'] }),
        ['policies', '10PerMin'],
      ],
      [
        'an unknown apiThrottlingPolicy',
        () => minimalApi({ apiThrottlingPolicy: 'Gold' }),
        ['apiThrottlingPolicy', 'Gold'],
      ],
      [
        'an unknown operation throttlingPolicy',
        () =>
          minimalApi({
            operations: [
              { target: '/a', verb: 'GET' },
              { target: '/b', verb: 'GET', throttlingPolicy: '1MPerMin' },
            ],
          }),
        ['operations[1].throttlingPolicy', '1MPerMin'],
      ],
      [
        'a relative endpoint URL',
        () =>
          minimalApi({
            endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'backend/v1' } },
          }),
        ['endpointConfig.production_endpoints[0].url', 'backend/v1'],
      ],
      [
        'an ftp endpoint URL',
        () =>
          minimalApi({
            endpointConfig: {
              endpoint_type: 'load_balance',
              sandbox_endpoints: [{ url: 'https://ok.example.com' }, { url: 'ftp://files.example.com/' }],
            },
          }),
        ['endpointConfig.sandbox_endpoints[1].url', 'ftp://files.example.com/'],
      ],
      [
        'an endpoint URL with credentials',
        () =>
          minimalApi({
            endpointConfig: {
              endpoint_type: 'http',
              production_endpoints: { url: 'https://user:secret@backend.example.com/' },
            },
          }),
        ['endpointConfig.production_endpoints[0].url', 'credentials'],
      ],
      [
        'a bad failover URL',
        () =>
          minimalApi({
            endpointConfig: { ...FAILOVER_ENDPOINTS, production_failovers: [{ url: 'nowhere' }] },
          }),
        ['endpointConfig.production_failovers[0].url'],
      ],
      [
        'an http endpoint given as a list',
        () =>
          minimalApi({
            endpointConfig: {
              endpoint_type: 'http',
              production_endpoints: [{ url: 'https://a.example.com' }, { url: 'https://b.example.com' }],
            },
          }),
        ['endpointConfig.production_endpoints', 'load_balance'],
      ],
      [
        'an endpointConfig without production or sandbox endpoints',
        () =>
          minimalApi({
            endpointConfig: {
              endpoint_type: 'failover',
              production_failovers: [{ url: 'https://a.example.com' }],
            },
          }),
        ['production_endpoints or sandbox_endpoints'],
      ],
      [
        'a duplicate operation',
        () =>
          minimalApi({
            operations: [
              { target: '/menu', verb: 'GET' },
              { target: '/menu', verb: 'POST' },
              { target: '/menu', verb: 'GET', authType: 'None' },
            ],
          }),
        ['operations[2]', 'GET /menu'],
      ],
      [
        'an operation scope the API does not declare',
        () =>
          minimalApi({
            scopes: [{ scope: { name: 'read' } }],
            operations: [{ target: '/menu', verb: 'GET', scopes: ['read', 'write'] }],
          }),
        ['operations[0].scopes', 'write'],
      ],
      [
        'a scope declared twice',
        () => minimalApi({ scopes: [{ scope: { name: 'read' } }, { scope: { name: 'read' } }] }),
        ['scopes', 'read'],
      ],
      [
        'RESTRICTED visibility without visibleRoles',
        () => minimalApi({ visibility: 'RESTRICTED' }),
        ['visibleRoles', 'RESTRICTED'],
      ],
      [
        'RESTRICTED visibility with an empty visibleRoles',
        () => minimalApi({ visibility: 'RESTRICTED', visibleRoles: [] }),
        ['visibleRoles'],
      ],
      ['a type other than HTTP', () => minimalApi({ type: 'GRAPHQL' }), ['type']],
      ['no name', () => minimalApi({ name: undefined }), ['name']],
      ['no version', () => minimalApi({ version: undefined }), ['version']],
      ['no context', () => minimalApi({ context: undefined }), ['context']],
      ['a name with a forbidden character', () => minimalApi({ name: 'pizza&pasta' }), ['name']],
      ['a version with a space', () => minimalApi({ version: '1 0' }), ['version']],
    ];

    it.each(cases)('%s', async (_label, make, mentions) => {
      const input = make();
      const reply = await ctx.apis.create(input);
      expectError(reply, 400, 400, ...mentions);
      if (input.name) {
        const listed = await ctx.apis.list({ query: `name:${input.name}` });
        expect(listed.body.count).toBe(0);
      }
    });
  });

  describe('409 on create', () => {
    it('the same name and version again', async () => {
      const first = await ctx.apis.created(minimalApi());
      const again = await ctx.apis.create(minimalApi({ name: first.name, context: `/${apiName('other')}` }));
      expectError(again, 409, 409, first.name, '1.0.0');
    });

    it('a context used by an API of another name, whatever the version', async () => {
      const first = await ctx.apis.created(minimalApi());
      expectError(await ctx.apis.create(minimalApi({ context: first.context })), 409, 409, first.context);
      expectError(
        await ctx.apis.create(minimalApi({ context: first.context, version: '9.9' })),
        409,
        409,
        first.name,
      );
      // The context without its slash is the same context.
      expectError(
        await ctx.apis.create(minimalApi({ context: first.context.slice(1), version: '2.0' })),
        409,
        409,
        first.context,
      );
    });

    it('a new version of the same name may share the context', async () => {
      const first = await ctx.apis.created(minimalApi());
      const second = await ctx.apis.created(
        minimalApi({ name: first.name, context: first.context, version: '2.0.0' }),
      );
      expect(second).toMatchObject({ name: first.name, context: first.context, version: '2.0.0' });
      expect(second.id).not.toBe(first.id);
    });
  });

  describe('concurrent requests', () => {
    it('concurrent creates of one name and version: one 201, the others 409 (never 500)', async () => {
      for (let round = 0; round < 3; round++) {
        const body = minimalApi();
        const replies = await Promise.all([1, 2, 3, 4].map(() => ctx.apis.create(body)));
        expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      }
    });

    it('versions made default concurrently leave exactly one default version', async () => {
      const v1 = await ctx.apis.created(minimalApi({ isDefaultVersion: true }));
      const replies = await Promise.all(
        ['2.0', '3.0', '4.0'].map((version) =>
          ctx.apis.create(
            minimalApi({ name: v1.name, context: v1.context, version, isDefaultVersion: true }),
          ),
        ),
      );
      expect(replies.map((r) => r.status)).toEqual([201, 201, 201]);
      const defaults = await Promise.all(
        [v1.id, ...replies.map((r) => r.body.id)].map(
          async (id) => (await ctx.apis.get(id)).body.isDefaultVersion,
        ),
      );
      expect(defaults.filter(Boolean)).toHaveLength(1);
      expect(defaults[0]).toBe(false);
    });
  });

  describe('get and 404', () => {
    it('an unknown id is 404 on GET, PUT and DELETE', async () => {
      const id = '00000000-0000-4000-8000-000000000000';
      expectError(await ctx.apis.get(id), 404, 404, id);
      expectError(await ctx.apis.update(id, minimalApi()), 404, 404, id);
      expectError(await ctx.apis.delete(id), 404, 404, id);
    });
  });

  describe('update', () => {
    it('replaces the changeable fields and bumps lastUpdatedTime', async () => {
      const api = await ctx.apis.created(minimalApi());
      await new Promise((resolve) => setTimeout(resolve, 5));
      const changed = {
        ...api,
        description: 'now described',
        tags: ['changed'],
        policies: ['Silver'],
        visibility: 'PRIVATE',
        endpointConfig: FAILOVER_ENDPOINTS,
        operations: [{ target: '/only', verb: 'GET', authType: 'None', scopes: [] }],
      };
      const reply = await ctx.apis.update(api.id, changed);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toMatchObject({
        id: api.id,
        name: api.name,
        context: api.context,
        version: api.version,
        provider: 'admin',
        lifeCycleStatus: 'CREATED',
        description: 'now described',
        tags: ['changed'],
        policies: ['Silver'],
        visibility: 'PRIVATE',
        endpointConfig: FAILOVER_ENDPOINTS,
        operations: [{ target: '/only', verb: 'GET', authType: 'None', scopes: [] }],
        createdTime: api.createdTime,
      });
      expect(Number(reply.body.lastUpdatedTime)).toBeGreaterThan(Number(api.lastUpdatedTime));
      expect((await ctx.apis.get(api.id)).body).toEqual(reply.body);
    });

    it('keeps the operations when the body leaves them out; the context may be sent without its slash', async () => {
      const api = await ctx.apis.created(fullApi());
      const { operations: _o, ...rest } = api;
      const reply = await ctx.apis.update(api.id, { ...rest, context: api.context.slice(1) });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body.operations).toEqual(api.operations);
      expect(reply.body.context).toBe(api.context);
    });

    it('ignores provider and lifeCycleStatus sent in the body', async () => {
      const api = await ctx.apis.created(minimalApi());
      const reply = await ctx.apis.update(api.id, {
        ...api,
        provider: 'mallory',
        lifeCycleStatus: 'RETIRED',
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ provider: 'admin', lifeCycleStatus: 'CREATED' });
    });

    it('400 when the name, version or context changes', async () => {
      const api = await ctx.apis.created(minimalApi());
      expectError(await ctx.apis.update(api.id, { ...api, name: apiName() }), 400, 400, 'name', api.name);
      expectError(await ctx.apis.update(api.id, { ...api, version: '2.0.0' }), 400, 400, 'version');
      expectError(
        await ctx.apis.update(api.id, { ...api, context: `${api.context}-moved` }),
        400,
        400,
        'context',
        api.context,
      );
      expect((await ctx.apis.get(api.id)).body).toEqual(api);
    });

    it('400 for the same validation failures as create', async () => {
      const api = await ctx.apis.created(fullApi());
      const failures: [Json, string][] = [
        [{ policies: ['Nope'] }, 'policies'],
        [{ apiThrottlingPolicy: 'Nope' }, 'apiThrottlingPolicy'],
        [{ visibility: 'RESTRICTED', visibleRoles: [] }, 'visibleRoles'],
        [{ endpointConfig: { endpoint_type: 'http' } }, 'production_endpoints or sandbox_endpoints'],
        [{ operations: [...api.operations, api.operations[0]] }, 'operations[3]'],
        [{ operations: [{ target: '/x', verb: 'GET', scopes: ['undeclared'] }] }, 'undeclared'],
        [{ scopes: [...api.scopes, api.scopes[0]] }, 'pizza:order'],
        [{ type: 'WS' }, 'type'],
      ];
      for (const [change, mention] of failures) {
        expectError(await ctx.apis.update(api.id, { ...api, ...change }), 400, 400, mention);
      }
      expect((await ctx.apis.get(api.id)).body).toEqual(api);
    });
  });

  describe('delete', () => {
    it('deletes the API with its lifecycle history; a second delete is 404', async () => {
      const api = await ctx.apis.created(publishableApi());
      await ctx.apis.move(api.id, 'Publish');
      const reply = await ctx.apis.delete(api.id);
      expect(reply.status).toBe(200);
      expect(reply.body).toBeUndefined();
      expectError(await ctx.apis.get(api.id), 404, 404);
      expectError(await ctx.apis.lifecycleHistory(api.id), 404, 404);
      expectError(await ctx.apis.delete(api.id), 404, 404);
      // The name, version and context are free again.
      await ctx.apis.created(minimalApi({ name: api.name, context: api.context, version: api.version }));
    });
  });
});
