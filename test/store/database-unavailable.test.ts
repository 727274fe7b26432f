/**
 * isDatabaseUnavailable tells "the database server cannot be reached" (a 503 to REST callers) from "this
 * query is wrong" (a 500), on the errors pg really raises: a refused connection, a pool that times out
 * connecting to a server that does not answer, a connection cut mid-query or terminated by the server, a
 * server still starting up; and SQL errors, which are not unavailability.
 */
import net from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, openDatabase, type Database } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { createTemporaryDatabase, type TemporaryDatabase } from '../support/postgres.js';
import { postgresAvailable } from '../support/services.js';
import { freePort, proxyTo, type TcpProxy } from '../support/tcp-proxy.js';

const postgresUp = await postgresAvailable();

/** The error `run` rejects with (fails the test when it does not reject). */
async function errorOf(run: () => Promise<unknown>): Promise<Error & { code?: string }> {
  const outcome = await run().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(outcome, 'expected a rejection').toBeInstanceOf(Error);
  return outcome as Error & { code?: string };
}

/** A server that answers a PostgreSQL startup message with an ErrorResponse, as a server still starting does. */
async function serverAnswering(code: string, message: string): Promise<net.Server> {
  const field = (type: string, value: string) =>
    Buffer.concat([Buffer.from(type), Buffer.from(`${value}\0`)]);
  const fields = Buffer.concat([
    field('S', 'FATAL'),
    field('V', 'FATAL'),
    field('C', code),
    field('M', message),
    Buffer.from('\0'),
  ]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(fields.length + 4);
  const reply = Buffer.concat([Buffer.from('E'), length, fields]);
  const server = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.once('data', () => socket.end(reply));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('isDatabaseUnavailable on what is not a database error', () => {
  it.each([
    ['undefined', undefined],
    ['a string naming a code', 'ECONNREFUSED'],
    ['a plain object with a code', { code: 'ECONNREFUSED' }],
    ['an unrelated Error', new Error('cannot read properties of undefined')],
  ])('%s: false', (_name, value) => {
    expect(isDatabaseUnavailable(value)).toBe(false);
  });
});

describe.runIf(postgresUp)('isDatabaseUnavailable on real pg errors', () => {
  let database: TemporaryDatabase;
  let proxy: TcpProxy;
  let proxiedUrl: string;
  const clients: pg.Client[] = [];
  const opened: Database[] = [];

  const client = (connectionString: string) => {
    const made = new pg.Client({ connectionString });
    made.on('error', () => {}); // the errors under test also arrive as events
    clients.push(made);
    return made;
  };

  beforeAll(async () => {
    database = await createTemporaryDatabase('portcullis_unavailable');
    ({ proxy, url: proxiedUrl } = await proxyTo(database.url, 5432));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
    await Promise.all(opened.splice(0).map((d) => d.close().catch(() => undefined)));
    await proxy.close();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('a refused connection (ECONNREFUSED), on 127.0.0.1 and on localhost', async () => {
    const port = await freePort();
    const refused = await errorOf(() => client(`postgres://postgres@127.0.0.1:${port}/x`).connect());
    expect(refused.code).toBe('ECONNREFUSED');
    expect(isDatabaseUnavailable(refused)).toBe(true);
    // localhost may resolve to ::1 and 127.0.0.1: both refused can come as one AggregateError.
    const both = await errorOf(() => client(`postgres://postgres@localhost:${port}/x`).connect());
    expect(isDatabaseUnavailable(both)).toBe(true);
  });

  it('a query through the Kysely pool of openDatabase when the server refuses', async () => {
    const db = openDatabase({ url: proxiedUrl, dataDir: '/nonexistent' });
    opened.push(db);
    const err = await errorOf(() => sql`select 1`.execute(db.db));
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(await db.ping()).toBe(false);
  });

  it('a pool that times out connecting to a server that does not answer', async () => {
    await proxy.open('silent');
    const pool = new pg.Pool({ connectionString: proxiedUrl, connectionTimeoutMillis: 300 });
    try {
      const err = await errorOf(() => pool.query('select 1'));
      expect(err.message).toMatch(/timeout/);
      expect(isDatabaseUnavailable(err)).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('a connection cut during a query ("Connection terminated"), and the next query on that client', async () => {
    await proxy.open();
    const cut = client(proxiedUrl);
    await cut.connect();
    const running = errorOf(() => cut.query('select pg_sleep(10)'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await proxy.close();
    const err = await running;
    expect(err.message).toMatch(/Connection terminated/);
    expect(isDatabaseUnavailable(err)).toBe(true);
    const next = await errorOf(() => cut.query('select 1'));
    expect(isDatabaseUnavailable(next)).toBe(true);
  });

  it('a connection the server terminates (57P01, an administrator or a shutdown)', async () => {
    const victim = client(database.url);
    await victim.connect();
    const { rows } = await victim.query<{ pid: number }>('select pg_backend_pid() as pid');
    const running = errorOf(() => victim.query('select pg_sleep(10)'));
    const admin = client(database.url);
    await admin.connect();
    await expect
      .poll(
        async () => (await admin.query('select pg_terminate_backend($1) as ok', [rows[0]?.pid])).rows[0].ok,
      )
      .toBe(true);
    const err = await running;
    expect(err.code).toBe('57P01');
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it('a server still starting up (57P03)', async () => {
    const server = await serverAnswering('57P03', 'the database system is starting up');
    try {
      const { port } = server.address() as net.AddressInfo;
      const err = await errorOf(() => client(`postgres://postgres@127.0.0.1:${port}/x`).connect());
      expect(err.code).toBe('57P03');
      expect(isDatabaseUnavailable(err)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  describe('SQL errors on a reachable server are not unavailability', () => {
    let db: Database;
    beforeAll(async () => {
      db = openDatabase({ url: database.url, dataDir: '/nonexistent' });
      await migrate(db.db);
    });
    afterAll(async () => {
      await db?.close();
    });

    it.each([
      ['a syntax error', '42601', () => sql`selec 1`.execute(db.db)],
      ['an unknown table', '42P01', () => sql`select * from no_such_table`.execute(db.db)],
      ['a division by zero', '22012', () => sql`select 1 / 0`.execute(db.db)],
      [
        'a unique violation',
        '23505',
        async () => {
          const row = { key: 'unavailable-test', failures: 1, first_failure_at: Date.now() };
          await db.db.insertInto('login_failures').values(row).execute();
          await db.db.insertInto('login_failures').values(row).execute();
        },
      ],
    ])('%s (%s)', async (_name, code, run) => {
      const err = await errorOf(run);
      expect(err.code).toBe(code);
      expect(isDatabaseUnavailable(err)).toBe(false);
    });
  });
});
