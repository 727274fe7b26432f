/**
 * GET/PUT /api/am/publisher/v4/apis/{apiId}/swagger: an API created without a definition gets a generated
 * OpenAPI 3.0.1 one with its operations; an imported one gives back what was imported. PUT replaces the
 * definition and the operations follow its paths (operations that remain keep their settings), and a
 * PUT /apis/{apiId} that adds or removes operations adds or removes them in the definition. Invalid
 * definitions → 400, API and definition unchanged. Every reply is checked against WSO2's publisher-api.yaml.
 */
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCredentials } from '../support/oauth-helpers.js';
import {
  apiName,
  expectError,
  fullApi,
  minimalApi,
  startPublisherNode,
  type Json,
  type PublisherApi,
  type PublisherContext,
} from './apis-client.js';
import {
  bookshop31,
  getSwagger,
  imported,
  operationKeys,
  pathKeys,
  petstoreYaml,
  props,
  putSwagger,
  send,
  SWAGGER,
  weatherSwagger2,
} from './definitions-client.js';

const SECURED = 'Application & Application User';

/** Petstore, reworked: GET /pets stays (now declared open), the rest goes; /owners and DELETE /pets/{petId} come. */
function petstoreV2(title: string): Json {
  return {
    openapi: '3.0.3',
    info: { title, version: '1.0.5', description: 'The pet store, second edition.' },
    paths: {
      '/pets': {
        get: { summary: 'List pets (v2)', security: [], responses: { '200': { description: 'Pets' } } },
      },
      '/pets/{petId}': {
        parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'string' } }],
        delete: { summary: 'Remove a pet', responses: { '204': { description: 'Removed' } } },
      },
      '/owners': {
        get: {
          summary: 'Owners',
          security: [],
          responses: {
            '200': {
              description: 'The owners',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Owner' } } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Owner: {
          type: 'object',
          description: 'Who feeds the pets.',
          properties: { name: { type: 'string' } },
        },
      },
    },
  };
}

