/**
 * POST /api/am/publisher/v4/apis/import-openapi: an API created from an OpenAPI 3.0 (YAML), 3.1 (JSON) or
 * Swagger 2.0 definition sent as `file` or `inlineAPIDefinition`, with `additionalProperties` (context
 * required; name, version, description default to the definition's info). Operations come from the
 * definition's paths (`security: []` → authType None). Invalid input → 400 saying why, duplicate → 409,
 * and only apim:api_create may import. Every reply is checked against WSO2's publisher-api.yaml.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCredentials } from '../support/oauth-helpers.js';
import {
  apiName,
  expectError,
  startPublisherNode,
  type Json,
  type PublisherApi,
  type PublisherContext,
} from './apis-client.js';
import {
  bookshop31,
  getSwagger,
  IMPORT,
  imported,
  importOpenapi,
  operationKeys,
  petstoreYaml,
  props,
  send,
  weatherSwagger2,
} from './definitions-client.js';

const SECURED = 'Application & Application User';

describe.each(['sqlite', 'postgres'] as const)('import-openapi [%s]', (engine) => {
  let ctx: PublisherContext;
  let apis: PublisherApi;

  beforeAll(async () => {
    ctx = await startPublisherNode(engine);
    apis = ctx.apis;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  /** How many APIs are named `name` (to show that a failed import created nothing). */
  async function countNamed(name: string): Promise<number> {
    const reply = await apis.list({ query: `name:${name}` });
    expect(reply.status).toBe(200);
    return reply.body.list.filter((a: Json) => a.name === name).length;
  }

  describe('formats', () => {
    it('OpenAPI 3.0 YAML as `file`: name, version, description from info; operations from paths', async () => {
      const title = apiName('petstore');
      const reply = await importOpenapi(apis, {
        file: { file: petstoreYaml(title), name: 'petstore.yaml', type: 'application/x-yaml' },
        additionalProperties: props({ context: `/${title}` }),
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      const api = reply.body;
      expect(api).toMatchObject({
        name: title,
        version: '1.0.5',
        description: 'A sample pet store.',
        context: `/${title}`,
        lifeCycleStatus: 'CREATED',
        type: 'HTTP',
      });
      expect(reply.headers.get('location')).toBe(`/api/am/publisher/v4/apis/${api.id}`);
      expect(operationKeys(api)).toEqual(['GET /health', 'GET /pets', 'GET /pets/{petId}', 'POST /pets']);
      const byKey = Object.fromEntries(api.operations.map((o: Json) => [`${o.verb} ${o.target}`, o]));
      expect(byKey['GET /health']).toMatchObject({ authType: 'None', throttlingPolicy: 'Unlimited' });
      for (const key of ['GET /pets', 'GET /pets/{petId}', 'POST /pets'])
        expect(byKey[key], key).toMatchObject({ authType: SECURED, throttlingPolicy: 'Unlimited' });

      // What GET /apis/{apiId} gives is what the import answered.
      const got = await apis.get(api.id);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(api);
    });

    it('OpenAPI 3.1 JSON as `inlineAPIDefinition`: additionalProperties override info, $refs kept', async () => {
      const title = apiName('bookshop');
      const name = apiName('books');
      const definition = bookshop31(title);
      const reply = await importOpenapi(apis, {
        inlineAPIDefinition: JSON.stringify(definition, null, 2),
        additionalProperties: props({
          name,
          version: '7.0',
          description: 'Overridden.',
          context: `/${name}`,
          tags: ['books'],
          policies: ['Gold'],
        }),
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      expect(reply.body).toMatchObject({
        name,
        version: '7.0',
        description: 'Overridden.',
        context: `/${name}`,
        tags: ['books'],
        policies: ['Gold'],
      });
      // A path item's `parameters` is no operation.
      expect(operationKeys(reply.body)).toEqual(['DELETE /books/{isbn}', 'GET /books', 'GET /books/{isbn}']);
      const authTypes = Object.fromEntries(
        reply.body.operations.map((o: Json) => [`${o.verb} ${o.target}`, o.authType]),
      );
      expect(authTypes).toEqual({
        'GET /books': SECURED,
        'GET /books/{isbn}': SECURED,
        'DELETE /books/{isbn}': 'None',
      });

      const swagger = await getSwagger(apis, reply.body.id);
      expect(swagger.status).toBe(200);
      expect(swagger.body.openapi).toBe('3.1.0');
      expect(swagger.body.components).toEqual(definition.components);
      expect(
        swagger.body.paths['/books/{isbn}'].get.responses['200'].content['application/json'].schema,
      ).toEqual({
        $ref: '#/components/schemas/Book',
      });
    });

    it('Swagger 2.0 with a basePath as `file`: operations from paths, basePath kept in the definition', async () => {
      const title = apiName('weather');
      const definition = weatherSwagger2(title);
      const api = await imported(apis, {
        file: { file: JSON.stringify(definition), name: 'weather.json', type: 'application/json' },
        additionalProperties: props({ context: `/${title}/{version}` }),
      });
      expect(api).toMatchObject({
        name: title,
        version: '3.1.4',
        description: 'Forecasts, Swagger 2.0.',
        context: `/${title}/{version}`,
      });
      expect(operationKeys(api)).toEqual(['GET /forecast/{city}', 'POST /stations']);
      expect(api.operations.find((o: Json) => o.target === '/stations').authType).toBe('None');
      expect(api.operations.find((o: Json) => o.target === '/forecast/{city}').authType).toBe(SECURED);

      const swagger = await getSwagger(apis, api.id);
      expect(swagger.status).toBe(200);
      expect(swagger.body).toMatchObject({
        swagger: '2.0',
        basePath: '/weather/v3',
        host: 'weather.example.com',
      });
      expect(swagger.body.definitions).toEqual(definition.definitions);
    });

    it('a YAML definition sent as `inlineAPIDefinition` works too; a context without "/" gets one', async () => {
      const title = apiName('inline-yaml');
      const api = await imported(apis, {
        inlineAPIDefinition: petstoreYaml(title, '2.0.0'),
        additionalProperties: props({ context: title }),
      });
      expect(api).toMatchObject({ name: title, version: '2.0.0', context: `/${title}` });
      expect(api.operations).toHaveLength(4);
    });
  });

  describe('invalid definitions: 400 saying why, nothing created', () => {
    const cases: [string, (title: string) => string, string][] = [
      [
        'YAML that does not parse',
        () => 'openapi: 3.0.3\ninfo: [unclosed\n  title: x',
        'neither valid JSON nor valid YAML',
      ],
      [
        'more operations than an API may have (501)',
        (title) =>
          JSON.stringify({
            openapi: '3.0.3',
            info: { title, version: '1.0' },
            paths: Object.fromEntries(
              Array.from({ length: 501 }, (_, i) => [
                `/r${i}`,
                { get: { responses: { 200: { description: 'ok' } } } },
              ]),
            ),
          }),
        'at most 500',
      ],
      [
        'JSON that does not parse',
        () => '{"openapi": "3.0.3", "info": ',
        'neither valid JSON nor valid YAML',
      ],
      ['a YAML scalar', () => 'just some words', 'OpenAPI or Swagger object'],
      [
        'no openapi or swagger key',
        (title) => JSON.stringify({ info: { title, version: '1.0' }, paths: {} }),
        'neither "openapi"',
      ],
      [
        'info without version',
        (title) => petstoreYaml(title).replace('  version: 1.0.5\n', ''),
        'The API definition is invalid',
      ],
      [
        'a $ref to a missing schema',
        (title) => {
          const definition = bookshop31(title);
          delete definition.components.schemas.Book;
          return JSON.stringify(definition);
        },
        'The API definition is invalid',
      ],
      [
        'an operation without responses (Swagger 2.0)',
        (title) => {
          const definition = weatherSwagger2(title);
          delete definition.paths['/stations'].post.responses;
          return JSON.stringify(definition);
        },
        'The API definition is invalid',
      ],
    ];

    it.each(cases)('%s', async (_label, make, mention) => {
      const title = apiName('invalid');
      const reply = await importOpenapi(apis, {
        file: { file: make(title) },
        additionalProperties: props({ context: `/${title}` }),
      });
      expectError(reply, 400, 400, mention);
      expect(await countNamed(title)).toBe(0);
    });

    it('a broken $ref says which reference', async () => {
      const title = apiName('broken-ref');
      const definition = bookshop31(title);
      delete definition.components.schemas.Book;
      const reply = await importOpenapi(apis, {
        inlineAPIDefinition: JSON.stringify(definition),
        additionalProperties: props({ context: `/${title}` }),
      });
      expectError(reply, 400, 400, '#/components/schemas/Book');
    });

    it('info without version names the missing property', async () => {
      const title = apiName('no-version');
      const reply = await importOpenapi(apis, {
        inlineAPIDefinition: petstoreYaml(title).replace('  version: 1.0.5\n', ''),
        additionalProperties: props({ context: `/${title}` }),
      });
      expectError(reply, 400, 400, 'version');
    });
  });

  describe('invalid requests: 400', () => {
    it('no `file` nor `inlineAPIDefinition` field', async () => {
      const title = apiName('no-file');
      const reply = await importOpenapi(apis, { additionalProperties: props({ context: `/${title}` }) });
      expectError(reply, 400, 400, 'file', 'inlineAPIDefinition');
    });

    it('an empty `inlineAPIDefinition`', async () => {
      const title = apiName('empty');
      const reply = await importOpenapi(apis, {
        inlineAPIDefinition: '   ',
        additionalProperties: props({ context: `/${title}` }),
      });
      expectError(reply, 400, 400, 'inlineAPIDefinition');
    });

    it('not multipart: a JSON body', async () => {
      const title = apiName('json-body');
      const reply = await send(apis, 'POST', IMPORT, IMPORT, {
        contentType: 'application/json',
        text: JSON.stringify({
          inlineAPIDefinition: petstoreYaml(title),
          additionalProperties: { context: '/x' },
        }),
      });
      expectError(reply, 400, 400, 'multipart/form-data');
      expect(await countNamed(title)).toBe(0);
    });

    it('additionalProperties that is not JSON', async () => {
      const title = apiName('bad-props');
      const reply = await importOpenapi(apis, {
        inlineAPIDefinition: petstoreYaml(title),
        additionalProperties: '{context: /nope',
      });
      expectError(reply, 400, 400, 'additionalProperties');
      expect(await countNamed(title)).toBe(0);
    });

    it('additionalProperties without a context names context', async () => {
      const title = apiName('no-context');
      const reply = await importOpenapi(apis, { inlineAPIDefinition: petstoreYaml(title) });
      expectError(reply, 400, 400, 'context');
      expect(await countNamed(title)).toBe(0);
    });

    it('additionalProperties with an invalid context names context', async () => {
      const title = apiName('bad-context');
      const reply = await importOpenapi(apis, {
        inlineAPIDefinition: petstoreYaml(title),
        additionalProperties: props({ context: '/has space/ and trailing/' }),
      });
      expectError(reply, 400, 400, 'context');
      expect(await countNamed(title)).toBe(0);
    });

    it('additionalProperties with an invalid field type names the field', async () => {
      const title = apiName('bad-field');
      const reply = await importOpenapi(apis, {
        inlineAPIDefinition: petstoreYaml(title),
        additionalProperties: props({ context: `/${title}`, tags: 'not-an-array' }),
      });
      expectError(reply, 400, 400, 'tags');
      expect(await countNamed(title)).toBe(0);
    });
  });

  describe('conflicts', () => {
    it('importing the same name and version twice: 409, the first API stays', async () => {
      const title = apiName('twice');
      const first = await imported(apis, {
        inlineAPIDefinition: petstoreYaml(title),
        additionalProperties: props({ context: `/${title}` }),
      });
      const again = await importOpenapi(apis, {
        file: { file: petstoreYaml(title) },
        additionalProperties: props({ context: `/${title}-other` }),
      });
      expectError(again, 409, 409, title, '1.0.5');
      expect(await countNamed(title)).toBe(1);
      expect((await apis.get(first.id)).body).toEqual(first);

      // A new version of the same definition is a new API.
      const v2 = await imported(apis, {
        inlineAPIDefinition: petstoreYaml(title),
        additionalProperties: props({ context: `/${title}`, version: '2.0.0' }),
      });
      expect(v2).toMatchObject({ name: title, version: '2.0.0' });
    });
  });

  describe('scopes', () => {
    async function withScope(scope: string): Promise<PublisherApi> {
      const tokens = await ctx.tokenFor(adminCredentials(ctx.node), scope);
      expect(tokens.scope).toBe(scope);
      return apis.withToken(tokens.access_token);
    }

    it('apim:api_create alone may import', async () => {
      const title = apiName('creator');
      const caller = await withScope('apim:api_create');
      const api = await imported(caller, {
        inlineAPIDefinition: petstoreYaml(title),
        additionalProperties: props({ context: `/${title}` }),
      });
      expect(api.provider).toBe(adminCredentials(ctx.node).username);
    });

    it.each(['apim:api_view', 'apim:api_publish', 'apim:api_delete', 'apim:api_view apim:api_publish'])(
      '%s may not: 403 naming apim:api_create',
      async (scope) => {
        const title = apiName('forbidden');
        const caller = await withScope(scope);
        const reply = await importOpenapi(caller, {
          inlineAPIDefinition: petstoreYaml(title),
          additionalProperties: props({ context: `/${title}` }),
        });
        expectError(reply, 403, 900910, 'apim:api_create');
        expect(reply.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
        expect(await countNamed(title)).toBe(0);
      },
    );

    it('no token: 401 900902; an invalid token: 401 900901', async () => {
      const title = apiName('anonymous');
      const parts = {
        inlineAPIDefinition: petstoreYaml(title),
        additionalProperties: props({ context: `/${title}` }),
      };
      expectError(await importOpenapi(apis.withToken(null), parts), 401, 900902);
      expectError(await importOpenapi(apis.withToken('not-a-real-token'), parts), 401, 900901);
      expect(await countNamed(title)).toBe(0);
    });
  });
});
