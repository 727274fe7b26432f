/**
 * OpenAPI 3.0/3.1 and Swagger 2.0 definitions: parsed (JSON or YAML), validated with swagger-parser, turned
 * into operations, generated for an API that has none, and kept in step when operations change.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import yaml from 'js-yaml';
import { BadRequest } from '../../platform/errors.js';
import { HTTP_VERBS, MAX_OPERATIONS, type Api, type Operation } from './api-schemas.js';

export type Definition = Record<string, unknown> & { paths?: Record<string, Record<string, unknown>> };

const METHODS = HTTP_VERBS.map((v) => v.toLowerCase());

/** More nodes than any real definition has; YAML aliases can make a few bytes expand past it ("billion laughs"). */
const MAX_NODES = 200_000;

/**
 * Walks a parsed definition, visiting shared (aliased) values each time: stops past the size limit, and
 * refuses `$ref`s outside the document (they would make the server read its own files or fetch URLs).
 */
function checkSize(root: unknown): void {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (++count > MAX_NODES) {
      throw new BadRequest(`The API definition is too large: more than ${MAX_NODES} values.`);
    }
    if (typeof value !== 'object' || value === null) continue;
    const ref = (value as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && !ref.startsWith('#')) {
      throw new BadRequest(
        `The API definition refers outside itself ($ref "${ref.slice(0, 100)}"): only "#/..." references are allowed.`,
      );
    }
    stack.push(...Object.values(value));
  }
}

/** Parses JSON or YAML text into a definition object, or a 400 saying why it cannot be. */
export function parseDefinition(text: string): Definition {
  let value: unknown;
  try {
    value = text.trimStart().startsWith('{')
      ? JSON.parse(text)
      : yaml.load(text, { schema: yaml.JSON_SCHEMA });
  } catch (err) {
    throw new BadRequest(
      `The API definition is neither valid JSON nor valid YAML: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequest('The API definition must be an OpenAPI or Swagger object.');
  }
  checkSize(value);
  return value as Definition;
}

/** Validates against the OpenAPI 3.0/3.1 or Swagger 2.0 schema, references included. */
export async function validateDefinition(definition: Definition): Promise<void> {
  if (!('openapi' in definition) && !('swagger' in definition)) {
    throw new BadRequest('The API definition has neither "openapi" (3.x) nor "swagger" (2.0) at its top.');
  }
  try {
    // swagger-parser dereferences in place: give it a copy, keep the definition as written.
    // parseDefinition already refused external references; never resolve one anyway.
    await SwaggerParser.validate(
      structuredClone(definition) as never,
      { resolve: { external: false } } as never,
    );
  } catch (err) {
    throw new BadRequest(
      `The API definition is invalid: ${(err as Error).message.split('\n').slice(0, 5).join(' ')}`,
    );
  }
}

/**
 * `/pets/{id}` stays as is; WSO2 URI templates use the same braces. A definition with more operations than
 * an API may have is a 400, as the same operations sent in the API object would be.
 */
export function operationsFrom(definition: Definition, existing: Operation[] = []): Operation[] {
  const operations: Operation[] = [];
  for (const [target, item] of Object.entries(definition.paths ?? {})) {
    for (const method of Object.keys(item ?? {})) {
      if (!METHODS.includes(method)) continue;
      const verb = method.toUpperCase() as Operation['verb'];
      const spec = item[method] as { security?: unknown[] } | undefined;
      const known = existing.find((o) => o.target === target && o.verb === verb);
      operations.push(
        known ?? {
          target,
          verb,
          // An operation that declares `security: []` is open, as WSO2 reads it.
          authType:
            Array.isArray(spec?.security) && spec.security.length === 0
              ? 'None'
              : 'Application & Application User',
          throttlingPolicy: 'Unlimited',
          scopes: [],
        },
      );
    }
  }
  if (operations.length > MAX_OPERATIONS) {
    throw new BadRequest(
      `The definition has ${operations.length} operations; an API may have at most ${MAX_OPERATIONS}.`,
    );
  }
  return operations;
}

/** A minimal OpenAPI 3.0 definition of an API that was not imported from one. */
export function definitionFor(api: Api): Definition {
  const definition: Definition = {
    openapi: '3.0.1',
    info: {
      title: api.name,
      version: api.version,
      ...(api.description ? { description: api.description } : {}),
    },
    servers: [{ url: '/' }],
    paths: {},
  };
  return inStep(definition, api.operations ?? []);
}

/** The definition with exactly the API's operations: missing ones added (minimal), removed ones dropped. */
export function inStep(definition: Definition, operations: Operation[]): Definition {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { target, verb } of operations) {
    const method = verb.toLowerCase();
    const existing = definition.paths?.[target];
    const item = (paths[target] ??= Object.fromEntries(
      Object.entries(existing ?? {}).filter(([key]) => !METHODS.includes(key)),
    ));
    item[method] = existing?.[method] ?? { responses: { default: { description: 'Default response' } } };
  }
  return { ...definition, paths };
}
