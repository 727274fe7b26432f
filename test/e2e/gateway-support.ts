/**
 * Shared by the gateway's whole-system suites (gateway-*.test.ts): an all-in-one node (SQLite, in-process
 * hub) whose gateway listens on free ports; backends made with node:http that record what reached them; a
 * client of the gateway; and builders of deployed APIs and subscribed applications through the Publisher and
 * Developer Portal APIs, as a user would make them.
 *
 * Backend behaviour is chosen by the request (the gateway forwards path and query):
 * `?delay=<ms>` answers late, `?status=<n>` with that status, `?size=<n>` streams n bytes, `?hop=1` adds
 * hop-by-hop response headers, `?hang=1` (or a path starting with `/hang`: an endpoint URL) never answers, `?cut=1` starts a response and drops the connection,
 * a path ending in `/drip` sends a first chunk and the rest only once `release()` is called.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Component } from '../../src/node/component.js';
import { invocationContext } from '../../src/publisher/apis/api-context.js';
import {
  startDevportalNode,
  uniqueName,
  type DevportalContext,
  type Devportal,
  type Json,
  type LifecycleState,
} from '../devportal/devportal-client.js';
import { publishableApi } from '../publisher/apis-client.js';

export type KeyType = 'PRODUCTION' | 'SANDBOX';

/** What a backend saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Body bytes received so far. */
  bytes: number;
  /** SHA-256 (hex) of the whole body, once received. */
  sha256: string | undefined;
  done: boolean;
}

export interface TestBackend {
  name: string;
  /** http://127.0.0.1:<port> */
  url: string;
  requests: SeenRequest[];
  /** Lets the `/drip` responses waiting finish. */
  release(): void;
  close(): Promise<void>;
}

