/**
 * The cluster suites' client of the local cluster (deploy/local-cluster, `npm run cluster:up`): where its nodes
 * are (cluster.json), HTTPS verified against the cluster CA, an admin token from the Key Manager load balancer,
 * the WSO2 REST clients of the other suites pointed at the Publisher and Developer Portal nodes, clients of the
 * gateway load balancer and of each gateway's own listeners, each node's health and metrics, and killing and
 * restarting nodes with deploy/local-cluster's own functions.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import type * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, expect } from 'vitest';
import { readClusterFile, startNodes, type ClusterFile } from '../../../deploy/local-cluster/cluster.js';
import { isAlive, logTail, nodePid } from '../../../deploy/local-cluster/processes.js';
import { NODES, nodeDir, nodeSpec } from '../../../deploy/local-cluster/topology.js';
import { invocationContext } from '../../../src/publisher/apis/api-context.js';
import { Devportal, SUBSCRIBER_SCOPES } from '../../devportal/devportal-client.js';
import { AdminApi, ALL_ADMIN_SCOPES, type Json } from '../../publisher/admin-client.js';
import { ALL_API_SCOPES, PublisherApi, publishableApi } from '../../publisher/apis-client.js';
import { Revisions } from '../../publisher/revisions-client.js';
import type { TestNode } from '../../support/node.js';
import {
  adminCredentials,
  basicAuth,
  discover,
  passwordGrant,
  postForm,
  registerClient,
  uniqueName,
  type TestClient,
} from '../../support/oauth-helpers.js';
import {
  DEFAULT_OPERATIONS,
  GatewayClient,
  httpEndpoints,
  startBackend,
  timeUntil,
  untilRouted,
  type GatewayReply,
  type KeyType,
  type Subscribed,
  type TestBackend,
} from '../gateway-support.js';

export const GATEWAYS = ['gw-1', 'gw-2'] as const;
export type GatewayName = (typeof GATEWAYS)[number];

/** Every scope the suites use: the admin holds them all. */
const ADMIN_SCOPES = [
  ALL_API_SCOPES,
  ALL_ADMIN_SCOPES,
  SUBSCRIBER_SCOPES,
  'apim:subscription_view apim:subscription_block',
].join(' ');

export interface Cluster {
  file: ClusterFile;
  /** fetch that trusts the cluster CA. */
  fetch: typeof globalThis.fetch;
  /** The Key Manager load balancer, seen as a node by the OAuth helpers. */
  keyManager: TestNode;
  as: oauth.AuthorizationServer;
  /** A client of the admin's, registered by DCR at the load balancer (password and client_credentials). */
  client: TestClient;
  apis: PublisherApi;
  revisions: Revisions;
  admin: AdminApi;
  /** The Developer Portal as the admin. */
  portal: Devportal;
  /** The gateway load balancer (HTTP 8380, HTTPS 8343). */
  lb: GatewayClient;
  /** Each gateway's own listeners. */
  gateways: Record<GatewayName, GatewayClient>;
  /** One node's management HTTPS listener, seen as a node by the OAuth helpers. */
  node(name: string): TestNode;
  /** A backend in this process, closed with the cluster. */
  backend(): Promise<TestBackend>;
  close(): Promise<void>;
}

/**
 * A node of the cluster as the other suites' clients see a TestNode: PublisherApi, Devportal, AdminApi and the
 * OAuth helpers use only its base URL, its CA-trusting fetch and the admin's password.
 */
function remoteNode(baseUrl: string, file: ClusterFile, fetch: TestNode['fetch']): TestNode {
  const remote: Pick<TestNode, 'baseUrl' | 'fetch' | 'adminPassword'> = {
    baseUrl,
    fetch,
    adminPassword: file.admin.password,
  };
  return remote as TestNode;
}

function gatewayUrls(file: ClusterFile, name: GatewayName): { http: string; https: string } {
  const urls = file.nodes.find((n) => n.name === name)?.gateway;
  if (!urls) throw new Error(`${name} has no gateway listeners in cluster.json`);
  return urls;
}

