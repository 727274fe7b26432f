/**
 * A node started before its database and broker: it binds its ports at once and answers /health/live 200,
 * /health/ready 503 naming what is still DOWN, and every other request 503 "starting"; it keeps trying the
 * database (with back-off) and RabbitMQ until they come, then becomes ready and serves, with no restart.
 * PostgreSQL and RabbitMQ are reached through proxies that start listening only when the test says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import { discover, passwordGrant, registerClient, adminCredentials } from '../support/oauth-helpers.js';
import { createTemporaryDatabase, type TemporaryDatabase } from '../support/postgres.js';
import { deleteClusterExchanges, uniqueCluster } from '../support/rabbitmq-cluster.js';
import { postgresAvailable, RABBITMQ_URL, rabbitmqAvailable } from '../support/services.js';
import { freePort, proxyTo, type TcpProxy } from '../support/tcp-proxy.js';

const available = (await postgresAvailable()) && (await rabbitmqAvailable());

interface Answer {
  status: number;
  retryAfter: string | null;
  body: unknown;
}

describe.runIf(available)('a node started before its database and event hub', () => {
  const cluster = uniqueCluster('start-order');
  let database: TemporaryDatabase;
  let postgres: TcpProxy;
  let rabbitmq: TcpProxy;
  let httpUrl: string;
  let starting: Promise<TestNode>;
  let node: TestNode | undefined;
  let startError: unknown;

  /** A request to the node's plain HTTP port; null while nothing answers there. */
  const get = async (path: string): Promise<Answer | null> => {
    try {
      const response = await fetch(`${httpUrl}${path}`);
      const body: unknown = await response.json();
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
    } catch {
      return null;
    }
  };
  const readiness = async () => (await get('/health/ready'))?.body;

  beforeAll(async () => {
    database = await createTemporaryDatabase('portcullis_start');
    const db = await proxyTo(database.url, 5432);
    const broker = await proxyTo(RABBITMQ_URL, 5672);
    postgres = db.proxy;
    rabbitmq = broker.proxy;
    const [httpsPort, httpPort] = [await freePort(), await freePort()];
    httpUrl = `http://127.0.0.1:${httpPort}`;
    starting = startTestNode({
      captureLogs: true,
      env: {
        PORTCULLIS_HTTP__HTTPS_PORT: String(httpsPort),
        PORTCULLIS_HTTP__HTTP_PORT: String(httpPort),
        PORTCULLIS_DATABASE__URL: db.url,
        PORTCULLIS_EVENT_HUB__TYPE: 'rabbitmq',
        PORTCULLIS_EVENT_HUB__BROKERS: broker.url,
        PORTCULLIS_EVENT_HUB__CLUSTER: cluster,
        PORTCULLIS_EVENT_HUB__RECONNECT_MAX_DELAY_MS: '250',
      },
    });
    starting.then(
      (started) => void (node = started),
      (err: unknown) => void (startError = err),
    );
  });

  afterAll(async () => {
    // A start still waiting ends once its dependencies answer.
    await postgres?.open();
    await rabbitmq?.open();
    await starting?.catch(() => undefined);
    await node?.close();
    await postgres?.close();
    await rabbitmq?.close();
    await database?.drop();
    await deleteClusterExchanges(cluster);
  });

  it('binds its ports at once: live, not ready (database and event hub DOWN), other paths 503 starting', async () => {
    await expect
      .poll(() => get('/health/live'), { timeout: 10_000, interval: 50 })
      .toEqual({
        status: 200,
        retryAfter: '1',
        body: { status: 'UP' },
      });
    expect(await get('/health/ready')).toEqual({
      status: 503,
      retryAfter: '1',
      body: { status: 'DOWN', checks: { database: 'DOWN', eventHub: 'DOWN' } },
    });
    const other = await get('/api/am/publisher/v4/apis?limit=1');
    expect(other).toMatchObject({ status: 503, body: { code: 503, message: 'Service Unavailable' } });
    expect((other?.body as { description: string }).description).toMatch(/starting.*\/health\/ready/);
    expect(node).toBeUndefined();
    expect(startError).toBeUndefined();
  });

  it('stays not ready while the database refuses connections', async () => {
    // Long enough for a few attempts (after 0, 0.5 and 1.5 s): every answer meanwhile says DOWN.
    const deadline = Date.now() + 1600;
    while (Date.now() < deadline) {
      expect(await readiness()).toEqual({ status: 'DOWN', checks: { database: 'DOWN', eventHub: 'DOWN' } });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(postgres.connections).toBe(0);
    expect(node).toBeUndefined();
  });

  it('reports the database UP once it answers (migrated), the event hub still DOWN', async () => {
    await postgres.open();
    // The next attempt comes within the current back-off (at most 10 s).
    await expect.poll(readiness, { timeout: 15_000, interval: 100 }).toEqual({
      status: 'DOWN',
      checks: { database: 'UP', eventHub: 'DOWN' },
    });
    expect(postgres.connections).toBeGreaterThan(0);
    expect(node).toBeUndefined();
  });

  it('becomes ready and serves once the broker answers, without a restart', async () => {
    await rabbitmq.open();
    await expect.poll(() => node ?? startError, { timeout: 15_000, interval: 100 }).toBeDefined();
    expect(startError).toBeUndefined();
    const started = node as TestNode;
    expect(started.httpUrl).toBe(httpUrl.replace('127.0.0.1', 'localhost'));
    expect(await get('/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'UP', checks: { database: 'UP', eventHub: 'UP' } },
    });
    expect(rabbitmq.connections).toBeGreaterThan(0);

    const as = await discover(started);
    const client = await registerClient(started);
    const { access_token: token } = await passwordGrant(
      started,
      as,
      client,
      adminCredentials(started),
      'apim:api_view',
    );
    const apis = await started.fetch(`${started.baseUrl}/api/am/publisher/v4/apis`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(apis.status).toBe(200);
    expect(await apis.json()).toMatchObject({ count: 0, list: [] });
  });

  it('logged each refused database attempt with a doubling wait, then the recovery', () => {
    const lines = (node as TestNode).logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const waits = lines
      .filter((l) => typeof l.msg === 'string' && l.msg.startsWith('database: not available yet'))
      .map((l) => l.retryInMs);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits).toEqual(waits.map((_, i) => Math.min(500 * 2 ** i, 10_000)));
    expect(lines.find((l) => l.msg === 'database: available')).toMatchObject({ attempts: waits.length + 1 });
  });
});
