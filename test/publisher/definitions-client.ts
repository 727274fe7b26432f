/**
 * Shared by the definitions-*.test.ts suites: multipart calls of POST /apis/import-openapi and GET/PUT
 * /apis/{apiId}/swagger, each reply checked against WSO2's publisher-api.yaml (via `expectPublisherContract`,
 * which falls back to the Error schema for statuses the definition leaves out), plus fixture definitions.
 *
 * The test node's fetch is undici's: multipart bodies are built with undici's FormData (Node's global
 * FormData would be sent as the text "[object FormData]").
 *
 * WSO2 documents the 200 of GET/PUT /apis/{apiId}/swagger as `application/json` with schema `type: string`:
 * the definition travels as a document, so its raw text (a string) is what is validated for those.
 */
import { FormData } from 'undici';
import { expect } from 'vitest';
import { expectPublisherContract, PUBLISHER, type PublisherApi, type PublisherReply } from './apis-client.js';
import type { Json } from './admin-client.js';

export const IMPORT = '/apis/import-openapi';
export const SWAGGER = '/apis/{apiId}/swagger';

/** Multipart parts: strings are fields; `{ file, name }` is a file part with that content. */
export type Part = string | { file: string; name?: string; type?: string };

export function form(parts: Record<string, Part>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(parts)) {
    if (typeof value === 'string') data.append(key, value);
    else
      data.append(
        key,
        new Blob([value.file], { type: value.type ?? 'application/octet-stream' }),
        value.name ?? 'api.yaml',
      );
  }
  return data;
}

export interface SwaggerReply extends PublisherReply {
  /** The raw body text. */
  text: string;
}

/** Sends `body` (a FormData, or any other fetch body with its content type) and checks the reply. */
export async function send(
  api: PublisherApi,
  method: string,
  path: string,
  template: string,
  body?: FormData | { text: string; contentType: string },
): Promise<SwaggerReply> {
  const headers: Record<string, string> = {};
  if (api.token !== null) headers.authorization = `Bearer ${api.token}`;
  let payload: unknown;
  if (body instanceof FormData) payload = body;
  else if (body) {
    headers['content-type'] = body.contentType;
    payload = body.text;
  }
  const response = await api.node.fetch(`${api.node.baseUrl}${PUBLISHER}${path}`, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload as string }),
  });
  const text = await response.text();
  let parsed: Json;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path} answered ${response.status} with non-JSON: ${text.slice(0, 500)}`);
  }
  const isDocument = template === SWAGGER && response.status === 200;
  expectPublisherContract(method, template, response.status, isDocument ? text : parsed);
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export const importOpenapi = (api: PublisherApi, parts: Record<string, Part>) =>
  send(api, 'POST', IMPORT, IMPORT, form(parts));

export const getSwagger = (api: PublisherApi, id: string) =>
  send(api, 'GET', `/apis/${encodeURIComponent(id)}/swagger`, SWAGGER);

export const putSwagger = (api: PublisherApi, id: string, parts: Record<string, Part>) =>
  send(api, 'PUT', `/apis/${encodeURIComponent(id)}/swagger`, SWAGGER, form(parts));

/** Imports and expects 201. */
export async function imported(api: PublisherApi, parts: Record<string, Part>): Promise<Json> {
  const reply = await importOpenapi(api, parts);
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}

/** The API's operations as sorted "VERB target" strings. */
export const operationKeys = (api: Json): string[] =>
  (api.operations as Json[]).map((o) => `${o.verb} ${o.target}`).sort();

/** A definition's operations as sorted "VERB path" strings. */
export function pathKeys(definition: Json): string[] {
  const keys: string[] = [];
  for (const [target, item] of Object.entries<Json>(definition.paths ?? {})) {
    for (const method of Object.keys(item)) {
      if (['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method))
        keys.push(`${method.toUpperCase()} ${target}`);
    }
  }
  return keys.sort();
}

/** additionalProperties for an import: a unique context (and whatever else is given). */
export const props = (fields: Json): string => JSON.stringify(fields);

/** Petstore, OpenAPI 3.0 in YAML; GET /health is open (`security: []`). */
export function petstoreYaml(title: string, version = '1.0.5'): string {
  return `openapi: 3.0.3
info:
  title: ${title}
  version: ${version}
  description: A sample pet store.
servers:
  - url: https://petstore.example.com/v1
paths:
  /pets:
    get:
      summary: List all pets
      operationId: listPets
      parameters:
        - name: limit
          in: query
          required: false
          schema:
            type: integer
            format: int32
      responses:
        '200':
          description: A paged array of pets
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pets'
    post:
      summary: Create a pet
      operationId: createPets
      responses:
        '201':
          description: Null response
  /pets/{petId}:
    get:
      summary: Info for a specific pet
      operationId: showPetById
      parameters:
        - name: petId
          in: path
          required: true
          description: The id of the pet to retrieve
          schema:
            type: string
      responses:
        '200':
          description: Expected response to a valid request
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pet'
  /health:
    get:
      summary: Liveness
      security: []
      responses:
        '200':
          description: Alive
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id:
          type: integer
          format: int64
        name:
          type: string
        tag:
          type: string
    Pets:
      type: array
      items:
        $ref: '#/components/schemas/Pet'
`;
}

/** A bookshop, OpenAPI 3.1 in JSON, with $refs to components/schemas. */
export function bookshop31(title: string, version = '2.0.0'): Json {
  return {
    openapi: '3.1.0',
    info: { title, version, description: 'Books, in JSON and 3.1.' },
    paths: {
      '/books': {
        get: {
          operationId: 'listBooks',
          responses: {
            '200': {
              description: 'The books',
              content: {
                'application/json': {
                  schema: { type: 'array', items: { $ref: '#/components/schemas/Book' } },
                },
              },
            },
          },
        },
      },
      '/books/{isbn}': {
        parameters: [{ name: 'isbn', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          operationId: 'getBook',
          responses: {
            '200': {
              description: 'One book',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Book' } } },
            },
          },
        },
        delete: {
          operationId: 'deleteBook',
          security: [],
          responses: { '204': { description: 'Gone' } },
        },
      },
    },
    components: {
      schemas: {
        Book: {
          type: 'object',
          description: 'A book on the shelf.',
          required: ['isbn', 'title'],
          properties: {
            isbn: { type: 'string' },
            title: { type: 'string' },
            subtitle: { type: ['string', 'null'] },
          },
        },
      },
    },
  };
}

/** A weather service, Swagger 2.0 (JSON) with a basePath. */
export function weatherSwagger2(title: string, version = '3.1.4'): Json {
  return {
    swagger: '2.0',
    info: { title, version, description: 'Forecasts, Swagger 2.0.' },
    host: 'weather.example.com',
    basePath: '/weather/v3',
    schemes: ['https'],
    paths: {
      '/forecast/{city}': {
        get: {
          operationId: 'forecast',
          produces: ['application/json'],
          parameters: [{ name: 'city', in: 'path', required: true, type: 'string' }],
          responses: { '200': { description: 'A forecast', schema: { $ref: '#/definitions/Forecast' } } },
        },
      },
      '/stations': {
        post: {
          operationId: 'addStation',
          security: [],
          responses: { '201': { description: 'Added' } },
        },
      },
    },
    definitions: {
      Forecast: {
        type: 'object',
        properties: { city: { type: 'string' }, celsius: { type: 'number' } },
      },
    },
  };
}
