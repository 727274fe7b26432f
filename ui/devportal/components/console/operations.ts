/**
 * The operations of an API's definition (OpenAPI 3 or Swagger 2, as GET /apis/{apiId}/swagger gives it),
 * flattened for the console: each with its path, query and header parameters and, when it takes one, a
 * request body with an example to start from. Only local `$ref`s are followed (the server refuses others).
 */
import type { Definition } from '../../../../src/publisher/apis/openapi';

export type ParameterIn = 'path' | 'query' | 'header';

export interface ConsoleParameter {
  name: string;
  in: ParameterIn;
  required: boolean;
  description?: string;
  example?: string;
}

export interface ConsoleOperation {
  key: string;
  verb: string;
  path: string;
  summary?: string;
  description?: string;
  parameters: ConsoleParameter[];
  /** The media type and a starting text when the operation takes a body. */
  body?: { contentType: string; example: string; required: boolean };
  /** Scopes the operation's security asks for (none: any token of a subscribed application). */
  scopes: string[];
  secured: boolean;
}

const VERBS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Follows `#/a/b` references within the document (a few levels, never in circles). */
function resolve(root: Node, value: unknown, depth = 0): unknown {
  if (!isNode(value) || typeof value.$ref !== 'string' || depth > 10) return value;
  const ref = value.$ref;
  if (!ref.startsWith('#/')) return {};
  let target: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
    target = isNode(target) ? target[key] : undefined;
  }
  return resolve(root, target, depth + 1);
}

/** An example value for a schema: its example or default, else a value of its type. */
function exampleOf(root: Node, schema: unknown, depth = 0): unknown {
  const s = resolve(root, schema);
  if (!isNode(s) || depth > 6) return null;
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const all = Array.isArray(s.allOf) ? s.allOf : undefined;
  if (all) return Object.assign({}, ...all.map((part) => exampleOf(root, part, depth + 1) ?? {}));
  const one = Array.isArray(s.oneOf) ? s.oneOf[0] : Array.isArray(s.anyOf) ? s.anyOf[0] : undefined;
  if (one) return exampleOf(root, one, depth + 1);
  switch (s.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(isNode(s.properties) ? s.properties : {}).map(([k, v]) => [
          k,
          exampleOf(root, v, depth + 1),
        ]),
      );
    case 'array':
      return [exampleOf(root, s.items, depth + 1)];
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'string':
      return s.format === 'date-time' ? new Date(0).toISOString() : 'string';
    default:
      return isNode(s.properties) ? exampleOf(root, { ...s, type: 'object' }, depth) : null;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function parameterOf(root: Node, raw: unknown): ConsoleParameter | undefined {
  const p = resolve(root, raw);
  if (!isNode(p) || typeof p.name !== 'string') return undefined;
  if (p.in !== 'path' && p.in !== 'query' && p.in !== 'header') return undefined;
  // Authorization is the console's own header.
  if (p.in === 'header' && p.name.toLowerCase() === 'authorization') return undefined;
  const schema = resolve(root, p.schema);
  const example = p.example ?? (isNode(schema) ? (schema.example ?? schema.default) : undefined) ?? p.default;
  return {
    name: p.name,
    in: p.in,
    required: p.in === 'path' || p.required === true,
    ...(text(p.description) ? { description: text(p.description) } : {}),
    ...(example !== undefined ? { example: String(example) } : {}),
  };
}

function bodyOf(root: Node, operation: Node, parameters: unknown[]): ConsoleOperation['body'] {
  // OpenAPI 3: requestBody.content; Swagger 2: a parameter "in: body".
  const requestBody = resolve(root, operation.requestBody);
  if (isNode(requestBody) && isNode(requestBody.content)) {
    const types = Object.keys(requestBody.content);
    const contentType = types.find((t) => t.includes('json')) ?? types[0] ?? 'application/json';
    const media = requestBody.content[contentType];
    const example = isNode(media) ? (media.example ?? exampleOf(root, media.schema)) : null;
    return {
      contentType,
      example: typeof example === 'string' ? example : JSON.stringify(example ?? {}, null, 2),
      required: requestBody.required === true,
    };
  }
  const bodyParameter = parameters.map((p) => resolve(root, p)).find((p) => isNode(p) && p.in === 'body');
  if (isNode(bodyParameter)) {
    const consumes = Array.isArray(operation.consumes) ? operation.consumes : [];
    return {
      contentType: String(consumes[0] ?? 'application/json'),
      example: JSON.stringify(exampleOf(root, bodyParameter.schema) ?? {}, null, 2),
      required: bodyParameter.required === true,
    };
  }
  return undefined;
}

function securityOf(operation: Node, root: Node): { secured: boolean; scopes: string[] } {
  const security = Array.isArray(operation.security) ? operation.security : root.security;
  const custom = operation['x-auth-type'];
  if (custom === 'None') return { secured: false, scopes: [] };
  if (!Array.isArray(security)) return { secured: true, scopes: [] };
  if (security.length === 0) return { secured: false, scopes: [] };
  const scopes = security.flatMap((requirement) =>
    isNode(requirement)
      ? Object.values(requirement).flatMap((s) => (Array.isArray(s) ? s.map(String) : []))
      : [],
  );
  return { secured: true, scopes: [...new Set(scopes)] };
}

export function operationsOf(definition: Definition): ConsoleOperation[] {
  const root = definition as Node;
  const operations: ConsoleOperation[] = [];
  for (const [path, rawItem] of Object.entries(definition.paths ?? {})) {
    const item = resolve(root, rawItem);
    if (!isNode(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const verb of VERBS) {
      const operation = item[verb];
      if (!isNode(operation)) continue;
      const own = Array.isArray(operation.parameters) ? operation.parameters : [];
      const byKey = new Map<string, ConsoleParameter>();
      for (const raw of [...shared, ...own]) {
        const parameter = parameterOf(root, raw);
        if (parameter) byKey.set(`${parameter.in}:${parameter.name}`, parameter);
      }
      // A path template's variables are parameters even when the definition forgets to declare them.
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        if (name && !byKey.has(`path:${name}`))
          byKey.set(`path:${name}`, { name, in: 'path', required: true });
      }
      // A wildcard resource (`/*`, WSO2's default) takes any rest of the path.
      if (path.includes('*'))
        byKey.set('path:*', { name: '*', in: 'path', required: false, description: 'The rest of the path' });
      const body = bodyOf(root, operation, [...shared, ...own]);
      operations.push({
        key: `${verb.toUpperCase()} ${path}`,
        verb: verb.toUpperCase(),
        path,
        ...(text(operation.summary) ? { summary: text(operation.summary) } : {}),
        ...(text(operation.description) ? { description: text(operation.description) } : {}),
        parameters: [...byKey.values()],
        ...(body ? { body } : {}),
        ...securityOf(operation, root),
      });
    }
  }
  return operations;
}

/** The URL of a call: the gateway base, the path with its variables filled, and the query. */
export function callUrl(base: string, operation: ConsoleOperation, values: Record<string, string>): string {
  const path = operation.path
    .replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[`path:${name}`] ?? ''))
    .replace(/\/?\*$/, () => {
      const rest = (values['path:*'] ?? '').replace(/^\/+/, '');
      return rest ? `/${rest.split('/').map(encodeURIComponent).join('/')}` : '';
    });
  const url = new URL(`${base.replace(/\/+$/, '')}${path}`);
  for (const p of operation.parameters) {
    const value = values[`query:${p.name}`];
    if (p.in === 'query' && value !== undefined && value !== '') url.searchParams.append(p.name, value);
  }
  return url.toString();
}
