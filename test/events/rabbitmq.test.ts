/**
 * RabbitMqEventHub against a real broker: the contract, plus connection failures, failover and recovery.
 * Skips with a notice without RabbitMQ; fails under CI=true.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { Connection } from 'rabbitmq-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEventHub } from '../../src/events/create.js';
import type { EventHub } from '../../src/events/hub.js';
import { RabbitMqEventHub, type RabbitMqEventHubOptions } from '../../src/events/rabbitmq.js';
import type { HubEvent } from '../../src/events/topics.js';
import { RABBITMQ_URL, rabbitmqAvailable } from '../support/services.js';
import { eventHubContract } from './hub-contract.js';

const available = await rabbitmqAvailable();

const runId = randomBytes(4).toString('hex');
let nodes = 0;
/** Unique per test run, so that concurrent runs against one broker never share a queue. */
const nodeId = () => `test-${runId}-${++nodes}`;

const logLines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });

const opened: EventHub[] = [];
async function connectHub(options: Partial<RabbitMqEventHubOptions> = {}): Promise<RabbitMqEventHub> {
  const hub = await RabbitMqEventHub.connect({
    brokers: [RABBITMQ_URL],
    nodeId: nodeId(),
    logger,
    // Short, so that reconnection tests recover in a few seconds.
    reconnectMaxDelayMs: 2000,
    ...options,
  });
  opened.push(hub);
  return hub;
}

/** RABBITMQ_URL with its host and port replaced: same credentials, so it can share a broker list. */
function sameCredentialsAt(host: string, port: number): string {
  const url = new URL(RABBITMQ_URL);
  url.hostname = host;
  url.port = String(port);
  return url.toString();
}

const WAIT = { timeout: 10_000, interval: 20 };

/** Groups' queues are durable: a test deletes the ones it made. */
async function deleteQueue(queue: string): Promise<void> {
  const raw = new Connection(RABBITMQ_URL);
  try {
    await raw.queueDelete({ queue });
  } finally {
    await raw.close();
  }
}
const testEvent = (type: string, n: number): HubEvent => ({
  id: randomUUID(),
  type,
  timestamp: Date.now(),
  payload: { n },
});

/**
 * After `disconnect` cuts the hub off, it must notice, reconnect, tell its listeners once its queue is
 * bound again, and deliver and publish as before.
 */
async function expectRecovery(hub: EventHub, peer: EventHub, disconnect: () => Promise<void>): Promise<void> {
  const type = `RECOVERY_TEST_${randomUUID()}`;
  const received: HubEvent[] = [];
  await hub.subscribe('notification', (e) => {
    if (e.type === type) received.push(e);
  });
  const reconnected = vi.fn();
  hub.onReconnect(reconnected);
  const sent = [testEvent(type, 1), testEvent(type, 2), testEvent(type, 3)];
  await peer.publish('notification', sent[0]!);
  await vi.waitFor(() => expect(received).toEqual(sent.slice(0, 1)), WAIT);

  await disconnect();
  await vi.waitFor(() => expect(hub.isReady()).toBe(false), WAIT);
  await vi.waitFor(() => expect(reconnected).toHaveBeenCalledTimes(1), WAIT);
  expect(hub.isReady()).toBe(true);

  await peer.publish('notification', sent[1]!);
  await hub.publish('notification', sent[2]!);
  await vi.waitFor(() => expect(received).toEqual(sent), WAIT);
}

