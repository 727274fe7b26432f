/**
 * The gateway's last good snapshot on disk (`<data dir>/gateway-snapshot.json`, mode 0600), end to end: saved
 * when the gateway pulls its state, kept in step with what it serves, and enough for a gateway-profile node
 * whose Publisher and Key Manager cannot be reached to start and route the APIs it had (answering 900902 for
 * a call without a token on a deployed API's path, not 404).
 */
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotSchema, type Snapshot } from '../../src/publisher/internal/internal-data-schemas.js';
import { uniqueName } from '../support/oauth-helpers.js';
import { startTestNode, type TestNode } from '../support/node.js';
import { useTempDirs } from '../support/temp-dirs.js';
import {
  expectForwarded,
  expectGatewayError,
  GatewayClient,
  httpEndpoints,
  refusedUrl,
  timeUntil,
  useGatewayNode,
  type GatewayApi,
  type TestBackend,
} from './gateway-support.js';

const ctx = useGatewayNode();
const tempDir = useTempDirs('gateway-offline');

const snapshotFile = () => path.join(ctx.node.dataDir, 'gateway-snapshot.json');
const saved = (): Snapshot => JSON.parse(readFileSync(snapshotFile(), 'utf8')) as Snapshot;
const savedApiIds = () => saved().apis.map((a) => a.apiId);

/** Makes the gateway pull (and save) a snapshot: a throttling policy change is one it cannot follow otherwise. */
async function makeGatewayPull(): Promise<void> {
  const reply = await ctx.api.post('/throttling/policies/subscription', {
    policyName: uniqueName('sub'),
    displayName: 'Pulls a snapshot',
    defaultLimit: {
      type: 'REQUESTCOUNTLIMIT',
      requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 100 },
    },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
}

let backend: TestBackend;
/** Deployed, then saved by a pull. */
let pulled: GatewayApi;

beforeAll(async () => {
  backend = await ctx.backend('snapshot');
});

describe('the saved snapshot', () => {
  it('is written at start, readable by the node’s user only, a valid snapshot of its environment', async () => {
    const stat = statSync(snapshotFile());
    expect(stat.isFile()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o600);
    const snapshot = saved();
    expect(Value.Check(SnapshotSchema, snapshot)).toBe(true);
    expect(snapshot.environment).toBe('Default');
    expect(snapshot.generatedAt).toBeLessThanOrEqual(Date.now());
  });

  it('a pull saves what the gateway serves', async () => {
    pulled = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url) });
    await makeGatewayPull();
    await timeUntil(
      async () => savedApiIds(),
      (ids) => ids.includes(pulled.id),
      3000,
    );
    expect(statSync(snapshotFile()).mode & 0o777).toBe(0o600);
    expect(saved().apis.find((a) => a.apiId === pulled.id)).toMatchObject({
      revisionId: pulled.revisionId,
      vhost: 'localhost',
      api: { lifeCycleStatus: 'PUBLISHED' },
    });
  });

  // The saved snapshot is what a gateway restarted while the control plane is down serves ("the APIs it had").
  it('an API deployed after the last pull is saved too', async () => {
    const later = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url) });
    expectForwarded(
      await ctx.gateway.call(`${later.base}/x`, { token: (await ctx.subscriber([later.id])).token() }),
    );
    await timeUntil(
      async () => savedApiIds(),
      (ids) => ids.includes(later.id),
      1000,
    ).catch(() => undefined);
    expect(savedApiIds()).toContain(later.id);
  });
});

describe('a gateway whose control plane is down', () => {
  let offline: TestNode | undefined;
  let gateway: GatewayClient;
  let startedIn = 0;

  beforeAll(async () => {
    if (!pulled) throw new Error('the suite above did not deploy its API');
    const dataDir = tempDir();
    copyFileSync(snapshotFile(), path.join(dataDir, 'gateway-snapshot.json'));
    const unreachable = (await refusedUrl()).replace('http:', 'https:');
    const started = performance.now();
    offline = await startTestNode({
      env: {
        PORTCULLIS_DATA_DIR: dataDir,
        PORTCULLIS_NODE__PROFILE: 'gateway',
        PORTCULLIS_SERVICES__PUBLISHER_URL: unreachable,
        PORTCULLIS_SERVICES__KEY_MANAGER_URL: unreachable,
        PORTCULLIS_SERVICES__NODE_CLIENT_ID: 'offline-gateway',
        PORTCULLIS_SERVICES__NODE_CLIENT_SECRET: 'offline-gateway-secret',
      },
    });
    startedIn = performance.now() - started;
    const component = offline.node.components.find((c) => c.name === 'gateway');
    gateway = new GatewayClient(
      { http: component?.urls?.http ?? '', https: component?.urls?.https ?? '' },
      offline.dispatcher,
    );
  });

  afterAll(async () => {
    await offline?.close();
  });

  it('starts, without waiting long for the Publisher', () => {
    expect(offline?.node.components.map((c) => c.name)).toEqual(['gateway']);
    expect(startedIn).toBeLessThan(10_000);
  });

  it('routes the APIs of the saved snapshot: a call without a token is 900902, not 404', async () => {
    const reply = await gateway.call(`${pulled.base}/x`);
    expectGatewayError(reply, 401, 900902);
    expectGatewayError(await gateway.call('/not-deployed/1.0.0/x'), 404, 404);
    expectGatewayError(await gateway.call(`${pulled.base}/x`, { method: 'PATCH' }), 405, 900906);
  });

  it('answers a call with a token at once, though it cannot check it', async () => {
    const reply = await gateway.call(`${pulled.base}/x`, {
      token: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
    });
    expect(reply.elapsed).toBeLessThan(5000);
    expect(reply.status).toBeGreaterThanOrEqual(401);
    expect(reply.body).toEqual({
      code: expect.any(String),
      message: expect.any(String),
      description: expect.any(String),
    });
  });

  it('is ready (it serves a snapshot) and says so on its health endpoint', async () => {
    const response = await offline!.fetch(`${offline!.baseUrl}/health/ready`);
    expect(response.status).toBe(200);
  });
});