/** Connects to the running cluster: a DCR client and an admin token (every scope) from the Key Manager LB. */
export async function connectCluster(): Promise<Cluster> {
  const file = readClusterFile();
  const ca = readFileSync(file.caFile, 'utf8');
  const dispatcher = new Agent({ connect: { ca }, keepAliveTimeout: 2000 });
  const fetch = ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as string, { ...(init as object), dispatcher })) as unknown as typeof globalThis.fetch;
  const keyManager = remoteNode(file.keyManager, file, fetch);
  const as = await discover(keyManager);
  const client = await registerClient(keyManager, { clientName: uniqueName('cluster-suite') });
  const { access_token: token } = await passwordGrant(
    keyManager,
    as,
    client,
    adminCredentials(keyManager),
    ADMIN_SCOPES,
  );
  const apis = new PublisherApi(remoteNode(file.publisher, file, fetch), token);
  const backends: TestBackend[] = [];
  return {
    file,
    fetch,
    keyManager,
    as,
    client,
    apis,
    revisions: new Revisions(apis),
    admin: new AdminApi(remoteNode(file.publisher, file, fetch), token),
    portal: new Devportal(remoteNode(file.devportal, file, fetch), token),
    lb: new GatewayClient({ http: file.gatewayHttp, https: file.gateway }, dispatcher),
    gateways: {
      'gw-1': new GatewayClient(gatewayUrls(file, 'gw-1'), dispatcher),
      'gw-2': new GatewayClient(gatewayUrls(file, 'gw-2'), dispatcher),
    },
    node(name: string) {
      const node = file.nodes.find((n) => n.name === name);
      if (!node) throw new Error(`no node ${name} in cluster.json`);
      return remoteNode(node.url, file, fetch);
    },
    async backend() {
      const backend = await startBackend();
      backends.push(backend);
      return backend;
    },
    async close() {
      await Promise.all(backends.map((b) => b.close()));
      await dispatcher.destroy();
    },
  };
}

/**
 * The enclosing suite's cluster: before its tests every node running and ready, and a connected client; after
 * them every node running again (a test that failed half-way may have left one dead: later files expect a
 * whole cluster) and the client closed. Filled in by beforeAll: use it inside tests and hooks. An afterAll
 * registered after this call runs before this one's (vitest runs after-hooks in reverse order).
 */
export function useCluster(): Cluster {
  const cluster = {} as Cluster;
  beforeAll(async () => {
    await wholeCluster();
    Object.assign(cluster, await connectCluster());
  });
  afterAll(async () => {
    await wholeCluster();
    await cluster.close?.();
  });
  return cluster;
}

// ---------------------------------------------------------------------------------------------------------
// Nodes: health, metrics, kill -9 and restart.

const managementUrl = (name: string, path: string) => `http://127.0.0.1:${nodeSpec(name).httpPort}${path}`;

/** A node's /health/ready on its management port: its status (0 when nothing answers) and checks. */
export async function readiness(name: string): Promise<{ status: number; checks: Record<string, string> }> {
  try {
    const response = await fetch(managementUrl(name, '/health/ready'), { signal: AbortSignal.timeout(2000) });
    const body = (await response.json()) as { checks?: Record<string, string> };
    return { status: response.status, checks: body.checks ?? {} };
  } catch {
    return { status: 0, checks: {} };
  }
}

/** The names of the nodes whose /health/ready is not 200. */
export async function unreadyNodes(): Promise<string[]> {
  const states = await Promise.all(
    NODES.map(async (n) => [n.name, (await readiness(n.name)).status] as const),
  );
  return states.filter(([, status]) => status !== 200).map(([name]) => name);
}

