/**
 * Shared by the Developer Portal suites: `Devportal` calls /api/am/devportal/v3 and checks every response
 * against WSO2's devportal-api.yaml before the test asserts anything on it (falling back to the definition's
 * Error schema for the error statuses it leaves out), and `useDevportalNode` starts a node (profile all) on
 * the database of `describeEachEngine`, with an admin able to publish APIs and create users, and subscribers
 * with real tokens obtained by the password grant.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { EngineHandle } from '../support/engines.js';
import {
  basicAuth,
  introspect,
  postForm,
  UserAdmin,
  uniqueName,
  type Credentials,
} from '../support/oauth-helpers.js';
import { expectWso2Reply } from '../support/wso2-contract.js';
import type { Json } from '../publisher/admin-client.js';
import { publishableApi, startPublisherNode, type PublisherContext } from '../publisher/apis-client.js';
import { Revisions } from '../publisher/revisions-client.js';

export const DEVPORTAL = '/api/am/devportal/v3';
/** Everything a subscriber's token may hold for the Developer Portal. */
export const SUBSCRIBER_SCOPES = 'apim:subscribe apim:app_manage apim:sub_manage';

export const APIS = '/apis';
export const API = '/apis/{apiId}';
export const SWAGGER = '/apis/{apiId}/swagger';
export const APPLICATIONS = '/applications';
export const APPLICATION = '/applications/{applicationId}';
export const GENERATE_KEYS = '/applications/{applicationId}/generate-keys';
export const KEYS = '/applications/{applicationId}/oauth-keys';
export const KEY = '/applications/{applicationId}/oauth-keys/{keyMappingId}';
export const REGENERATE_SECRET = '/applications/{applicationId}/oauth-keys/{keyMappingId}/regenerate-secret';
export const GENERATE_TOKEN = '/applications/{applicationId}/oauth-keys/{keyMappingId}/generate-token';
export const SUBSCRIPTIONS = '/subscriptions';
export const SUBSCRIPTION = '/subscriptions/{subscriptionId}';

/** The reply must be what WSO2's devportal definition says (its Error where it documents no body). */
export const expectDevportalContract = (method: string, template: string, status: number, body: unknown) =>
  expectWso2Reply('devportal', method, template, status, body);

export interface PortalReply {
  status: number;
  headers: Headers;
  body: Json;
}

const enc = encodeURIComponent;
const search = (params: Record<string, string | number | undefined>) => {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
  return query.size ? `?${query.toString()}` : '';
};

export class Devportal {
  constructor(
    readonly node: PublisherContext['node'],
    /** The bearer token sent; null sends none. */
    readonly token: string | null,
  ) {}

  withToken(token: string | null): Devportal {
    return new Devportal(this.node, token);
  }

