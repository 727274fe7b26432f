/**
 * The Admin API's deny policies (/throttling/deny-policies, /throttling/deny-policy/{conditionId}), with every
 * reply checked against WSO2's admin-api.yaml, with one deliberate exception explained below.
 *
 * WSO2's BlockingCondition schema types `conditionValue` as an object ({fixedIp, invert} in its example), but
 * WSO2 API Manager itself sends and returns a plain string for API (`/context/version`), APPLICATION
 * (`owner:appName`) and USER conditions, and its own clients and scripts rely on that; Portcullis does what
 * WSO2 does. So the successful bodies are validated with a copy of BlockingCondition (and of
 * BlockingConditionList, whose items are BlockingCondition) in which `conditionValue` may be a string or the
 * object WSO2 defines. Everything else is WSO2's definition unchanged: the bodies whose values are objects
 * (IP, IPRANGE) are also validated against the original schema, and error bodies against WSO2's Error.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import yaml from 'js-yaml';
import { expect } from 'vitest';
import type { TestNode } from '../support/node.js';
import { expectWso2Reply, expectWso2Response } from '../support/wso2-contract.js';
import { ADMIN, type AdminReply, type Json } from './admin-client.js';

export const LIST = '/throttling/deny-policies';
export const ONE = '/throttling/deny-policy/{conditionId}';

type Node = Record<string, Json>;

const DEFINITION = path.resolve(
  process.env['WSO2_REST_DIR'] ?? path.resolve(import.meta.dirname, '../fixtures/wso2-rest'),
  'admin-api.yaml',
);

/** The response schema of an operation, which must be a $ref to one of the components we copy. */
function responseRef(doc: Node, template: string, method: string, status: string): string {
  return doc['paths'][template][method]['responses'][status]['content']['application/json']['schema']['$ref'];
}

function relaxedValidators(): { condition: ValidateFunction; list: ValidateFunction } {
  const doc = yaml.load(readFileSync(DEFINITION, 'utf8'), { schema: yaml.CORE_SCHEMA }) as Node;
  // The copies stand for what the deny-policy operations answer; make sure they still do.
  const conditionRef = '#/components/schemas/BlockingCondition';
  const listRef = '#/components/schemas/BlockingConditionList';
  for (const [template, method, status, ref] of [
    [LIST, 'get', '200', listRef],
    [LIST, 'post', '201', conditionRef],
    [ONE, 'get', '200', conditionRef],
    [ONE, 'patch', '200', conditionRef],
  ] as const) {
    if (responseRef(doc, template, method, status) !== ref) {
      throw new Error(`${method.toUpperCase()} ${template} ${status} no longer answers ${ref}`);
    }
  }
  const schemas = doc['components']['schemas'] as Node;
  const condition = structuredClone(schemas['BlockingCondition']) as Node;
  const original = condition['properties']['conditionValue'] as Node;
  if (original['type'] !== 'object')
    throw new Error('BlockingCondition.conditionValue is no longer an object');
  // The one deviation: a string, or what WSO2 defines.
  condition['properties']['conditionValue'] = { anyOf: [{ type: 'string' }, original] };
  const list = structuredClone(schemas['BlockingConditionList']) as Node;
  if (list['properties']['list']['items']['$ref'] !== conditionRef) {
    throw new Error('BlockingConditionList items are no longer BlockingCondition');
  }
  list['properties']['list']['items'] = condition;
  const ajv = new Ajv({ strict: false, allErrors: true });
  return { condition: ajv.compile(condition), list: ajv.compile(list) };
}

let relaxed: ReturnType<typeof relaxedValidators> | undefined;

function validate(validator: ValidateFunction, body: unknown, what: string): void {
  if (!validator(body)) {
    throw new Error(
      `${what} does not match WSO2's schema: ${JSON.stringify(validator.errors)}\nbody: ${JSON.stringify(body)}`,
    );
  }
}

export function expectDenyPolicyContract(method: string, template: string, status: number, body: Json): void {
  relaxed ??= relaxedValidators();
  const where = `${method} ${template} ${status}`;
  const objectValued = (condition: Json) => typeof condition?.conditionValue === 'object';
  if (status === 200 && method === 'GET' && template === LIST) {
    validate(relaxed.list, body, where);
    if (body.list.every(objectValued)) expectWso2Response('admin', method, template, status, body);
    return;
  }
  if ((status === 201 && method === 'POST') || (status === 200 && (method === 'GET' || method === 'PATCH'))) {
    validate(relaxed.condition, body, where);
    if (objectValued(body)) expectWso2Response('admin', method, template, status, body);
    return;
  }
  expectWso2Reply('admin', method, template, status, body);
}

/** Deny policies through the Admin API with one bearer token (null: none). */
export class DenyPolicies {
  constructor(
    readonly node: TestNode,
    readonly token: string | null,
  ) {}

  withToken(token: string | null): DenyPolicies {
    return new DenyPolicies(this.node, token);
  }

  async call(method: string, path: string, template: string, body?: unknown): Promise<AdminReply> {
    const headers: Record<string, string> = {};
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.node.fetch(`${this.node.baseUrl}${ADMIN}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed: Json = text === '' ? undefined : JSON.parse(text);
    expectDenyPolicyContract(method, template, response.status, parsed);
    return { status: response.status, headers: response.headers, body: parsed };
  }

  list = (query?: string) =>
    this.call(
      'GET',
      query === undefined ? LIST : `${LIST}?${new URLSearchParams({ query }).toString()}`,
      LIST,
    );
  create = (policy: unknown) => this.call('POST', LIST, LIST, policy);
  get = (id: string) => this.call('GET', `/throttling/deny-policy/${encodeURIComponent(id)}`, ONE);
  patch = (id: string, body: unknown) =>
    this.call('PATCH', `/throttling/deny-policy/${encodeURIComponent(id)}`, ONE, body);
  delete = (id: string) => this.call('DELETE', `/throttling/deny-policy/${encodeURIComponent(id)}`, ONE);

  /** Creates a policy, expecting 201, and returns it. */
  async created(policy: Json): Promise<Json> {
    const reply = await this.create(policy);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  }
}
