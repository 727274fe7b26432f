/**
 * What a starting node does not wait for: a database whose schema is newer than the code (SchemaError) and
 * a broker list that cannot work (BrokerConfigError) make startNode reject on the first attempt, without
 * a retry, and the ports it had bound are released. A database that merely refuses connections is retried
 * (start-waits-for-dependencies.test.ts).
 */
import net from 'node:net';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { BrokerConfigError } from '../../src/events/rabbitmq.js';
import { startNode } from '../../src/node/start-node.js';
import { createLogger } from '../../src/platform/logger.js';
import { openDatabase } from '../../src/store/database.js';
import { migrate, SchemaError } from '../../src/store/migrate.js';
import { createTemporaryDatabase, type TemporaryDatabase } from '../support/postgres.js';
import { postgresAvailable } from '../support/services.js';
import { freePort } from '../support/tcp-proxy.js';
import { useTempDirs } from '../support/temp-dirs.js';

const postgresUp = await postgresAvailable();
const tempDir = useTempDirs('fatal-start');

interface Attempt {
  error: unknown;
  /** Log messages of the attempt. */
  messages: string[];
  ports: number[];
}

/** Starts a node with these overrides on fixed free ports, expecting it to fail. */
async function failedStart(env: Record<string, string>): Promise<Attempt> {
  const ports = [await freePort(), await freePort()];
  const { config } = loadConfig({
    cwd: tempDir(),
    env: {
      PORTCULLIS_DATA_DIR: tempDir(),
      PORTCULLIS_HTTP__HOST: '127.0.0.1',
      PORTCULLIS_HTTP__HTTPS_PORT: String(ports[0]),
      PORTCULLIS_HTTP__HTTP_PORT: String(ports[1]),
      ...env,
    },
  });
  const messages: string[] = [];
  const logger = createLogger('trace', {
    write: (line: string) => void messages.push((JSON.parse(line) as { msg: string }).msg),
  });
  const error = await startNode(config, logger).then(
    async (node) => {
      await node.close();
      return new Error('the node started');
    },
    (err: unknown) => err,
  );
  return { error, messages, ports };
}

/** True when something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function expectPortsReleased(attempt: Attempt): Promise<void> {
  for (const port of attempt.ports) expect(await listening(port), `port ${port}`).toBe(false);
}

describe.runIf(postgresUp)('a database schema newer than the code', () => {
  let database: TemporaryDatabase;

  afterAll(async () => {
    await database?.drop();
  });

  it('makes startNode reject with SchemaError at once, without retrying', async () => {
    database = await createTemporaryDatabase('portcullis_newer');
    const prepared = openDatabase({ url: database.url, dataDir: tempDir() });
    try {
      await migrate(prepared.db);
      await sql`insert into portcullis_migrations (name, timestamp) values ('9999-from-the-future', '2099-01-01')`.execute(
        prepared.db,
      );
    } finally {
      await prepared.close();
    }

    const attempt = await failedStart({ PORTCULLIS_DATABASE__URL: database.url });
    expect(attempt.error).toBeInstanceOf(SchemaError);
    expect((attempt.error as Error).message).toMatch(/9999-from-the-future/);
    expect(attempt.messages.filter((m) => m.includes('not available yet'))).toEqual([]);
    await expectPortsReleased(attempt);
  });
});

describe('a broker list that cannot work', () => {
  it.each([
    [
      'brokers with different credentials',
      'amqp://a:secret-a@127.0.0.1:5672,amqp://b:secret-b@127.0.0.1:5673',
    ],
    ['no broker at all', ''],
  ])('%s: startNode rejects with BrokerConfigError at once', async (_case, brokers) => {
    const attempt = await failedStart({
      PORTCULLIS_EVENT_HUB__TYPE: 'rabbitmq',
      PORTCULLIS_EVENT_HUB__BROKERS: brokers,
    });
    expect(attempt.error).toBeInstanceOf(BrokerConfigError);
    expect(attempt.messages.filter((m) => m.includes('not available yet'))).toEqual([]);
    // The error names neither password.
    expect((attempt.error as Error).message).not.toMatch(/secret-/);
    await expectPortsReleased(attempt);
  });
});
