/**
 * A node whose PostgreSQL goes away answers REST requests that need the database with a 503 naming the
 * database and a Retry-After, promptly: a query cut off while it runs, at once when the server refuses
 * connections, within the pool's 5 s connect timeout when it does not answer at all (instead of a 500, or a
 * request that hangs). When the database is back the same node answers 200 again, without a restart.
 * PostgreSQL is reached through a proxy the test closes, silences and reopens; the tokens are JWTs obtained
 * before the outage.
 *
 * A pg client that emits 'error' with no listener throws, which ends a real node's process: this file
 * records (and so survives) such errors, and the last test expects there were none.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import { adminCredentials, discover, passwordGrant, registerClient } from '../support/oauth-helpers.js';
import { createTemporaryDatabase, type TemporaryDatabase } from '../support/postgres.js';
import { postgresAvailable } from '../support/services.js';
import { proxyTo, type TcpProxy } from '../support/tcp-proxy.js';

const postgresUp = await postgresAvailable();

const UNAVAILABLE = {
  code: 503,
  message: 'Service Unavailable',
  description: 'The database is not reachable; try again shortly.',
};

/** 'error' events of pg clients that nobody listened to (each would have been an uncaught exception). */
const unhandledClientErrors: unknown[] = [];
const emit = pg.Client.prototype.emit;

interface Answer {
  status: number;
  retryAfter: string | null;
  body: unknown;
  elapsed: number;
}

describe.runIf(postgresUp)('REST requests while the database is unreachable', () => {
  let database: TemporaryDatabase;
  let proxy: TcpProxy;
  let node: TestNode;
  let token: string;

  beforeAll(async () => {
    pg.Client.prototype.emit = function (this: pg.Client, event: string | symbol, ...args: unknown[]) {
      if (event === 'error' && this.listenerCount('error') === 0) {
        unhandledClientErrors.push(args[0]);
        return false;
      }
      return emit.call(this, event, ...args);
    };
    database = await createTemporaryDatabase('portcullis_outage');
    const proxied = await proxyTo(database.url, 5432);
    proxy = proxied.proxy;
    await proxy.open();
    node = await startTestNode({ env: { PORTCULLIS_DATABASE__URL: proxied.url } });
    const as = await discover(node);
    const client = await registerClient(node);
    const scopes = 'apim:api_view apim:admin apim:subscribe apim:app_manage';
    token = (await passwordGrant(node, as, client, adminCredentials(node), scopes)).access_token;
  });
  afterAll(async () => {
    await proxy?.open();
    await node?.close();
    await proxy?.close();
    await database?.drop();
    pg.Client.prototype.emit = emit;
  });

  const call = async (path: string): Promise<Answer> => {
    const started = performance.now();
    const response = await node.fetch(`${node.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body: unknown = await response.json();
    const elapsed = performance.now() - started;
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body, elapsed };
  };
  const APIS = '/api/am/publisher/v4/apis';

  it('answers 200 while the database is up', async () => {
    expect((await call(APIS)).status).toBe(200);
    expect((await call('/health/ready')).body).toMatchObject({ status: 'UP', checks: { database: 'UP' } });
  });

  it('a query cut off while it runs: 503', async () => {
    // The node's query waits for a lock the test holds, so it is surely running when the connection goes.
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query('begin; lock table apis in access exclusive mode');
      const answering = call(APIS);
      // pg_locks, not pg_stat_activity: a statement waiting while it is parsed still shows the previous one.
      const waiting = () =>
        locker.query<{ n: number }>(
          `select count(*)::int as n from pg_locks l join pg_class c on c.oid = l.relation
            where c.relname = 'apis' and not l.granted`,
        );
      await expect.poll(async () => (await waiting()).rows[0]?.n, { timeout: 5000 }).toBe(1);
      await proxy.close();
      expect(await answering).toMatchObject({ status: 503, retryAfter: '5', body: UNAVAILABLE });
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
  });

  it('refused connections: 503 with Retry-After at once, from the Publisher and Admin APIs; not ready', async () => {
    await proxy.close();
    for (const path of [APIS, '/api/am/admin/v4/environments']) {
      const answer = await call(path);
      expect(answer, path).toMatchObject({ status: 503, retryAfter: '5', body: UNAVAILABLE });
      expect(answer.elapsed, path).toBeLessThan(2000);
    }
    expect(await call('/health/ready')).toMatchObject({
      status: 503,
      body: { status: 'DOWN', checks: { database: 'DOWN' } },
    });
  });

  it('the Key Manager answers its JWKS 503 once its cache of keys is stale (it reads them again)', async () => {
    const jwks = async () => (await node.fetch(`${node.baseUrl}/oauth2/jwks`)).status;
    await expect.poll(jwks, { timeout: 10_000, interval: 250 }).toBe(503);
  });

  // A component that must fetch the JWKS during the outage (the Developer Portal here, never called before)
  // cannot check the token: that is the Key Manager's outage, not an invalid token.
  it('a component with no JWKS cached yet answers 503, not 401, for a valid token', async () => {
    expect(await call('/api/am/devportal/v3/applications')).toMatchObject({ status: 503 });
  });

  it('a server that does not answer: 503 within the 5 s connect timeout, not a hung request', async () => {
    await proxy.open('silent');
    const answer = await call(APIS);
    expect(answer).toMatchObject({ status: 503, retryAfter: '5', body: UNAVAILABLE });
    expect(answer.elapsed).toBeGreaterThan(4500);
    expect(answer.elapsed).toBeLessThan(8000);
  }, 15_000);

  it('recovers without a restart once the database answers again', async () => {
    await proxy.close();
    await proxy.open();
    const answer = await call(APIS);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ count: 0, list: [] });
    expect((await call('/api/am/devportal/v3/applications')).status).toBe(200);
    expect(await call('/health/ready')).toMatchObject({ status: 200, body: { status: 'UP' } });
  });

  // Every client the pool makes listens for errors: a connection lost under a running query fails the query
  // only, never the process.
  it('no pg client error went unhandled (each would have ended a real node)', () => {
    expect(unhandledClientErrors).toEqual([]);
  });
});
