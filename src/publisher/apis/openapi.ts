/**
 * OpenAPI 3.0/3.1 and Swagger 2.0 definitions: parsed (JSON or YAML), validated with swagger-parser, turned
 * into operations, generated for an API that has none, and kept in step when operations change.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import yaml from 'js-yaml';
import { BadRequest } from '../../platform/errors.js';
import { HTTP_VERBS, type Api, type Operation } from './api-schemas.js';

export type Definition = Record<string, unknown> & { paths?: Record<string, Record<string, unknown>> };

const METHODS = HTTP_VERBS.map((v) => v.toLowerCase());

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
  return value as Definition;
}

/** Validates against the OpenAPI 3.0/3.1 or Swagger 2.0 schema, references included. */
export async function validateDefinition(definition: Definition): Promise<void> {
  if (!('openapi' in definition) && !('swagger' in definition)) {
    throw new BadRequest('The API definition has neither "openapi" (3.x) nor "swagger" (2.0) at its top.');
  }
  try {
    // swagger-parser dereferences in place: give it a copy, keep the definition as written.
    await SwaggerParser.validate(structuredClone(definition) as never);
  } catch (err) {
    throw new BadRequest(
      `The API definition is invalid: ${(err as Error).message.split('\n').slice(0, 5).join(' ')}`,
    );
  }
}

/** `/pets/{id}` stays as is; WSO2 URI templates use the same braces. */
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