/** Polls every few milliseconds until `done`; the milliseconds it took (timeUntil's, with a gentler pace). */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  intervalMs = 50,
): Promise<number> {
  const started = performance.now();
  let last: T | undefined;
  while (performance.now() - started < timeoutMs) {
    last = await probe();
    if (done(last)) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${what}: not done within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}

/**
 * Every node running and ready, starting those that are not: a test that failed half-way may have left one
 * dead, and each file expects (and leaves) a whole cluster.
 */
export async function wholeCluster(): Promise<void> {
  await startNodes(NODES);
  await allReady(60_000);
}

/** Waits until every node's /health/ready answers 200; the milliseconds it took. */
export const allReady = (timeoutMs = 30_000) =>
  waitFor('every node ready', unreadyNodes, (names) => names.length === 0, timeoutMs);

/** kill -9 of a node; resolves once the process is gone (a zombie not yet reaped still answers signal 0). */
export async function killNode(name: string): Promise<void> {
  const pid = nodePid(name);
  if (!isAlive(pid)) throw new Error(`${name} is not running`);
  process.kill(pid, 'SIGKILL');
  await waitFor(
    `${name} (pid ${pid}) gone`,
    async () => isAlive(pid),
    (alive) => !alive,
    10_000,
    20,
  );
}

/** Starts a node again with deploy/local-cluster's startNodes (which waits for /health/ready); its ms. */
export async function restartNode(name: string): Promise<number> {
  const started = performance.now();
  try {
    await startNodes([nodeSpec(name)]);
  } catch (err) {
    throw new Error(`${name} did not come back: ${String(err)}\n${logTail(name)}`);
  }
  return performance.now() - started;
}

/** A gateway's Prometheus text (its management port). */
async function metrics(name: GatewayName): Promise<string> {
  const response = await fetch(managementUrl(name, '/metrics'));
  expect(response.status).toBe(200);
  return response.text();
}

/** How many 2xx answers a gateway gave for an API (by name) since it started. */
export async function answered(name: GatewayName, apiName: string): Promise<number> {
  const line = `portcullis_gateway_requests_total{api="${apiName}",status="2xx"} `;
  const found = (await metrics(name)).split('\n').find((l) => l.startsWith(line));
  return found === undefined ? 0 : Number(found.slice(line.length));
}

/** When the state a gateway serves was made at the Publisher (from its snapshot-age metric). */
export async function snapshotMadeAt(name: GatewayName): Promise<number> {
  const age = /^portcullis_gateway_snapshot_age_seconds (\S+)$/m.exec(await metrics(name))?.[1];
  if (age === undefined) throw new Error(`no snapshot age in ${name}'s /metrics`);
  return Date.now() - Number(age) * 1000;
}

/** Waits until both gateways serve a snapshot made at `since` or later (a policy change makes them pull). */
export async function bothPulledSince(since: number): Promise<void> {
  for (const name of GATEWAYS)
    await waitFor(
      `${name} pulled a snapshot`,
      () => snapshotMadeAt(name),
      (at) => at >= since,
      5000,
      20,
    );
}

/**
 * Waits until the state a gateway saves on disk (and serves first when it restarts) holds every one of these
 * ids: it saves a second after the last change.
 */
export async function savedState(name: GatewayName, ids: string[]): Promise<void> {
  const file = path.join(nodeDir(name), 'data', 'gateway-snapshot.json');
  const holds = async () => {
    const text = await readFile(file, 'utf8').catch(() => '');
    return ids.every((id) => text.includes(id));
  };
  await waitFor(`${name}'s saved state holding ${ids.join(', ')}`, holds, (yes) => yes, 5000);
}

/** Both gateways' 2xx counts for an API. */
export async function answeredByEach(apiName: string): Promise<Record<GatewayName, number>> {
  const [one, two] = await Promise.all(GATEWAYS.map((g) => answered(g, apiName)));
  return { 'gw-1': one ?? 0, 'gw-2': two ?? 0 };
}

// ---------------------------------------------------------------------------------------------------------
// APIs, applications and tokens, as a user makes them.

export interface ClusterApi {
  id: string;
  name: string;
  version: string;
  /** Where the gateways answer: the context with the version. */
  base: string;
  /** The revision deployed first. */
  revisionId: string;
  /** Where its first revision sends calls. */
  backend: TestBackend;
}

/**
 * An API made on the Publisher node as its docs tell: created, a revision deployed to Default, published;
 * then routed by both gateways. Its endpoints are on a new backend (its URL for production and sandbox keys
 * unless `endpoints` says).
 */
export async function servedApi(
  cluster: Cluster,
  options: { endpoints?: (backendUrl: string) => Json; policies?: string[] } = {},
): Promise<ClusterApi> {
  const backend = await cluster.backend();
  const endpointConfig = (options.endpoints ?? ((url: string) => httpEndpoints(url, url)))(backend.url);
  const policies = options.policies ?? ['Gold'];
  const api = await cluster.apis.created(
    publishableApi({ endpointConfig, operations: DEFAULT_OPERATIONS, policies }),
  );
  const revision = await cluster.revisions.created(api.id);
  await cluster.revisions.deployed(api.id, revision.id, [{ name: 'Default', vhost: 'localhost' }]);
  await cluster.apis.move(api.id, 'Publish');
  const base = invocationContext(api.context, api.version);
  for (const name of GATEWAYS) await untilRouted(cluster.gateways[name], base);
  return { id: api.id, name: api.name, version: api.version, base, revisionId: revision.id, backend };
}

/**
 * On the Publisher node: the API's endpoints moved to a new backend, a new revision made of it and deployed to
 * Default (replacing the one there). The new backend.
 */
export async function redeployedElsewhere(cluster: Cluster, api: ClusterApi): Promise<TestBackend> {
  const next = await cluster.backend();
  const current = (await cluster.apis.get(api.id)).body;
  const updated = await cluster.apis.update(api.id, { ...current, endpointConfig: httpEndpoints(next.url) });
  expect(updated.status, JSON.stringify(updated.body)).toBe(200);
  const revision = await cluster.revisions.created(api.id);
  await cluster.revisions.deployed(api.id, revision.id, [{ name: 'Default', vhost: 'localhost' }]);
  return next;
}

export interface ClusterSubscriber extends Subscribed {
  subscriptionId: string;
}

/** An application of the admin's (on the Developer Portal node) subscribed to the API, with keys. */
export async function subscriber(
  cluster: Cluster,
  apiId: string,
  options: { tier?: string; keyTypes?: KeyType[]; tokenType?: 'JWT' | 'OAUTH' } = {},
): Promise<ClusterSubscriber> {
  const { portal } = cluster;
  const app = await portal.createdApp({
    name: uniqueName('cluster-app'),
    throttlingPolicy: 'Unlimited',
    ...(options.tokenType ? { tokenType: options.tokenType } : {}),
  });
  const subscription = await portal.subscribed(app.applicationId, apiId, options.tier ?? 'Gold');
  const keys: Partial<Record<KeyType, Json>> = {};
  for (const keyType of options.keyTypes ?? ['PRODUCTION']) {
    keys[keyType] = await portal.generatedKeys(app.applicationId, {
      keyType,
      grantTypesToBeSupported: ['client_credentials', 'password'],
    });
  }
  return {
    app,
    keys,
    subscriptionId: subscription.subscriptionId as string,
    token(keyType: KeyType = 'PRODUCTION') {
      const token = keys[keyType]?.token?.accessToken;
      if (typeof token !== 'string') throw new Error(`no ${keyType} token`);
      return token;
    },
  };
}

export interface TimedReply {
  status: number;
  contentType: string | null;
  /** Parsed JSON, or the text when it is not JSON. */
  body: Json;
  elapsed: number;
}

/** Times an HTTP call to its whole answer. */
export async function timedCall(call: () => Promise<Response>): Promise<TimedReply> {
  const started = performance.now();
  const response = await call();
  const text = await response.text();
  let body: Json = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a load balancer's own error page): kept as text, for the assertions' messages.
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body,
    elapsed: performance.now() - started,
  };
}

