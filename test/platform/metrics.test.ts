/**
 * GET /metrics on every node, whatever its profile: the process figures, the management API's requests by
 * route pattern, and the series of the components it runs (tokens, event hub, database, gateway); and while
 * it still waits for its database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  basicAuth,
  clientCredentials,
  discover,
  postForm,
  registerClient,
  revoke,
} from '../support/oauth-helpers.js';
import { createTemporaryDatabase, type TemporaryDatabase } from '../support/postgres.js';
import { postgresAvailable } from '../support/services.js';
import { freePort, proxyTo, type TcpProxy } from '../support/tcp-proxy.js';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe(PROMETHEUS_TEXT);
  return response.text();
}

/** The value of one series, by its name and labels as prom-client writes them; undefined if absent. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics of an all-in-one node', () => {
  let node: TestNode;
  const metrics = () => scrape(node.httpUrl);
  const value = async (series: string) => valueOf(await metrics(), series) ?? 0;

  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => {
    await node?.close();
  });

  it('serves the process figures and each series once, the gateway’s among them', async () => {
    const text = await metrics();
    expect(text).toMatch(/^portcullis_process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^portcullis_nodejs_eventloop_lag_seconds \d/m);
    expect(text.match(/^# TYPE portcullis_gateway_deployed_apis gauge$/gm)).toHaveLength(1);
    expect(valueOf(text, 'portcullis_gateway_deployed_apis')).toBe(0);
    expect(valueOf(text, 'portcullis_event_hub_connected')).toBe(1);
  });

  it('counts management requests by route pattern, never by URL; unmatched ones as (unmatched)', async () => {
    // Refused (no token), but matched: its route is known.
    expect((await node.fetch(`${node.baseUrl}/keymanager/v1/users/admin?detail=1`)).status).toBe(401);
    expect((await node.fetch(`${node.baseUrl}/no/such/thing-42?token=secret`)).status).toBe(404);
    const text = await metrics();
    const route = '/keymanager/v1/users/:username';
    expect(valueOf(text, `portcullis_http_requests_total{method="GET",route="${route}",status="401"}`)).toBe(
      1,
    );
    expect(
      valueOf(text, `portcullis_http_request_duration_seconds_count{method="GET",route="${route}"}`),
    ).toBe(1);
    expect(
      valueOf(text, 'portcullis_http_requests_total{method="GET",route="(unmatched)",status="404"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('thing-42');
    expect(text).not.toContain('secret');
    expect(text).not.toContain('/keymanager/v1/users/admin');
  });

  it('counts tokens issued by grant and format, refusals by error, and revocations', async () => {
    const issued = 'portcullis_oauth_tokens_issued_total{grant_type="client_credentials",token_format="JWT"}';
    const invalidClient = 'portcullis_oauth_token_errors_total{error="invalid_client"}';
    const unsupported = 'portcullis_oauth_token_errors_total{error="unsupported_grant_type"}';
    const revoked = 'portcullis_oauth_tokens_revoked_total{reason="revoked"}';
    const before = await metrics();
    const as = await discover(node);
    const client = await registerClient(node);
    const { access_token: token } = await clientCredentials(node, as, client);
    const wrongSecret = await postForm(
      node,
      '/oauth2/token',
      { grant_type: 'client_credentials' },
      { authorization: basicAuth(client.registration.clientId, 'not-the-secret') },
    );
    expect(wrongSecret.status).toBe(401);
    expect((await postForm(node, '/oauth2/token', { grant_type: 'magic' })).status).toBe(400);
    await revoke(node, as, client, token);

    const after = await metrics();
    const delta = (series: string) => (valueOf(after, series) ?? 0) - (valueOf(before, series) ?? 0);
    expect(delta(issued)).toBe(1);
    expect(delta(invalidClient)).toBe(1);
    expect(delta(unsupported)).toBe(1);
    expect(delta(revoked)).toBe(1);
    expect(after).not.toContain('not-the-secret');
  });

  it('counts events published and received per topic', async () => {
    const published = 'portcullis_event_hub_published_total{topic="tokenRevocation"}';
    const received = 'portcullis_event_hub_received_total{topic="tokenRevocation"}';
    const [sent, got] = [await value(published), await value(received)];
    const as = await discover(node);
    const client = await registerClient(node);
    await revoke(node, as, client, (await clientCredentials(node, as, client)).access_token);
    // The revocation event goes out after the answer; the gateway of this node receives it.
    await expect.poll(() => value(published), { timeout: 5000, interval: 50 }).toBe(sent + 1);
    await expect.poll(() => value(received), { timeout: 5000, interval: 50 }).toBe(got + 1);
    expect(await value('portcullis_event_hub_publish_failures_total{topic="tokenRevocation"}')).toBe(0);
  });

  it('times database queries and says the database is up (SQLite: no pool)', async () => {
    const text = await metrics();
    expect(valueOf(text, 'portcullis_database_query_duration_seconds_count')).toBeGreaterThan(0);
    expect(valueOf(text, 'portcullis_database_up')).toBe(1);
    expect(text).not.toContain('portcullis_database_pool_connections');
  });
});

describe('/metrics of a traffic-manager node', () => {
  let node: TestNode;

  beforeAll(async () => {
    node = await startTestNode({ env: { PORTCULLIS_NODE__PROFILE: 'traffic-manager' } });
  });
  afterAll(async () => {
    await node?.close();
  });

  it('has the process, HTTP and event hub series, and none of the components it does not run', async () => {
    await fetch(`${node.httpUrl}/health/ready`);
    const text = await scrape(node.httpUrl);
    expect(text).toMatch(/^portcullis_process_resident_memory_bytes \d/m);
    expect(
      valueOf(text, 'portcullis_http_requests_total{method="GET",route="/health/ready",status="200"}'),
    ).toBe(1);
    expect(valueOf(text, 'portcullis_event_hub_connected')).toBe(1);
    expect(text).not.toContain('portcullis_database_');
    expect(text).not.toContain('portcullis_oauth_');
    expect(text).not.toContain('portcullis_gateway_');
  });
});

describe.runIf(await postgresAvailable())('/metrics of a node waiting for PostgreSQL', () => {
  let database: TemporaryDatabase;
  let postgres: TcpProxy;
  let httpUrl: string;
  let starting: Promise<TestNode>;

  beforeAll(async () => {
    database = await createTemporaryDatabase('portcullis_metrics');
    const proxied = await proxyTo(database.url, 5432);
    postgres = proxied.proxy;
    const httpPort = await freePort();
    httpUrl = `http://127.0.0.1:${httpPort}`;
    starting = startTestNode({
      env: {
        PORTCULLIS_NODE__PROFILE: 'key-manager',
        PORTCULLIS_HTTP__HTTP_PORT: String(httpPort),
        PORTCULLIS_DATABASE__URL: proxied.url,
      },
    });
    starting.catch(() => undefined);
  });
  afterAll(async () => {
    await postgres?.open();
    await (await starting?.catch(() => undefined))?.close();
    await postgres?.close();
    await database?.drop();
  });

  it('answers /metrics before it is ready, with the database down', async () => {
    await expect
      .poll(
        () =>
          fetch(`${httpUrl}/health/live`).then(
            (r) => r.status,
            () => 0,
          ),
        { timeout: 10_000 },
      )
      .toBe(200);
    expect((await fetch(`${httpUrl}/oauth2/jwks`)).status).toBe(503);
    const text = await scrape(httpUrl);
    expect(text).toMatch(/^portcullis_process_cpu_user_seconds_total \d/m);
    expect(valueOf(text, 'portcullis_database_up')).toBe(0);
  });

  it('shows the connection pool once the database answers', async () => {
    await postgres.open();
    const node = await starting;
    const text = await scrape(node.httpUrl);
    expect(valueOf(text, 'portcullis_database_up')).toBe(1);
    expect(valueOf(text, 'portcullis_database_pool_connections')).toBeGreaterThan(0);
    expect(valueOf(text, 'portcullis_database_pool_idle_connections')).toBeGreaterThanOrEqual(0);
    // The scrape's own ping to the database may be waiting for a connection.
    expect(valueOf(text, 'portcullis_database_pool_waiting_queries')).toBeGreaterThanOrEqual(0);
  });
});
