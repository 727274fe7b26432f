/**
 * Shared by the publisher API suites (apis-*.test.ts): `PublisherApi` calls /api/am/publisher/v4 and checks
 * every response against WSO2's publisher-api.yaml before the test asserts anything on it, plus builders of
 * API bodies shaped like the ones WSO2's own clients send.
 */
import { expect } from 'vitest';
import type { TestNode } from '../support/node.js';
import { adminCredentials, uniqueName } from '../support/oauth-helpers.js';
import { expectWso2Reply } from '../support/wso2-contract.js';
import { startAdminNode, type AdminContext, type Engine, type Json } from './admin-client.js';

export const PUBLISHER = '/api/am/publisher/v4';
export const ALL_API_SCOPES = 'apim:api_view apim:api_create apim:api_publish apim:api_delete';

/** The reply must be what WSO2's publisher definition says (its Error where it documents no body). */
export const expectPublisherContract = (method: string, template: string, status: number, body: unknown) =>
  expectWso2Reply('publisher', method, template, status, body);

export interface PublisherReply {
  status: number;
  headers: Headers;
  body: Json;
}

const API_TEMPLATE = '/apis/{apiId}';

export class PublisherApi {
  constructor(
    readonly node: TestNode,
    /** The default bearer token; null sends none. */
    readonly token: string | null,
  ) {}

  withToken(token: string | null): PublisherApi {
    return new PublisherApi(this.node, token);
  }