/**
 * A token request with the keys' client (client_credentials), at the Key Manager load balancer unless another
 * node is given.
 */
export function tokenRequest(
  cluster: Cluster,
  keys: Json,
  at: TestNode = cluster.keyManager,
): Promise<TimedReply> {
  const form = { grant_type: 'client_credentials' };
  const auth = { authorization: basicAuth(keys.consumerKey, keys.consumerSecret) };
  return timedCall(() => postForm(at, '/oauth2/token', form, auth));
}

/** A fresh access token for the keys, from the Key Manager load balancer. */
export async function freshToken(cluster: Cluster, keys: Json): Promise<string> {
  const reply = await tokenRequest(cluster, keys);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.access_token as string;
}

/**
 * The gateway's first answer once it knows the token's subscription: a gateway learns applications, keys and
 * subscriptions from events, and answers 403 900908 (not subscribed, not counted) until then.
 */
export async function firstAnswer(
  gateway: GatewayClient,
  path: string,
  token: string,
  timeoutMs = 5000,
): Promise<GatewayReply> {
  const { value } = await timeUntil(
    () => gateway.call(path, { token }),
    (reply) => !(reply.status === 403 && reply.body?.code === '900908'),
    timeoutMs,
  );
  return value;
}

/** A gateway's answer in a few characters: the status, then the backend that answered or the error code. */
export const describeAnswer = (reply: GatewayReply) =>
  `${reply.status} ${String(reply.headers['x-backend'] ?? reply.body?.code ?? '')}`;

/**
 * Polls the gateway with the call until `accept` says yes (a connection error is a no: a gateway that is
 * starting may not listen yet); how long it took, the accepted answer, and each other answer seen before it.
 */
export async function untilAnswer(
  gateway: GatewayClient,
  path: string,
  token: string,
  accept: (reply: GatewayReply) => boolean = (reply) => reply.status === 200,
  timeoutMs = 5000,
): Promise<{ elapsed: number; reply: GatewayReply; before: string[] }> {
  const started = performance.now();
  const before: string[] = [];
  for (;;) {
    const reply = await gateway.call(path, { token }).catch((err: unknown) => {
      const code = (err as { code?: string }).code;
      return code ?? String(err);
    });
    const elapsed = performance.now() - started;
    if (typeof reply !== 'string' && accept(reply)) return { elapsed, reply, before };
    before.push(typeof reply === 'string' ? reply : describeAnswer(reply));
    if (elapsed > timeoutMs)
      throw new Error(
        `${path}: no accepted answer within ${timeoutMs} ms; seen ${before.slice(-5).join(', ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
