/**
 * Contract checks of our REST bodies against WSO2 API-M's OpenAPI 3.0.1 definitions. Each is loaded once
 * (js-yaml: strict YAML 1.2 parsers reject them), adapted, and added whole to Ajv as `wso2-<api>`;
 * validators are compiled from JSON pointers into it (`wso2-admin#/components/schemas/Error`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';
import yaml from 'js-yaml';

export type Wso2Api = 'admin' | 'publisher' | 'devportal';

/** Folder holding admin-api.yaml, publisher-api.yaml and devportal-api.yaml (copies of WSO2's, see SOURCE.md). */
const DEFINITIONS_DIR =
  process.env['WSO2_REST_DIR'] ?? path.resolve(import.meta.dirname, '../fixtures/wso2-rest');

type Node = Record<string, unknown>;
interface Located {
  node: Node;
  pointer: string[];
}

// ajv-formats is CommonJS: depending on the loader the default import is the plugin or its module.
const addFormats = ((formatsModule as unknown as { default?: FormatsPlugin }).default ??
  formatsModule) as unknown as FormatsPlugin;

let ajvInstance: Ajv | undefined;
const definitions = new Map<Wso2Api, Node>();

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Adapts a definition for Ajv in place. OpenAPI-only annotations (example, readOnly, writeOnly,
 * x-*) are ignored thanks to `strict: false`, and `nullable` is native to Ajv 8. WSO2 uses
 * `discriminator` without `oneOf` (ThrottlePolicy, API operations), which Ajv rejects: drop it
 * there, the allOf composition does the validation. Collects the `format` names in use.
 */
function adapt(value: unknown, formats: Set<string>): void {
  if (Array.isArray(value)) return value.forEach((item) => adapt(item, formats));
  if (!isNode(value)) return;
  if (isNode(value['discriminator']) && 'propertyName' in value['discriminator'] && !value['oneOf']) {
    delete value['discriminator'];
  }
  if (typeof value['format'] === 'string') formats.add(value['format']);
  for (const child of Object.values(value)) adapt(child, formats);
}

function ajv(): Ajv {
  if (!ajvInstance) {
    ajvInstance = new Ajv({ strict: false, allErrors: true, discriminator: true });
    addFormats(ajvInstance); // int32/int64 check integers; date-time, uri, email are enforced
  }
  return ajvInstance;
}

function definition(api: Wso2Api): Node {
  const cached = definitions.get(api);
  if (cached) return cached;
  const text = readFileSync(path.join(DEFINITIONS_DIR, `${api}-api.yaml`), 'utf8');
  // CORE_SCHEMA: no YAML timestamps turned into Date objects.
  const doc = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  if (!isNode(doc) || !isNode(doc['paths'])) throw new Error(`${api}-api.yaml is not an OpenAPI definition`);
  const formats = new Set<string>();
  adapt(doc, formats);
  const instance = ajv();
  // Formats Ajv doesn't know (WSO2 has `dateTime`, `string`) only annotate.
  for (const format of formats) if (!instance.formats[format]) instance.addFormat(format, true);
  instance.addSchema(doc, `wso2-${api}`);
  definitions.set(api, doc);
  return doc;
}

/** Follows `$ref`s (`#/components/...`) to the referenced object. */
function follow(api: Wso2Api, start: Located): Located {
  let { node, pointer } = start;
  for (let hops = 0; typeof node['$ref'] === 'string'; hops++) {
    const ref = node['$ref'];
    if (!ref.startsWith('#/') || hops > 20)
      throw new Error(`Unsupported $ref ${ref} in the ${api} definition`);
    pointer = ref.slice(2).split('/').map(unescapePointer);
    const target = pointer.reduce<unknown>((at, key) => (isNode(at) ? at[key] : undefined), definition(api));
    if (!isNode(target)) throw new Error(`Dangling $ref ${ref} in the ${api} definition`);
    node = target;
  }
  return { node, pointer };
}

const unescapePointer = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');
const escapePointer = (segment: string) =>
  encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));

function operation(api: Wso2Api, method: string, pathTemplate: string): Located {
  const paths = definition(api)['paths'] as Node;
  const where = `${method.toUpperCase()} ${pathTemplate}`;
  const item = paths[pathTemplate];
  if (!isNode(item)) {
    const prefix = `/${pathTemplate.split('/')[1] ?? ''}`;
    const near = Object.keys(paths).filter((p) => p === prefix || p.startsWith(`${prefix}/`));
    throw new Error(
      `Path ${pathTemplate} is not in the ${api} definition (paths under ${prefix}: ${near.join(', ') || 'none'})`,
    );
  }
  const op = item[method.toLowerCase()];
  if (!isNode(op)) {
    const methods = Object.keys(item).filter((k) => isNode(item[k]) && 'responses' in item[k]);
    throw new Error(`${where} is not in the ${api} definition (methods of the path: ${methods.join(', ')})`);
  }
  return { node: op, pointer: ['paths', pathTemplate, method.toLowerCase()] };
}

function describeSchema(schema: unknown, pointer: string[]): string {
  const name = (s: unknown) =>
    isNode(s) && typeof s['$ref'] === 'string' ? s['$ref'].split('/').pop() : undefined;
  if (name(schema)) return `${name(schema)}`;
  if (isNode(schema) && name(schema['items'])) return `${name(schema['items'])}[]`;
  return `inline schema at #/${pointer.join('/')}`;
}