  /**
   * Calls `METHOD path` (relative to the devportal base) and checks the reply against the operation
   * `template`. WSO2 documents the 200 of GET /apis/{apiId}/swagger as a string: the raw text is checked.
   */
  async call(
    method: string,
    path: string,
    template: string,
    options: { body?: unknown; authorization?: string } = {},
  ): Promise<PortalReply> {
    const headers: Record<string, string> = {};
    const authorization = options.authorization ?? (this.token === null ? undefined : `Bearer ${this.token}`);
    if (authorization !== undefined) headers.authorization = authorization;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.node.fetch(`${this.node.baseUrl}${DEVPORTAL}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    let body: Json;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path} answered ${response.status} with non-JSON: ${text.slice(0, 500)}`);
    }
    const isDocument = template === SWAGGER && response.status === 200;
    expectDevportalContract(method, template, response.status, isDocument ? text : body);
    return { status: response.status, headers: response.headers, body };
  }

  // The catalogue.
  listApis = (params: { query?: string; limit?: number; offset?: number } = {}) =>
    this.call('GET', `/apis${search(params)}`, APIS);
  getApi = (id: string) => this.call('GET', `/apis/${enc(id)}`, API);
  swagger = (id: string, environmentName?: string) =>
    this.call('GET', `/apis/${enc(id)}/swagger${search({ environmentName })}`, SWAGGER);

  // Applications.
  listApps = (params: Record<string, string | number | undefined> = {}) =>
    this.call('GET', `/applications${search(params)}`, APPLICATIONS);
  createApp = (body: unknown) => this.call('POST', '/applications', APPLICATIONS, { body });
  getApp = (id: string) => this.call('GET', `/applications/${enc(id)}`, APPLICATION);
  updateApp = (id: string, body: unknown) =>
    this.call('PUT', `/applications/${enc(id)}`, APPLICATION, { body });
  deleteApp = (id: string) => this.call('DELETE', `/applications/${enc(id)}`, APPLICATION);

  // Keys.
  generateKeys = (appId: string, body: unknown) =>
    this.call('POST', `/applications/${enc(appId)}/generate-keys`, GENERATE_KEYS, { body });
  listKeys = (appId: string) => this.call('GET', `/applications/${enc(appId)}/oauth-keys`, KEYS);
  getKey = (appId: string, keyId: string) =>
    this.call('GET', `/applications/${enc(appId)}/oauth-keys/${enc(keyId)}`, KEY);
  updateKey = (appId: string, keyId: string, body: unknown) =>
    this.call('PUT', `/applications/${enc(appId)}/oauth-keys/${enc(keyId)}`, KEY, { body });
  deleteKey = (appId: string, keyId: string) =>
    this.call('DELETE', `/applications/${enc(appId)}/oauth-keys/${enc(keyId)}`, KEY);
  regenerateSecret = (appId: string, keyId: string) =>
    this.call(
      'POST',
      `/applications/${enc(appId)}/oauth-keys/${enc(keyId)}/regenerate-secret`,
      REGENERATE_SECRET,
    );
  generateToken = (appId: string, keyId: string, body: unknown) =>
    this.call('POST', `/applications/${enc(appId)}/oauth-keys/${enc(keyId)}/generate-token`, GENERATE_TOKEN, {
      body,
    });

  // Subscriptions.
  listSubscriptions = (params: { applicationId?: string; apiId?: string; limit?: number; offset?: number }) =>
    this.call('GET', `/subscriptions${search(params)}`, SUBSCRIPTIONS);
  subscribe = (body: unknown) => this.call('POST', '/subscriptions', SUBSCRIPTIONS, { body });
  getSubscription = (id: string) => this.call('GET', `/subscriptions/${enc(id)}`, SUBSCRIPTION);
  updateSubscription = (id: string, body: unknown) =>
    this.call('PUT', `/subscriptions/${enc(id)}`, SUBSCRIPTION, { body });
  deleteSubscription = (id: string) => this.call('DELETE', `/subscriptions/${enc(id)}`, SUBSCRIPTION);

  /** Creates an application (a unique name, 10PerMin unless overridden) and expects 201. */
  async createdApp(overrides: Json = {}): Promise<Json> {
    const reply = await this.createApp({
      name: uniqueName('app'),
      throttlingPolicy: '10PerMin',
      ...overrides,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  }

  /** Generates keys (client_credentials unless the request says otherwise) and expects 200. */
  async generatedKeys(appId: string, request: Json = {}): Promise<Json> {
    const reply = await this.generateKeys(appId, {
      keyType: 'PRODUCTION',
      grantTypesToBeSupported: ['client_credentials'],
      ...request,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body;
  }

  /** Subscribes and expects 201. */
  async subscribed(applicationId: string, apiId: string, throttlingPolicy = 'Gold'): Promise<Json> {
    const reply = await this.subscribe({ applicationId, apiId, throttlingPolicy });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  }
}

/** Expects a WSO2 error body with this status and code, whose texts mention every `mentions`. */
export function expectError(reply: PortalReply, status: number, code: number, ...mentions: string[]): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body).toMatchObject({ code, message: expect.any(String), description: expect.any(String) });
  const text = [reply.body.description, ...(reply.body.error ?? []).map((e: Json) => e.message)].join(' | ');
  for (const mention of mentions) expect(text).toContain(mention);
}

export type LifecycleState = 'CREATED' | 'PROTOTYPED' | 'PUBLISHED' | 'BLOCKED' | 'DEPRECATED' | 'RETIRED';

/** The publisher's lifecycle actions that lead from CREATED to each state. */
const PATH_TO: Record<LifecycleState, string[]> = {
  CREATED: [],
  PROTOTYPED: ['Deploy as a Prototype'],
  PUBLISHED: ['Publish'],
  BLOCKED: ['Publish', 'Block'],
  DEPRECATED: ['Publish', 'Deprecate'],
  RETIRED: ['Publish', 'Deprecate', 'Retire'],
};

/** The result of a client_credentials request at the Key Manager's token endpoint. */
export interface TokenAttempt {
  status: number;
  body: Json;
}

export interface Subscriber {
  credentials: Credentials;
  portal: Devportal;
}

export interface DevportalContext extends PublisherContext {
  users: UserAdmin;
  revisions: Revisions;
  /** The Developer Portal as the admin, with every subscriber scope. */
  portal: Devportal;
  /** The Developer Portal without a token. */
  anonymous: Devportal;
  /** The Developer Portal as this user, with a token asking `scope` (all subscriber scopes by default). */
  portalAs(credentials: Credentials, scope?: string): Promise<Devportal>;
  /** A new user with these roles, and the Developer Portal as them. */
  newUser(roles?: string[]): Promise<Subscriber>;
  /**
   * An API (publishableApi with `overrides`: tier Gold, backend endpoints) whose first revision is deployed
   * to the Default environment, then taken to `state`.
   */
  deployedApi(overrides?: Json, state?: LifecycleState): Promise<Json>;
  /** A request at /oauth2/token with this client's id and secret: client_credentials unless `params` say. */
  requestToken(
    clientId: string,
    clientSecret: string,
    params?: Record<string, string>,
  ): Promise<TokenAttempt>;
  /** Whether the Key Manager says the token is active (introspected by an admin's client, which sees all). */
  isActive(token: string): Promise<boolean>;
}

export async function startDevportalNode(
  engine?: EngineHandle,
  env: Record<string, string> = {},
): Promise<DevportalContext> {
  const ctx = await startPublisherNode('sqlite', {
    ...env,
    ...(engine ? { PORTCULLIS_DATABASE__URL: engine.url } : {}),
  });
  try {
    const users = await UserAdmin.create(ctx.node, ctx.as, ctx.client);
    const revisions = new Revisions(ctx.apis);
    const portalAs = async (credentials: Credentials, scope = SUBSCRIBER_SCOPES) => {
      const tokens = await ctx.tokenFor(credentials, scope);
      return new Devportal(ctx.node, tokens.access_token);
    };
    const admin = { username: 'admin', password: ctx.node.adminPassword };
    const portal = await portalAs(admin);
    return Object.assign(ctx, {
      users,
      revisions,
      portal,
      anonymous: new Devportal(ctx.node, null),
      portalAs,
      async newUser(roles = ['subscriber']): Promise<Subscriber> {
        const credentials = await users.add(uniqueName('dev'), 'a-long-enough-password-1', roles);
        return { credentials, portal: await portalAs(credentials) };
      },
      async deployedApi(overrides: Json = {}, state: LifecycleState = 'PUBLISHED'): Promise<Json> {
        const api = await ctx.apis.created(publishableApi(overrides));
        const revision = await revisions.created(api.id);
        await revisions.deployed(api.id, revision.id, [{ name: 'Default', vhost: 'localhost' }]);
        await ctx.apis.move(api.id, ...PATH_TO[state]);
        return (await ctx.apis.get(api.id)).body;
      },
      async requestToken(
        clientId: string,
        clientSecret: string,
        params: Record<string, string> = { grant_type: 'client_credentials' },
      ): Promise<TokenAttempt> {
        const response = await postForm(ctx.node, '/oauth2/token', params, {
          authorization: basicAuth(clientId, clientSecret),
        });
        return { status: response.status, body: await response.json() };
      },
      async isActive(token: string): Promise<boolean> {
        return (await introspect(ctx.node, ctx.as, ctx.client, token)).active;
      },
    });
  } catch (err) {
    await ctx.close();
    throw err;
  }
}

/**
 * Starts a Developer Portal node for the enclosing suite (on the database of `describeEachEngine` when given)
 * and stops it after. The returned context is filled in by `beforeAll`: use it inside tests and hooks.
 */
export function useDevportalNode(engine?: EngineHandle, env: Record<string, string> = {}): DevportalContext {
  const ctx = {} as DevportalContext;
  beforeAll(async () => {
    Object.assign(ctx, await startDevportalNode(engine, env));
  });
  afterAll(async () => {
    await ctx.close?.();
  });
  return ctx;
}

export { uniqueName };
export type { Json };