export async function startBackend(name = uniqueName('backend')): Promise<TestBackend> {
  const requests: SeenRequest[] = [];
  let waiting: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const seen: SeenRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      bytes: 0,
      sha256: undefined,
      done: false,
    };
    requests.push(seen);
    const hash = createHash('sha256');
    req.on('data', (chunk: Buffer) => {
      seen.bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      seen.sha256 = hash.digest('hex');
      seen.done = true;
      void answer(req, res, seen);
    });
  });
  async function answer(req: http.IncomingMessage, res: http.ServerResponse, seen: SeenRequest) {
    const url = new URL(req.url ?? '/', 'http://backend');
    const q = url.searchParams;
    if (q.get('hang') === '1' || url.pathname.startsWith('/hang')) return;
    const delay = Number(q.get('delay') ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (res.destroyed) return;
    const status = Number(q.get('status') ?? 200);
    const size = q.get('size');
    if (q.get('cut') === '1') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('only part of it');
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (url.pathname.endsWith('/drip')) {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-backend': name });
      res.write('first-chunk;');
      await new Promise<void>((resolve) => waiting.push(resolve));
      res.end('last-chunk');
      return;
    }
    if (size !== null) {
      res.writeHead(status, { 'content-type': 'application/octet-stream', 'x-backend': name });
      let left = Number(size);
      const chunk = Buffer.alloc(64 * 1024, 7);
      while (left > 0) {
        const piece = chunk.subarray(0, Math.min(left, chunk.length));
        left -= piece.length;
        if (!res.write(piece)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
      return;
    }
    const body = JSON.stringify({
      backend: name,
      method: seen.method,
      url: seen.url,
      bytes: seen.bytes,
      sha256: seen.sha256,
    });
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/json',
      'x-backend': name,
      'set-cookie': ['first=1; Path=/', 'second=2; Path=/'],
      'cache-control': 'no-store',
      'x-request-method': seen.method,
    };
    if (q.get('hop') === '1') {
      headers.connection = 'keep-alive, x-backend-hop';
      headers['x-backend-hop'] = 'hop-by-hop';
      headers['keep-alive'] = 'timeout=5';
      headers['x-backend-end-to-end'] = 'kept';
    }
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    requests,
    release() {
      const now = waiting;
      waiting = [];
      for (const resolve of now) resolve();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const resolve of waiting) resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL where nothing listens (connections are refused). */
export async function refusedUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export interface GatewayReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: Json;
  /** Milliseconds from sending to the whole answer. */
  elapsed: number;
}

export interface CallOptions {
  method?: string;
  /** Sent as `Bearer <token>` in `authHeader`. */
  token?: string;
  /** Default: authorization. */
  authHeader?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer | Readable;
  /** Over the gateway's HTTPS port. */
  https?: boolean;
}

/** Calls the gateway. */
export class GatewayClient {
  constructor(
    readonly urls: { http: string; https: string },
    readonly dispatcher: Agent,
  ) {}

  async call(path: string, options: CallOptions = {}): Promise<GatewayReply> {
    const headers: Record<string, string | string[]> = { ...options.headers };
    if (options.token !== undefined)
      headers[options.authHeader ?? 'authorization'] = `Bearer ${options.token}`;
    const started = performance.now();
    const response = await request(`${options.https ? this.urls.https : this.urls.http}${path}`, {
      method: (options.method ?? 'GET') as 'GET',
      headers,
      dispatcher: this.dispatcher,
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    const text = await response.body.text();
    let body: Json;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return {
      status: response.statusCode,
      headers: response.headers,
      text,
      body,
      elapsed: performance.now() - started,
    };
  }
}

/** Expects WSO2's error body `{code: "<code>", message, description}` with this status; texts mention each. */
export function expectGatewayError(
  reply: GatewayReply,
  status: number,
  code: number,
  ...mentions: string[]
): void {
  expect(reply.status, `${reply.status} ${reply.text}`).toBe(status);
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  expect(reply.body).toEqual({
    code: String(code),
    message: expect.any(String),
    description: expect.any(String),
  });
  const text = `${reply.body.message} | ${reply.body.description}`;
  for (const mention of mentions) expect(text).toContain(mention);
}

/** Expects the backend's answer (status 200 unless said). */
export function expectForwarded(reply: GatewayReply, backend?: TestBackend, status = 200): void {
  expect(reply.status, `${reply.status} ${reply.text}`).toBe(status);
  if (backend) expect(reply.headers['x-backend']).toBe(backend.name);
}

/** An endpoint configuration with one http endpoint per key type. */
export function httpEndpoints(production: string | undefined, sandbox?: string): Json {
  return {
    endpoint_type: 'http',
    ...(production === undefined ? {} : { production_endpoints: { url: production } }),
    ...(sandbox === undefined ? {} : { sandbox_endpoints: { url: sandbox } }),
  };
}

/** Lifecycle actions from CREATED to each state. */
const PATH_TO: Record<LifecycleState, string[]> = {
  CREATED: [],
  PROTOTYPED: ['Deploy as a Prototype'],
  PUBLISHED: ['Publish'],
  BLOCKED: ['Publish', 'Block'],
  DEPRECATED: ['Publish', 'Deprecate'],
  RETIRED: ['Publish', 'Deprecate', 'Retire'],
};

export interface GatewayApi {
  id: string;
  name: string;
  version: string;
  /** The context as created (`/name`). */
  context: string;
  /** The context with the version: where the gateway answers (`/name/1.0.0`). */
  base: string;
  revisionId: string;
}

export interface ApiOptions {
  endpointConfig: Json;
  /** Default: GET, POST, PUT, DELETE on `/*`, any token. */
  operations?: Json[];
  /** Other fields of the API. */
  overrides?: Json;
  /** Default PUBLISHED (reached before the deployment). */
  state?: Exclude<LifecycleState, 'RETIRED'>;
}

export interface Subscribed {
  app: Json;
  keys: Partial<Record<KeyType, Json>>;
  /** The first token of the key type's keys (client_credentials). */
  token(keyType?: KeyType): string;
}

export interface SubscriberOptions {
  portal?: Devportal;
  tokenType?: 'JWT' | 'OAUTH';
  keyTypes?: KeyType[];
  grantTypes?: string[];
  scopes?: string[];
  /** Subscribe to these APIs (default: all given). */
  subscribe?: boolean;
  /** The subscription tier (default Gold). */
  throttlingPolicy?: string;
  /** The application tier (default Unlimited: suites that are not about throttling call more than 10 times). */
  applicationPolicy?: string;
}

export interface GatewayContext extends DevportalContext {
  gateway: GatewayClient;
  gatewayComponent: Component;
  /** A backend closed after the suite. */
  backend(name?: string): Promise<TestBackend>;
  /** An API with these endpoints and operations, in `state`, deployed to Default and served by the gateway. */
  servedApi(options: ApiOptions): Promise<GatewayApi>;
  /** A new revision of the API (as it is now) deployed to Default. */
  redeploy(apiId: string): Promise<string>;
  /** An application (the admin's unless `portal` says) with keys, subscribed to the APIs. */
  subscriber(apiIds: string[], options?: SubscriberOptions): Promise<Subscribed>;
  /** A token of a user for the application's keys (password grant). */
  userToken(keys: Json, username: string, password: string, scope?: string): Promise<string>;
}

export const DEFAULT_OPERATIONS = ['GET', 'POST', 'PUT', 'DELETE'].map((verb) => ({
  target: '/*',
  verb,
  authType: 'Any',
}));

/** Waits until the gateway routes the API (whatever it then answers), at most a few seconds. */
export async function untilRouted(gateway: GatewayClient, base: string, https = false): Promise<void> {
  await timeUntil(
    () => gateway.call(`${base}/`, { https }),
    (reply) => reply.body?.code !== '404',
    5000,
  );
}

export async function startGatewayNode(env: Record<string, string> = {}): Promise<GatewayContext> {
  const ctx = await startDevportalNode(undefined, env);
  const backends: TestBackend[] = [];
  try {
    const component = ctx.node.node.components.find((c) => c.name === 'gateway');
    if (!component?.urls?.http || !component.urls.https) throw new Error('the node runs no gateway');
    const dispatcher = new Agent({ connect: { ca: ctx.node.ca }, keepAliveTimeout: 2000 });
    const gateway = new GatewayClient({ http: component.urls.http, https: component.urls.https }, dispatcher);
    const close = ctx.close;
    const deploy = async (apiId: string) => {
      const revision = await ctx.revisions.created(apiId);
      await ctx.revisions.deployed(apiId, revision.id as string, [{ name: 'Default', vhost: 'localhost' }]);
      return revision.id as string;
    };
    return Object.assign(ctx, {
      gateway,
      gatewayComponent: component,
      async backend(name?: string) {
        const backend = await startBackend(name);
        backends.push(backend);
        return backend;
      },
      async servedApi(options: ApiOptions): Promise<GatewayApi> {
        const api = await ctx.apis.created(
          publishableApi({
            endpointConfig: options.endpointConfig,
            operations: options.operations ?? DEFAULT_OPERATIONS,
            ...options.overrides,
          }),
        );
        const state = options.state ?? 'PUBLISHED';
        await ctx.apis.move(api.id, ...PATH_TO[state]);
        const revisionId = await deploy(api.id);
        const base = invocationContext(api.context, api.version);
        // An API offered over HTTPS only is not there over HTTP.
        const httpsOnly = Array.isArray(api.transport) && !api.transport.includes('http');
        if (state !== 'CREATED') await untilRouted(gateway, base, httpsOnly);
        return { id: api.id, name: api.name, version: api.version, context: api.context, base, revisionId };
      },
      redeploy: deploy,
      async subscriber(apiIds: string[], options: SubscriberOptions = {}): Promise<Subscribed> {
        const portal = options.portal ?? ctx.portal;
        const app = await portal.createdApp({
          name: uniqueName('gw-app'),
          throttlingPolicy: options.applicationPolicy ?? 'Unlimited',
          ...(options.tokenType ? { tokenType: options.tokenType } : {}),
        });
        if (options.subscribe !== false) {
          for (const apiId of apiIds)
            await portal.subscribed(app.applicationId, apiId, options.throttlingPolicy ?? 'Gold');
        }
        const keys: Partial<Record<KeyType, Json>> = {};
        for (const keyType of options.keyTypes ?? ['PRODUCTION']) {
          keys[keyType] = await portal.generatedKeys(app.applicationId, {
            keyType,
            grantTypesToBeSupported: options.grantTypes ?? ['client_credentials', 'password'],
            ...(options.scopes ? { scopes: options.scopes } : {}),
          });
        }
        return {
          app,
          keys,
          token(keyType: KeyType = 'PRODUCTION') {
            const token = keys[keyType]?.token?.accessToken;
            if (typeof token !== 'string') throw new Error(`no ${keyType} token`);
            return token;
          },
        };
      },
      async userToken(keys: Json, username: string, password: string, scope?: string): Promise<string> {
        const reply = await ctx.requestToken(keys.consumerKey, keys.consumerSecret, {
          grant_type: 'password',
          username,
          password,
          ...(scope ? { scope } : {}),
        });
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
        return reply.body.access_token as string;
      },
      async close() {
        // Backends first: a request the gateway still waits for ends, and the node can drain.
        await Promise.all(backends.map((b) => b.close()));
        await dispatcher.destroy();
        await close();
      },
    });
  } catch (err) {
    await ctx.close();
    throw err;
  }
}

/** Starts a gateway node for the enclosing suite and stops it after; fill-in context for tests and hooks. */
export function useGatewayNode(env: Record<string, string> = {}): GatewayContext {
  const ctx = {} as GatewayContext;
  beforeAll(async () => {
    Object.assign(ctx, await startGatewayNode(env));
  });
  afterAll(async () => {
    await ctx.close?.();
  });
  return ctx;
}

/** Polls `probe` every few milliseconds until `done` says yes; returns the milliseconds it took. */
export async function timeUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeout = 3000,
): Promise<{ elapsed: number; value: T }> {
  const started = performance.now();
  for (;;) {
    const value = await probe();
    const elapsed = performance.now() - started;
    if (done(value)) return { elapsed, value };
    if (elapsed > timeout)
      throw new Error(`not done after ${Math.round(elapsed)} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
