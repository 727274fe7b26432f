/**
 * publisher.environments: the gateway environments the configuration defines exist from the first start
 * (instead of Default) with the configured vhost, are read-only in the Admin API (PUT and DELETE are 409s
 * naming publisher.environments) and take deployments; one created through the Admin API stays editable.
 * A restart with a changed host updates the stored environment in place (same id) and announces
 * ENVIRONMENT_UPDATE on the notification topic; a restart with the same configuration announces nothing.
 * Runs on one SQLite file across restarts; events are observed over RabbitMQ, on a cluster of its own.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitMqEventHub } from '../../src/events/rabbitmq.js';
import type { HubEvent } from '../../src/events/topics.js';
import { createLogger } from '../../src/platform/logger.js';
import { deleteClusterExchanges, uniqueCluster } from '../support/rabbitmq-cluster.js';
import { RABBITMQ_URL, rabbitmqAvailable } from '../support/services.js';
import { useTempDirs } from '../support/temp-dirs.js';
import { expectError, uniqueName, type Json } from './admin-client.js';
import { publishableApi, startPublisherNode, type PublisherContext } from './apis-client.js';
import { Revisions } from './revisions-client.js';

const available = await rabbitmqAvailable();
const tempDir = useTempDirs('configured-env');

const ENVS = '/environments';
const ENV = '/environments/{environmentId}';
const DESCRIPTION = 'Defined in the configuration of the Publisher';

interface Configured {
  name: string;
  display_name?: string;
  host: string;
  http_port?: number;
  https_port?: number;
}

describe.runIf(available)('environments from publisher.environments', () => {
  const cluster = uniqueCluster('configured-env');
  const eu = `eu-${randomBytes(3).toString('hex')}`;
  const us = `us-${randomBytes(3).toString('hex')}`;
  const initial: Configured[] = [
    { name: eu, display_name: 'Europe', host: 'gw.eu.example.com' },
    { name: us, host: 'gw.us.example.com', http_port: 80, https_port: 443 },
  ];
  let databaseUrl: string;
  let ctx: PublisherContext | undefined;
  let observer: RabbitMqEventHub;
  const events: HubEvent[] = [];

  /** (Re)starts the node on the same database with these configured environments. */
  async function restart(environments: Configured[]): Promise<PublisherContext> {
    await ctx?.close();
    ctx = undefined;
    ctx = await startPublisherNode('sqlite', {
      PORTCULLIS_DATABASE__URL: databaseUrl,
      PORTCULLIS_PUBLISHER__ENVIRONMENTS: JSON.stringify(environments),
      // The node's own gateway serves one of them (there is no Default to pull).
      PORTCULLIS_GATEWAY__ENVIRONMENT: eu,
      PORTCULLIS_EVENT_HUB__TYPE: 'rabbitmq',
      PORTCULLIS_EVENT_HUB__BROKERS: RABBITMQ_URL,
      PORTCULLIS_EVENT_HUB__CLUSTER: cluster,
    });
    return ctx;
  }
  const node = () => {
    if (!ctx) throw new Error('no node running');
    return ctx;
  };
  const list = async (): Promise<Json[]> => {
    const reply = await node().api.get(ENVS);
    expect(reply.status).toBe(200);
    return reply.body.list as Json[];
  };
  const byName = async (name: string): Promise<Json> => (await list()).find((e) => e.name === name);
  const updates = (name: string) =>
    events.filter((e) => e.type === 'ENVIRONMENT_UPDATE' && e.payload.name === name);

  /**
   * Creates an environment through the Admin API and waits for its ENVIRONMENT_CREATE: a node's events arrive
   * in order, so anything it announced before (while starting) has arrived by then.
   */
  async function createdAndAnnounced(): Promise<Json> {
    const name = uniqueName('marker');
    const created = await node().api.post(ENVS, { name, vhosts: [{ host: 'marker.example.com' }] });
    expect(created.status).toBe(201);
    await expect
      .poll(() => events.some((e) => e.type === 'ENVIRONMENT_CREATE' && e.payload.name === name), {
        timeout: 10_000,
      })
      .toBe(true);
    return created.body;
  }

  beforeAll(async () => {
    databaseUrl = `sqlite:${path.join(tempDir(), 'portcullis.db')}`;
    observer = await RabbitMqEventHub.connect({
      brokers: [RABBITMQ_URL],
      cluster,
      nodeId: `configured-env-observer-${randomBytes(4).toString('hex')}`,
      logger: createLogger('silent'),
    });
    await observer.subscribe('notification', (event) => void events.push(event));
    await restart(initial);
  });
  afterAll(async () => {
    await ctx?.close();
    await observer?.close();
    await deleteClusterExchanges(cluster);
  });

  it('exist from the first start, with the configured vhost and defaults, read-only; no Default', async () => {
    const environments = await list();
    expect(environments.map((e) => e.name).sort()).toEqual([eu, us].sort());
    expect(await byName(eu)).toEqual({
      id: expect.any(String),
      name: eu,
      displayName: 'Europe',
      description: DESCRIPTION,
      type: 'hybrid',
      provider: 'portcullis',
      gatewayType: 'Regular',
      vhosts: [{ host: 'gw.eu.example.com', httpPort: 8280, httpsPort: 8243 }],
      isReadOnly: true,
    });
    expect(await byName(us)).toMatchObject({
      displayName: us,
      vhosts: [{ host: 'gw.us.example.com', httpPort: 80, httpsPort: 443 }],
      isReadOnly: true,
    });
  });

  it('PUT and DELETE are 409s naming publisher.environments, and change nothing', async () => {
    const before = await byName(eu);
    const changed = { ...before, displayName: 'Changed', vhosts: [{ host: 'other.example.com' }] };
    delete changed.isReadOnly;
    expectError(
      await node().api.put(`${ENVS}/${before.id}`, changed, ENV),
      409,
      409,
      'publisher.environments',
      eu,
    );
    expectError(await node().api.delete(`${ENVS}/${before.id}`, ENV), 409, 409, 'publisher.environments', eu);
    expect(await byName(eu)).toEqual(before);
  });

  it('take deployments on their configured vhost', async () => {
    const revisions = new Revisions(node().apis);
    const api = await node().apis.created(publishableApi());
    const revision = await revisions.created(api.id);
    const deployed = await revisions.deployed(api.id, revision.id, [
      { name: eu, vhost: 'gw.eu.example.com' },
    ]);
    expect(deployed).toMatchObject([{ name: eu, vhost: 'gw.eu.example.com' }]);
  });

  it('one created through the Admin API next to them stays editable', async () => {
    const created = await createdAndAnnounced();
    expect(created.isReadOnly).toBe(false);
    const changed = { ...created, displayName: 'Renamed display' };
    const updated = await node().api.put(`${ENVS}/${created.id}`, changed, ENV);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({ displayName: 'Renamed display', isReadOnly: false });
    expect((await node().api.delete(`${ENVS}/${created.id}`, ENV)).status).toBe(200);
  });

  it('a restart with the same configuration keeps them (same ids) and announces no update', async () => {
    const before = await list();
    await restart(initial);
    await createdAndAnnounced();
    const after = await list();
    for (const environment of before) expect(after).toContainEqual(environment);
    expect(updates(eu)).toEqual([]);
    expect(updates(us)).toEqual([]);
  });

  it('a restart with a changed host updates the stored environment in place and announces ENVIRONMENT_UPDATE', async () => {
    const before = await byName(eu);
    await restart([
      { ...(initial[0] as Configured), host: 'gw2.eu.example.com', https_port: 9443 },
      initial[1] as Configured,
    ]);
    expect(await byName(eu)).toEqual({
      ...before,
      vhosts: [{ host: 'gw2.eu.example.com', httpPort: 8280, httpsPort: 9443 }],
    });
    await expect.poll(() => updates(eu).length, { timeout: 10_000 }).toBe(1);
    expect(updates(eu)[0]?.payload).toEqual({ id: before.id, name: eu });
    await createdAndAnnounced();
    expect(updates(eu)).toHaveLength(1);
    expect(updates(us)).toEqual([]);
  });

  it('one dropped from the configuration stays (deployments refer to it) and becomes editable', async () => {
    const before = await byName(us);
    await restart([initial[0] as Configured]);
    expect(await byName(us)).toEqual({ ...before, isReadOnly: false });
    expect((await byName(eu)).isReadOnly).toBe(true);
  });
});
