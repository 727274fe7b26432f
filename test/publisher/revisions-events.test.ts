/**
 * Deploying and undeploying revisions announce DEPLOY_API_IN_GATEWAY and REMOVE_API_FROM_GATEWAY on
 * `notification`, with `{apiId, revisionId, environment, vhost}`. Observed over RabbitMQ by a hub of our
 * own; other suites may share the broker, so events are picked by type and by the (unique) API ids made here.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitMqEventHub } from '../../src/events/rabbitmq.js';
import type { HubEvent } from '../../src/events/topics.js';
import { createLogger } from '../../src/platform/logger.js';
import { RABBITMQ_URL, rabbitmqAvailable } from '../support/services.js';
import { expectError, startPublisherNode, type PublisherContext } from './apis-client.js';
import { Revisions, newApi, newEnvironment } from './revisions-client.js';

const available = await rabbitmqAvailable();

const DEPLOY = 'DEPLOY_API_IN_GATEWAY';
const REMOVE = 'REMOVE_API_FROM_GATEWAY';

describe.runIf(available)('revision deployment events on notification (RabbitMQ)', () => {
  let ctx: PublisherContext;
  let revisions: Revisions;
  let observer: RabbitMqEventHub;
  const events: HubEvent[] = [];

  beforeAll(async () => {
    observer = await RabbitMqEventHub.connect({
      brokers: [RABBITMQ_URL],
      nodeId: `revisions-events-observer-${randomBytes(4).toString('hex')}`,
      logger: createLogger('silent'),
    });
    await observer.subscribe('notification', (event) => void events.push(event));
    ctx = await startPublisherNode('sqlite', {
      PORTCULLIS_EVENT_HUB__TYPE: 'rabbitmq',
      PORTCULLIS_EVENT_HUB__BROKERS: RABBITMQ_URL,
    });
    revisions = new Revisions(ctx.apis);
  });

  afterAll(async () => {
    await ctx?.close();
    await observer?.close();
  });

  const payloads = (type: string, apiId: string) =>
    events.filter((e) => e.type === type && e.payload['apiId'] === apiId).map((e) => e.payload);

  /** Waits until `count` events of `type` for the API have arrived, and returns their payloads. */
  async function arrived(type: string, apiId: string, count: number) {
    await expect.poll(() => payloads(type, apiId).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
    return payloads(type, apiId);
  }

  const sorted = <T extends Record<string, unknown>>(list: T[]) =>
    [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

  it('each deploy and undeploy publishes its event, with the payload', async () => {
    const api = await newApi(ctx, 'evt');
    const r1 = (await revisions.created(api.id, 'one')).id as string;
    const r2 = (await revisions.created(api.id, 'two')).id as string;
    const env = await newEnvironment(ctx, ['events.example.com']);
    const at = (revisionId: string, environment: string, vhost: string) => ({
      apiId: api.id,
      revisionId,
      environment,
      vhost,
    });

    await revisions.deployed(api.id, r1, [{ name: 'Default' }, { name: env.name }]);
    const deployed = await arrived(DEPLOY, api.id, 2);
    expect(sorted(deployed)).toEqual(
      sorted([at(r1, 'Default', 'localhost'), at(r1, env.name, 'events.example.com')]),
    );
    const event = events.find((e) => e.type === DEPLOY && e.payload['apiId'] === api.id) as HubEvent;
    expect(event).toMatchObject({ id: expect.any(String), timestamp: expect.any(Number) });

    // Replacing the revision on Default announces the new deployment.
    await revisions.deployed(api.id, r2, [{ name: 'Default' }]);
    expect((await arrived(DEPLOY, api.id, 3))[2]).toEqual(at(r2, 'Default', 'localhost'));

    await revisions.undeployed(api.id, r1, [{ name: env.name }]);
    expect(await arrived(REMOVE, api.id, 1)).toEqual([at(r1, env.name, 'events.example.com')]);

    await revisions.deployed(api.id, r1, [{ name: env.name }]);
    expect((await arrived(DEPLOY, api.id, 4))[3]).toEqual(at(r1, env.name, 'events.example.com'));
    await revisions.undeployed(api.id, r1, [], true);
    expect((await arrived(REMOVE, api.id, 2))[1]).toEqual(at(r1, env.name, 'events.example.com'));

    await revisions.undeployed(api.id, r2, [{ name: 'Default' }]);
    expect((await arrived(REMOVE, api.id, 3))[2]).toEqual(at(r2, 'Default', 'localhost'));

    // A refused deploy or undeploy announces nothing; the next accepted call's event comes after.
    expectError(await revisions.deploy(api.id, r1, [{ name: 'Nowhere' }]), 400, 400);
    expectError(await revisions.undeploy(api.id, r1, [{ name: 'Default' }]), 400, 400);
    await revisions.deployed(api.id, r1, [{ name: 'Default' }]);
    expect((await arrived(DEPLOY, api.id, 5))[4]).toEqual(at(r1, 'Default', 'localhost'));
    await revisions.undeployed(api.id, r1, [{ name: 'Default' }]);
    expect(await arrived(REMOVE, api.id, 4)).toHaveLength(4);
    expect(payloads(DEPLOY, api.id)).toHaveLength(5);
  });

  it('retiring an API publishes REMOVE_API_FROM_GATEWAY for each environment it ran on', async () => {
    const api = await newApi(ctx, 'evt');
    const r1 = (await revisions.created(api.id)).id as string;
    const env = await newEnvironment(ctx, ['retire.example.com']);
    await revisions.deployed(api.id, r1, [{ name: 'Default' }, { name: env.name }]);
    await arrived(DEPLOY, api.id, 2);

    await ctx.apis.move(api.id, 'Publish', 'Deprecate', 'Retire');
    expect(sorted(await arrived(REMOVE, api.id, 2))).toEqual(
      sorted([
        { apiId: api.id, revisionId: r1, environment: 'Default', vhost: 'localhost' },
        { apiId: api.id, revisionId: r1, environment: env.name, vhost: 'retire.example.com' },
      ]),
    );
  });

  it('deleting an API publishes REMOVE_API_FROM_GATEWAY for each environment it ran on', async () => {
    const api = await newApi(ctx, 'evt');
    const r1 = (await revisions.created(api.id)).id as string;
    const r2 = (await revisions.created(api.id)).id as string;
    const env = await newEnvironment(ctx, ['delete.example.com']);
    await revisions.deployed(api.id, r1, [{ name: 'Default' }]);
    await revisions.deployed(api.id, r2, [{ name: env.name }]);
    await arrived(DEPLOY, api.id, 2);

    expect((await ctx.apis.delete(api.id)).status).toBe(200);
    expect(sorted(await arrived(REMOVE, api.id, 2))).toEqual(
      sorted([
        { apiId: api.id, revisionId: r1, environment: 'Default', vhost: 'localhost' },
        { apiId: api.id, revisionId: r2, environment: env.name, vhost: 'delete.example.com' },
      ]),
    );
  });
});