  /** Calls `METHOD path` (relative to the publisher base) and checks the reply against `template`. */
  async call(
    method: string,
    path: string,
    options: { body?: unknown; template?: string; authorization?: string } = {},
  ): Promise<PublisherReply> {
    const headers: Record<string, string> = {};
    const authorization = options.authorization ?? (this.token === null ? undefined : `Bearer ${this.token}`);
    if (authorization !== undefined) headers.authorization = authorization;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.node.fetch(`${this.node.baseUrl}${PUBLISHER}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    const body: Json = text === '' ? undefined : JSON.parse(text);
    const template = options.template ?? path.split('?')[0] ?? path;
    expectPublisherContract(method, template, response.status, body);
    return { status: response.status, headers: response.headers, body };
  }

  /** GET /apis with these query parameters. */
  list(params: Record<string, string | number> = {}): Promise<PublisherReply> {
    const query = new URLSearchParams(
      Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
    );
    const suffix = query.size ? `?${query.toString()}` : '';
    return this.call('GET', `/apis${suffix}`, { template: '/apis' });
  }
  create = (body: unknown) => this.call('POST', '/apis', { body });
  get = (id: string) => this.call('GET', `/apis/${encodeURIComponent(id)}`, { template: API_TEMPLATE });
  update = (id: string, body: unknown) =>
    this.call('PUT', `/apis/${encodeURIComponent(id)}`, { body, template: API_TEMPLATE });
  delete = (id: string) => this.call('DELETE', `/apis/${encodeURIComponent(id)}`, { template: API_TEMPLATE });
  changeLifecycle = (apiId: string, action: string) =>
    this.call('POST', `/apis/change-lifecycle?${new URLSearchParams({ apiId, action }).toString()}`, {
      template: '/apis/change-lifecycle',
    });
  lifecycleState = (id: string) =>
    this.call('GET', `/apis/${encodeURIComponent(id)}/lifecycle-state`, {
      template: '/apis/{apiId}/lifecycle-state',
    });
  lifecycleHistory = (id: string) =>
    this.call('GET', `/apis/${encodeURIComponent(id)}/lifecycle-history`, {
      template: '/apis/{apiId}/lifecycle-history',
    });

  /** Creates an API and expects 201. */
  async created(body: Json): Promise<Json> {
    const reply = await this.create(body);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  }

  /** Applies lifecycle actions in order, each expected to succeed. */
  async move(apiId: string, ...actions: string[]): Promise<void> {
    for (const action of actions) {
      const reply = await this.changeLifecycle(apiId, action);
      expect(reply.status, `${action}: ${JSON.stringify(reply.body)}`).toBe(200);
    }
  }
}

/** Expects a WSO2 error body with this status and code, whose texts mention every `mentions`. */
export function expectError(
  reply: PublisherReply,
  status: number,
  code: number,
  ...mentions: string[]
): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body).toMatchObject({ code, message: expect.any(String), description: expect.any(String) });
  const text = [reply.body.description, ...(reply.body.error ?? []).map((e: Json) => e.message)].join(' | ');
  for (const mention of mentions) expect(text).toContain(mention);
}

export interface PublisherContext extends AdminContext {
  /** A publisher API client with an admin token holding every apim:api_* scope. */
  apis: PublisherApi;
}

/** A node (SQLite, or a fresh PostgreSQL database) and an admin token with every API scope. */
export async function startPublisherNode(
  engine: Engine = 'sqlite',
  env: Record<string, string> = {},
): Promise<PublisherContext> {
  const ctx = await startAdminNode(engine, env);
  try {
    const tokens = await ctx.tokenFor(adminCredentials(ctx.node), ALL_API_SCOPES);
    expect(tokens.scope).toBe(ALL_API_SCOPES);
    return Object.assign(ctx, { apis: new PublisherApi(ctx.node, tokens.access_token) });
  } catch (err) {
    await ctx.close();
    throw err;
  }
}

/** A name valid for an API (WSO2's pattern allows letters, digits and dashes) and unique within the run. */
export const apiName = (prefix = 'api') => uniqueName(prefix);

/** The smallest API WSO2's publisher accepts: name, context, version. */
export function minimalApi(overrides: Json = {}): Json {
  const name = apiName();
  return { name, context: `/${name}`, version: '1.0.0', ...overrides };
}

/** An API ready to publish: an http endpoint and a subscription policy. */
export function publishableApi(overrides: Json = {}): Json {
  return minimalApi({
    policies: ['Gold'],
    endpointConfig: {
      endpoint_type: 'http',
      production_endpoints: { url: 'https://backend.example.com/v1' },
      sandbox_endpoints: { url: 'https://sandbox.example.com/v1' },
    },
    ...overrides,
  });
}

/** An API with most fields set, like the Publisher portal sends (load-balanced endpoints). */
export function fullApi(overrides: Json = {}): Json {
  const name = apiName('full');
  return {
    name,
    description: 'Pizzas, delivered.',
    context: `/${name}`,
    version: '2.1.0',
    isDefaultVersion: true,
    type: 'HTTP',
    transport: ['https'],
    tags: ['food', 'pizza'],
    policies: ['Gold', 'Bronze'],
    apiThrottlingPolicy: '10KPerMin',
    authorizationHeader: 'X-Authorization',
    securityScheme: ['oauth2', 'api_key'],
    maxTps: { production: 100, sandbox: 10 },
    visibility: 'RESTRICTED',
    visibleRoles: ['creator', 'subscriber'],
    endpointConfig: {
      endpoint_type: 'load_balance',
      algoCombo: 'org.apache.synapse.endpoints.algorithms.RoundRobin',
      sessionManagement: '',
      sessionTimeOut: '',
      production_endpoints: [
        { url: 'https://backend-1.example.com/pizza', config: { actionDuration: 30000 } },
        { url: 'https://backend-2.example.com/pizza' },
      ],
      sandbox_endpoints: [{ url: 'http://sandbox.example.com/pizza' }],
    },
    corsConfiguration: {
      corsConfigurationEnabled: true,
      accessControlAllowOrigins: ['https://shop.example.com'],
      accessControlAllowCredentials: false,
      accessControlAllowHeaders: ['authorization', 'content-type'],
      accessControlAllowMethods: ['GET', 'POST'],
    },
    scopes: [
      {
        scope: {
          name: 'pizza:order',
          displayName: 'Order pizzas',
          description: 'Place orders',
          bindings: ['subscriber'],
        },
        shared: false,
      },
      { scope: { name: 'pizza:admin', displayName: 'Administer', bindings: ['admin'] }, shared: false },
    ],
    operations: [
      {
        target: '/menu',
        verb: 'GET',
        authType: 'Application & Application User',
        throttlingPolicy: 'Unlimited',
        scopes: [],
      },
      {
        target: '/order/{orderId}',
        verb: 'POST',
        authType: 'Application User',
        throttlingPolicy: '20KPerMin',
        scopes: ['pizza:order'],
      },
      { target: '/order/{orderId}', verb: 'DELETE', authType: 'Any', scopes: ['pizza:admin'] },
    ],
    ...overrides,
  };
}

/** A failover endpoint configuration as WSO2's definition documents it. */
export const FAILOVER_ENDPOINTS = {
  endpoint_type: 'failover',
  production_endpoints: { url: 'https://primary.example.com/api' },
  production_failovers: [
    { url: 'https://secondary.example.com/api', config: { actionDuration: 10000, actionSelect: 'fault' } },
  ],
  sandbox_endpoints: { url: 'https://sandbox.example.com/api' },
  sandbox_failovers: [{ url: 'https://sandbox-2.example.com/api' }],
};

export { uniqueName };
export type { Engine, Json };