function formatError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const extra = Array.isArray(params['allowedValues']) ? ` (${params['allowedValues'].join(', ')})` : '';
  return `  - ${error.instancePath || '(root)'}: ${error.message ?? error.keyword}${extra} [${error.schemaPath}]`;
}

const contentOf = ({ node, pointer }: Located): Located => ({
  node: isNode(node['content']) ? node['content'] : {},
  pointer: [...pointer, 'content'],
});
const isEmptyBody = (body: unknown) => body === undefined || body === null || body === '';

/** Validates `body` (as it would be sent as JSON) against the JSON schema of a media-type object. */
function validateContent(api: Wso2Api, content: Located, body: unknown, what: string): void {
  const media = content.node['application/json'];
  const available = Object.keys(content.node);
  if (!isNode(media)) {
    if (available.length === 0) {
      if (!isEmptyBody(body))
        throw new Error(`${what} has no content in the ${api} definition, got body ${show(body)}`);
      return;
    }
    throw new Error(
      `${what} has no application/json content in the ${api} definition (has ${available.join(', ')})`,
    );
  }
  if (!('schema' in media)) return;
  const pointer = [...content.pointer, 'application/json', 'schema'];
  const name = describeSchema(media['schema'], pointer);
  const validate = compile(api, pointer);
  const wire: unknown = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  if (validate(wire)) return;
  const errors = (validate.errors ?? []).map(formatError).join('\n');
  throw new Error(`${what} does not match WSO2 ${api} schema ${name}:\n${errors}\nbody: ${show(body)}`);
}

function show(body: unknown): string {
  const text = JSON.stringify(body) ?? String(body);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

function compile(api: Wso2Api, pointer: string[]): ValidateFunction {
  definition(api);
  const key = `wso2-${api}#/${pointer.map(escapePointer).join('/')}`;
  const validate = ajv().getSchema(key);
  if (!validate) throw new Error(`Cannot compile ${key}`);
  return validate;
}

/** Throws unless `body` is a valid response body of the operation for `status` (or `default`). */
export function expectWso2Response(
  api: Wso2Api,
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
): void {
  const op = operation(api, method, pathTemplate);
  const where = `${method.toUpperCase()} ${pathTemplate}`;
  const responses = op.node['responses'] as Node;
  const code = [String(status), `${String(status)[0]}XX`, 'default'].find((c) => isNode(responses[c]));
  if (!code) {
    throw new Error(
      `Status ${status} of ${where} is not in the ${api} definition (has ${Object.keys(responses).join(', ')})`,
    );
  }
  const response = follow(api, {
    node: responses[code] as Node,
    pointer: [...op.pointer, 'responses', code],
  });
  validateContent(api, contentOf(response), body, `Response ${status} of ${where}`);
}

/** Throws unless `body` is a valid (JSON) request body of the operation. readOnly is not enforced. */
export function expectWso2Request(api: Wso2Api, method: string, pathTemplate: string, body: unknown): void {
  const op = operation(api, method, pathTemplate);
  const what = `Request body of ${method.toUpperCase()} ${pathTemplate}`;
  if (!isNode(op.node['requestBody'])) {
    if (!isEmptyBody(body))
      throw new Error(`${what}: the ${api} definition has no request body, got ${show(body)}`);
    return;
  }
  const requestBody = follow(api, { node: op.node['requestBody'], pointer: [...op.pointer, 'requestBody'] });
  if (body === undefined) {
    if (requestBody.node['required'] === true)
      throw new Error(`${what} is required by the ${api} definition`);
    return;
  }
  validateContent(api, contentOf(requestBody), body, what);
}

/** The compiled validator of `#/components/schemas/<componentName>`. */
export function wso2Schema(api: Wso2Api, componentName: string): ValidateFunction {
  const schemas = (definition(api)['components'] as Node | undefined)?.['schemas'];
  if (!isNode(schemas) || !isNode(schemas[componentName])) {
    throw new Error(`Schema ${componentName} is not in the ${api} definition`);
  }
  return compile(api, ['components', 'schemas', componentName]);
}

/**
 * As expectWso2Response, except for an error status (4xx, 5xx) that the operation does not document, or
 * documents without a body: WSO2's definitions leave 401, 403, 409 and others out of many operations, and WSO2
 * answers its Error object there, so the body must be that Error.
 */
export function expectWso2Reply(
  api: Wso2Api,
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
): void {
  const op = operation(api, method, pathTemplate);
  const responses = op.node['responses'] as Node;
  const documented = [String(status), `${String(status)[0]}XX`, 'default'].find((c) => isNode(responses[c]));
  const withBody =
    documented !== undefined &&
    Object.keys(
      contentOf(
        follow(api, {
          node: responses[documented] as Node,
          pointer: [...op.pointer, 'responses', documented],
        }),
      ).node,
    ).length > 0;
  if (status < 400 || withBody) {
    expectWso2Response(api, method, pathTemplate, status, body);
    return;
  }
  const validate = wso2Schema(api, 'Error');
  if (!validate(body)) {
    throw new Error(
      `Response ${status} of ${method.toUpperCase()} ${pathTemplate} is not a WSO2 ${api} Error: ` +
        `${JSON.stringify(validate.errors)}\nbody: ${show(body)}`,
    );
  }
}