/** A TCP relay to the broker whose connections the test can cut, as a crashed broker or network would. */
async function startRelay(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port || 5672), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cut = () => sockets.forEach((socket) => socket.destroy());
  return {
    url: sameCredentialsAt('127.0.0.1', (server.address() as AddressInfo).port),
    cut,
    close: () => {
      cut();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const execFileAsync = promisify(execFile);
const rabbitmqctl = async (...args: string[]) =>
  (await execFileAsync('rabbitmqctl', ['-q', ...args], { timeout: 10_000 })).stdout;
/** rabbitmqctl needs to be on PATH and allowed to talk to the broker (its Erlang cookie); often it is not. */
const rabbitmqctlUsable =
  available &&
  (await rabbitmqctl('list_connections', 'pid').then(
    () => true,
    () => {
      console.warn('NOTICE: rabbitmqctl is not usable here; skipping the server-side close test');
      return false;
    },
  ));

describe.runIf(available)('RabbitMqEventHub', () => {
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((hub) => hub.close()));
  });

  eventHubContract(
    'RabbitMqEventHub',
    async ({ onHandlerError }) => [
      await connectHub({ onHandlerError }),
      await connectHub({ onHandlerError }),
    ],
    { deleteGroup: (topic, group) => deleteQueue(`portcullis.${topic}:${group}`) },
  );

  it('rejects within the timeout, naming the brokers without their password, when none is reachable', async () => {
    const started = Date.now();
    const connecting = connectHub({
      brokers: [
        'amqp://portcullis:not-the-real-password@127.0.0.1:1',
        'amqp://portcullis:not-the-real-password@127.0.0.1:2',
      ],
      connectTimeoutMs: 1500,
    });
    const error = await connecting.then(
      () => expect.fail('connected to an unreachable broker'),
      (err: unknown) => err,
    );
    expect(Date.now() - started).toBeLessThan(1500 + 1000);
    expect(error).toBeInstanceOf(Error);
    const { message } = error as Error;
    expect(message).toContain('amqp://portcullis:***@127.0.0.1:1');
    expect(message).toContain('127.0.0.1:2');
    expect(message).toMatch(/within 1500 ms/);
    expect(message).not.toContain('not-the-real-password');
  });

  it('refuses brokers that do not share credentials, since the client uses one set for all', async () => {
    await expect(
      connectHub({ brokers: ['amqp://a:pw-one@127.0.0.1:5672', 'amqp://a:pw-two@127.0.0.1:5673'] }),
    ).rejects.toThrow(/share/);
  });

  it('fails over to the next broker when the first is unreachable', async () => {
    const hub = await connectHub({ brokers: [sameCredentialsAt('127.0.0.1', 1), RABBITMQ_URL] });
    expect(hub.isReady()).toBe(true);
    const type = `FAILOVER_TEST_${randomUUID()}`;
    const received: HubEvent[] = [];
    await hub.subscribe('notification', (e) => {
      if (e.type === type) received.push(e);
    });
    const sent = testEvent(type, 1);
    await hub.publish('notification', sent);
    await vi.waitFor(() => expect(received).toEqual([sent]), WAIT);
  });

  it('keeps clusters of different names apart on one broker (event_hub.cluster)', async () => {
    const blue = `blue-${randomUUID().slice(0, 8)}`;
    const [blueA, blueB, green] = await Promise.all([
      connectHub({ cluster: blue }),
      connectHub({ cluster: blue }),
      connectHub({ cluster: `green-${randomUUID().slice(0, 8)}` }),
    ]);
    const type = `CLUSTER_TEST_${randomUUID()}`;
    const seen = { blueB: [] as HubEvent[], green: [] as HubEvent[] };
    await blueB.subscribe('throttleData', (e) => void (e.type === type && seen.blueB.push(e)));
    await green.subscribe('throttleData', (e) => void (e.type === type && seen.green.push(e)));
    const fromBlue = testEvent(type, 1);
    const fromGreen = testEvent(type, 2);
    await blueA.publish('throttleData', fromBlue);
    await green.publish('throttleData', fromGreen);
    await vi.waitFor(() => expect(seen.blueB).toEqual([fromBlue]), WAIT);
    await vi.waitFor(() => expect(seen.green).toEqual([fromGreen]), WAIT);
    // Whatever was still on its way had time to arrive: nothing crossed over.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual({ blueB: [fromBlue], green: [fromGreen] });
  });

  it('drops and logs, without their contents, messages that are not events', async () => {
    const hub = await connectHub();
    const type = `INVALID_TEST_${randomUUID()}`;
    const received: HubEvent[] = [];
    await hub.subscribe('notification', (e) => {
      if (e.type === type) received.push(e);
    });
    const raw = new Connection(RABBITMQ_URL);
    const publisher = raw.createPublisher({ confirm: true });
    const invalidIds = [`invalid-${randomUUID()}`, `invalid-${randomUUID()}`];
    try {
      await publisher.send(
        { exchange: 'portcullis.notification', messageId: invalidIds[0] },
        { type, secret: 'payload-secret-value' },
      );
      await publisher.send({ exchange: 'portcullis.notification', messageId: invalidIds[1] }, 'not json');
    } finally {
      await publisher.close();
      await raw.close();
    }
    const valid = testEvent(type, 1);
    await hub.publish('notification', valid);
    await vi.waitFor(() => expect(received).toEqual([valid]), WAIT);
    const dropped = logLines.filter((line) => invalidIds.some((id) => line.includes(id)));
    expect(dropped).toHaveLength(2);
    expect(dropped.every((line) => line.includes('Dropped an event'))).toBe(true);
    expect(dropped.join('\n')).not.toContain('payload-secret-value');
  });

  it('recovers after the connection is cut: tells onReconnect listeners, is ready and delivers again', async () => {
    const relay = await startRelay(RABBITMQ_URL);
    try {
      const hub = await connectHub({ brokers: [relay.url] });
      const peer = await connectHub();
      await expectRecovery(hub, peer, async () => relay.cut());
    } finally {
      await Promise.all(opened.splice(0).map((hub) => hub.close()));
      await relay.close();
    }
  });

  it('closes within the timeout when the connection drops while it closes', async () => {
    const relay = await startRelay(RABBITMQ_URL);
    try {
      const hub = await connectHub({ brokers: [relay.url], connectTimeoutMs: 1000 });
      await hub.subscribe('notification', () => undefined);
      const started = Date.now();
      relay.cut();
      await hub.close();
      expect(Date.now() - started).toBeLessThan(1000 + 500);
      expect(hub.isReady()).toBe(false);
    } finally {
      await relay.close();
    }
  });

  it.runIf(rabbitmqctlUsable)('recovers after the broker closes its connection', async () => {
    const id = nodeId();
    const hub = await connectHub({ nodeId: id });
    const peer = await connectHub();
    await expectRecovery(hub, peer, async () => {
      // Only this hub's connection: closing all would disturb other suites using the broker.
      const connections = await rabbitmqctl(
        'list_connections',
        '--no-table-headers',
        'pid',
        'client_properties',
      );
      const ours = connections.split('\n').find((line) => line.includes(`"portcullis.${id}"`));
      if (!ours) throw new Error(`rabbitmqctl does not list the connection portcullis.${id}`);
      await rabbitmqctl('close_connection', ours.split('\t')[0]!, 'event hub recovery test');
    });
  });

  it("keeps a group's events while no member runs, for the next member on any node", async () => {
    const group = `kept-${randomUUID()}`;
    const type = `GROUP_TEST_${randomUUID()}`;
    try {
      const [first, publisher] = await Promise.all([connectHub(), connectHub()]);
      // The queue is declared by the first member and outlives it.
      await (await first.subscribe('requests', () => undefined, { group })).unsubscribe();
      await first.close();
      const sent = [testEvent(type, 1), testEvent(type, 2)];
      for (const e of sent) await publisher.publish('requests', e);
      const later = await connectHub();
      const received: HubEvent[] = [];
      await later.subscribe('requests', (e) => void (e.type === type && received.push(e)), { group });
      await vi.waitFor(() => expect(received).toEqual(sent), WAIT);
    } finally {
      await deleteQueue(`portcullis.requests:${group}`);
    }
  });

  it('is what createEventHub makes for type rabbitmq', async () => {
    const hub = await createEventHub({ type: 'rabbitmq', brokers: [RABBITMQ_URL], nodeId: nodeId(), logger });
    opened.push(hub);
    expect(hub).toBeInstanceOf(RabbitMqEventHub);
    expect(hub.isReady()).toBe(true);
  });

  it('never logged a password (runs last, over the logs of all the tests above)', () => {
    expect(logLines.length).toBeGreaterThan(0);
    const leaks = logLines.filter(
      (line) =>
        line.includes(`:${new URL(RABBITMQ_URL).password}@`) ||
        /not-the-real-password|pw-one|pw-two/.test(line),
    );
    expect(leaks).toEqual([]);
  });
});
