/**
 * POST /apis/import-openapi (multipart `file` or `inlineAPIDefinition`, plus `additionalProperties`) and
 * GET/PUT /apis/{apiId}/swagger (multipart `apiDefinition` or `file`), as WSO2's publisher API v4 has them.
 */
import { Value } from 'typebox/value';
import { callerOf, type BearerCheck } from '../../platform/auth/bearer.js';
import { BadRequest } from '../../platform/errors.js';
import type { App } from '../../platform/http-server.js';
import { ApiSchema, type Api } from './api-schemas.js';
import type { ApiService } from './api-service.js';
import { MultipartForm } from './multipart-form.js';
import { APIS, ApiParams, apiGuards } from './api-route-guards.js';
import { parseDefinition, validateDefinition, type Definition } from './openapi.js';

async function definitionFrom(form: MultipartForm, names: string[]): Promise<Definition> {
  const source = form.textOrFile(names);
  if (!source)
    throw new BadRequest(`Send the definition as one of the multipart fields ${names.join(', ')}.`);
  const definition = parseDefinition(source);
  await validateDefinition(definition);
  return definition;
}

/** additionalProperties: the API's own fields; name and version default to the definition's info. */
function apiFrom(form: MultipartForm, definition: Definition): Api {
  let extra: Record<string, unknown> = {};
  const raw = form.text('additionalProperties');
  if (raw) {
    try {
      extra = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new BadRequest('additionalProperties must be a JSON object of API fields.');
    }
  }
  const info = (definition.info ?? {}) as { title?: string; version?: string; description?: string };
  const api = {
    ...(info.description ? { description: info.description } : {}),
    name: info.title,
    version: info.version,
    ...extra,
    operations: undefined,
  };
  const errors = [...Value.Errors(ApiSchema, api)];
  if (errors.length > 0) {
    throw new BadRequest(
      `additionalProperties: ${errors.map((e) => `${e.instancePath.slice(1).replaceAll('/', '.') || '(root)'} ${e.message}`).join('; ')}`,
    );
  }
  return api as Api;
}

export function registerDefinitionRoutes(
  app: App,
  apis: ApiService,
  check: BearerCheck,
  maxBytes: number,
): void {
  const { view, create, edit } = apiGuards(check);

  app.post(
    `${APIS}/import-openapi`,
    { onRequest: create, schema: { response: { 201: ApiSchema } } },
    async (request, reply) => {
      const form = MultipartForm.of(request, maxBytes, '"file" or "inlineAPIDefinition"');
      const definition = await definitionFrom(form, ['file', 'inlineAPIDefinition']);
      const owner = callerOf(request.bearer);
      const created = await apis.create(apiFrom(form, definition), owner, definition);
      return reply.code(201).header('location', `${APIS}/${created.id}`).send(created);
    },
  );
  app.get(`${APIS}/:apiId/swagger`, { onRequest: view, schema: { params: ApiParams } }, (request) =>
    apis.definition(request.params.apiId),
  );
  app.put(`${APIS}/:apiId/swagger`, { onRequest: edit, schema: { params: ApiParams } }, async (request) => {
    const form = MultipartForm.of(request, maxBytes, '"apiDefinition" or "file"');
    const definition = await definitionFrom(form, ['apiDefinition', 'file']);
    return apis.replaceDefinition(request.params.apiId, definition);
  });
}