describe.each(['sqlite', 'postgres'] as const)('API definitions [%s]', (engine) => {
  let ctx: PublisherContext;
  let apis: PublisherApi;

  beforeAll(async () => {
    ctx = await startPublisherNode(engine);
    apis = ctx.apis;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  /** An API imported from the YAML petstore. */
  async function importPetstore(): Promise<{ api: Json; title: string }> {
    const title = apiName('petstore');
    const api = await imported(apis, {
      file: { file: petstoreYaml(title), name: 'petstore.yaml' },
      additionalProperties: props({ context: `/${title}`, policies: ['Gold'] }),
    });
    return { api, title };
  }

  async function swaggerOf(id: string): Promise<Json> {
    const reply = await getSwagger(apis, id);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    return reply.body;
  }

  async function apiOf(id: string): Promise<Json> {
    const reply = await apis.get(id);
    expect(reply.status).toBe(200);
    return reply.body;
  }

  describe('GET', () => {
    it('an API created without a definition: a generated OpenAPI 3.0.1 document of its operations', async () => {
      const api = await apis.created(fullApi());
      const definition = await swaggerOf(api.id);
      expect(definition).toMatchObject({
        openapi: '3.0.1',
        info: { title: api.name, version: '2.1.0', description: 'Pizzas, delivered.' },
      });
      expect(pathKeys(definition)).toEqual(operationKeys(api));
      expect(pathKeys(definition)).toEqual(['DELETE /order/{orderId}', 'GET /menu', 'POST /order/{orderId}']);
      for (const item of Object.values<Json>(definition.paths))
        for (const operation of Object.values<Json>(item)) expect(operation.responses).toBeTypeOf('object');
    });

    it('an API without operations: the definition has its default /* resources', async () => {
      const api = await apis.created(minimalApi());
      const definition = await swaggerOf(api.id);
      expect(definition.openapi).toBe('3.0.1');
      expect(definition.info).toEqual({ title: api.name, version: '1.0.0' });
      expect(pathKeys(definition)).toEqual(['DELETE /*', 'GET /*', 'PATCH /*', 'POST /*', 'PUT /*']);
    });

    it('an imported API: the definition as imported, schemas, descriptions and servers included', async () => {
      const { api, title } = await importPetstore();
      const definition = await swaggerOf(api.id);
      expect(definition).toEqual(yaml.load(petstoreYaml(title), { schema: yaml.JSON_SCHEMA }));
      expect(definition.components.schemas.Pet.required).toEqual(['id', 'name']);
      expect(definition.paths['/pets/{petId}'].get.parameters[0].description).toBe(
        'The id of the pet to retrieve',
      );
    });

    it('an imported OpenAPI 3.1 or Swagger 2.0 definition is given back as imported', async () => {
      for (const make of [bookshop31, weatherSwagger2]) {
        const title = apiName('back');
        const source = make(title);
        const api = await imported(apis, {
          inlineAPIDefinition: JSON.stringify(source),
          additionalProperties: props({ context: `/${title}` }),
        });
        expect(await swaggerOf(api.id)).toEqual(source);
      }
    });

    it('an unknown API: 404', async () => {
      expectError(await getSwagger(apis, 'no-such-api'), 404, 404);
    });
  });

  describe('PUT', () => {
    it('replaces the definition; operations follow its paths, the remaining one keeps its settings', async () => {
      const { api, title } = await importPetstore();
      // Give GET /pets settings of its own.
      const tuned = api.operations.map((o: Json) =>
        o.verb === 'GET' && o.target === '/pets'
          ? { ...o, throttlingPolicy: '20KPerMin', authType: 'Application User' }
          : o,
      );
      const updated = await apis.update(api.id, { ...api, operations: tuned });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);

      const next = petstoreV2(title);
      const reply = await putSwagger(apis, api.id, { apiDefinition: JSON.stringify(next) });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body).toEqual(next);
      expect(await swaggerOf(api.id)).toEqual(next);

      const after = await apiOf(api.id);
      expect(operationKeys(after)).toEqual(['DELETE /pets/{petId}', 'GET /owners', 'GET /pets']);
      const byKey = Object.fromEntries(after.operations.map((o: Json) => [`${o.verb} ${o.target}`, o]));
      // Kept as it was, although the new definition declares it open.
      expect(byKey['GET /pets']).toMatchObject({
        throttlingPolicy: '20KPerMin',
        authType: 'Application User',
      });
      expect(byKey['GET /owners']).toMatchObject({ authType: 'None', throttlingPolicy: 'Unlimited' });
      expect(byKey['DELETE /pets/{petId}']).toMatchObject({
        authType: SECURED,
        throttlingPolicy: 'Unlimited',
      });
      // Everything else about the API stays.
      expect(after).toMatchObject({
        name: api.name,
        version: api.version,
        context: api.context,
        policies: ['Gold'],
      });
    });

    it('accepts the definition as a YAML `file`', async () => {
      const api = await apis.created(minimalApi());
      const title = apiName('replaced');
      const reply = await putSwagger(apis, api.id, {
        file: { file: petstoreYaml(title), name: 'petstore.yaml' },
      });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body).toEqual(yaml.load(petstoreYaml(title), { schema: yaml.JSON_SCHEMA }));
      const after = await apiOf(api.id);
      expect(operationKeys(after)).toEqual(['GET /health', 'GET /pets', 'GET /pets/{petId}', 'POST /pets']);
      expect(after.operations.find((o: Json) => o.target === '/health').authType).toBe('None');
      // The definition's info does not rename the API.
      expect(after).toMatchObject({ name: api.name, version: '1.0.0' });
    });

    it('a Swagger 2.0 definition replaces an OpenAPI 3.0 one', async () => {
      const { api, title } = await importPetstore();
      const next = weatherSwagger2(title);
      const reply = await putSwagger(apis, api.id, { apiDefinition: JSON.stringify(next) });
      expect(reply.status, reply.text).toBe(200);
      expect(await swaggerOf(api.id)).toEqual(next);
      expect(operationKeys(await apiOf(api.id))).toEqual(['GET /forecast/{city}', 'POST /stations']);
    });

    describe('400 leaves the API and its definition unchanged', () => {
      const cases: [string, (title: string) => Record<string, string>, string][] = [
        [
          'YAML that does not parse',
          () => ({ apiDefinition: 'openapi: 3.0.3\npaths: {unclosed' }),
          'neither valid JSON nor valid YAML',
        ],
        [
          'no openapi or swagger key',
          (title) => ({ apiDefinition: JSON.stringify({ info: { title, version: '1' }, paths: {} }) }),
          'neither "openapi"',
        ],
        [
          'info without version',
          (title) => ({ apiDefinition: petstoreYaml(title).replace('  version: 1.0.5\n', '') }),
          'The API definition is invalid',
        ],
        [
          'a broken $ref',
          (title) => {
            const definition = petstoreV2(title);
            delete definition.components.schemas.Owner;
            return { apiDefinition: JSON.stringify(definition) };
          },
          '#/components/schemas/Owner',
        ],
        [
          'no apiDefinition nor file field',
          () => ({ url: 'https://example.com/openapi.json' }),
          'apiDefinition',
        ],
      ];

      it.each(cases)('%s', async (_label, make, mention) => {
        const { api, title } = await importPetstore();
        const before = await swaggerOf(api.id);
        const reply = await putSwagger(apis, api.id, make(title));
        expectError(reply, 400, 400, mention);
        expect(await swaggerOf(api.id)).toEqual(before);
        expect(await apiOf(api.id)).toEqual(api);
      });

      it('not multipart', async () => {
        const { api, title } = await importPetstore();
        const before = await swaggerOf(api.id);
        const reply = await send(apis, 'PUT', `/apis/${api.id}/swagger`, SWAGGER, {
          contentType: 'application/json',
          text: JSON.stringify(petstoreV2(title)),
        });
        expectError(reply, 400, 400, 'multipart/form-data');
        expect(await swaggerOf(api.id)).toEqual(before);
        expect(await apiOf(api.id)).toEqual(api);
      });
    });

    it('an unknown API: 404', async () => {
      const reply = await putSwagger(apis, 'no-such-api', { apiDefinition: JSON.stringify(petstoreV2('x')) });
      expectError(reply, 404, 404);
    });
  });

  describe('PUT /apis/{apiId} keeps the definition in step', () => {
    it('an imported API: an added operation appears in the definition, a removed one leaves it', async () => {
      const { api, title } = await importPetstore();
      const operations = [
        ...api.operations.filter((o: Json) => !(o.verb === 'POST' && o.target === '/pets')),
        {
          target: '/pets/{petId}',
          verb: 'PATCH',
          authType: SECURED,
          throttlingPolicy: 'Unlimited',
          scopes: [],
        },
      ];
      const updated = await apis.update(api.id, { ...api, operations });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);

      const definition = await swaggerOf(api.id);
      expect(pathKeys(definition)).toEqual([
        'GET /health',
        'GET /pets',
        'GET /pets/{petId}',
        'PATCH /pets/{petId}',
      ]);
      // What stays is as imported.
      const original = yaml.load(petstoreYaml(title), { schema: yaml.JSON_SCHEMA }) as Json;
      expect(definition.paths['/pets'].get).toEqual(original.paths['/pets'].get);
      expect(definition.paths['/pets/{petId}'].get).toEqual(original.paths['/pets/{petId}'].get);
      expect(definition.components).toEqual(original.components);
      expect(definition.info).toEqual(original.info);
    });

    it('an API created without a definition: its generated definition follows the operations', async () => {
      const api = await apis.created(fullApi());
      expect(pathKeys(await swaggerOf(api.id))).toEqual(operationKeys(api));
      const operations = [
        ...api.operations.filter((o: Json) => o.verb !== 'DELETE'),
        { target: '/menu/{item}', verb: 'GET', authType: 'None', throttlingPolicy: 'Unlimited', scopes: [] },
      ];
      const updated = await apis.update(api.id, { ...api, operations });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);
      expect(pathKeys(await swaggerOf(api.id))).toEqual([
        'GET /menu',
        'GET /menu/{item}',
        'POST /order/{orderId}',
      ]);
    });
  });

  describe('scopes', () => {
    async function withScope(scope: string): Promise<PublisherApi> {
      const tokens = await ctx.tokenFor(adminCredentials(ctx.node), scope);
      expect(tokens.scope).toBe(scope);
      return apis.withToken(tokens.access_token);
    }

    it('GET: apim:api_view, apim:api_create or apim:api_publish; not apim:api_delete', async () => {
      const { api } = await importPetstore();
      for (const scope of ['apim:api_view', 'apim:api_create', 'apim:api_publish']) {
        const reply = await getSwagger(await withScope(scope), api.id);
        expect(reply.status, scope).toBe(200);
      }
      const reply = await getSwagger(await withScope('apim:api_delete'), api.id);
      expectError(reply, 403, 900910, 'apim:api_view', 'apim:api_create', 'apim:api_publish');
    });

    it('PUT: apim:api_create or apim:api_publish; not apim:api_view nor apim:api_delete', async () => {
      const { api, title } = await importPetstore();
      const before = await swaggerOf(api.id);
      for (const scope of ['apim:api_view', 'apim:api_delete']) {
        const reply = await putSwagger(await withScope(scope), api.id, {
          apiDefinition: JSON.stringify(petstoreV2(title)),
        });
        expectError(reply, 403, 900910, 'apim:api_create', 'apim:api_publish');
        expect(reply.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
      }
      expect(await swaggerOf(api.id)).toEqual(before);
      for (const scope of ['apim:api_create', 'apim:api_publish']) {
        const reply = await putSwagger(await withScope(scope), api.id, {
          apiDefinition: JSON.stringify(petstoreV2(title)),
        });
        expect(reply.status, scope).toBe(200);
      }
    });

    it('no token or an invalid one: 401 on GET and PUT', async () => {
      const { api, title } = await importPetstore();
      for (const [token, code] of [
        [null, 900902],
        ['not-a-real-token', 900901],
      ] as const) {
        const caller = apis.withToken(token);
        expectError(await getSwagger(caller, api.id), 401, code);
        expectError(
          await putSwagger(caller, api.id, { apiDefinition: JSON.stringify(petstoreV2(title)) }),
          401,
          code,
        );
      }
    });
  });
});
