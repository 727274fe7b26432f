/**
 * Every change of an API through the publisher API is announced on `notification` as WSO2's API_CREATE,
 * API_UPDATE, API_LIFECYCLE_CHANGE and API_DELETE. Observed over RabbitMQ by a hub of our own; other suites
 * may share the broker, so events are picked by type and by the id of the API created here.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitMqEventHub } from '../../src/events/rabbitmq.js';
import type { HubEvent } from '../../src/events/topics.js';
import { createLogger } from '../../src/platform/logger.js';
import { RABBITMQ_URL, rabbitmqAvailable } from '../support/services.js';
import { publishableApi, startPublisherNode, type PublisherContext } from './apis-client.js';

const available = await rabbitmqAvailable();

describe.runIf(available)('publisher API events on notification (RabbitMQ)', () => {
  let ctx: PublisherContext;
  let observer: RabbitMqEventHub;
  const events: HubEvent[] = [];

  beforeAll(async () => {
    observer = await RabbitMqEventHub.connect({
      brokers: [RABBITMQ_URL],
      nodeId: `apis-events-observer-${randomBytes(4).toString('hex')}`,
      logger: createLogger('silent'),
    });
    await observer.subscribe('notification', (event) => void events.push(event));
    ctx = await startPublisherNode('sqlite', {
      PORTCULLIS_EVENT_HUB__TYPE: 'rabbitmq',
      PORTCULLIS_EVENT_HUB__BROKERS: RABBITMQ_URL,
    });
  });

  afterAll(async () => {
    await ctx?.close();
    await observer?.close();
  });

  const of = (apiId: string) => events.filter((e) => e.payload['apiId'] === apiId);
  /** Waits until the API has `count` events and returns their types, in the order received. */
  async function eventsOf(apiId: string, count: number): Promise<HubEvent[]> {
    await expect.poll(() => of(apiId).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
    return of(apiId);
  }

  it('create, update, each lifecycle change and delete publish their event', async () => {
    const created = await ctx.apis.created(publishableApi());
    const { id: apiId, name, version, context } = created;
    const about = { apiId, name, version, context, provider: 'admin' };

    const [create] = await eventsOf(apiId, 1);
    expect(create).toMatchObject({
      id: expect.any(String),
      type: 'API_CREATE',
      timestamp: expect.any(Number),
      payload: { ...about, lifecycleStatus: 'CREATED' },
    });

    expect((await ctx.apis.update(apiId, { ...created, description: 'changed' })).status).toBe(200);
    await ctx.apis.move(apiId, 'Publish', 'Block');
    expect((await ctx.apis.delete(apiId)).status).toBe(200);

    const all = await eventsOf(apiId, 5);
    expect(all.map((e) => e.type)).toEqual([
      'API_CREATE',
      'API_UPDATE',
      'API_LIFECYCLE_CHANGE',
      'API_LIFECYCLE_CHANGE',
      'API_DELETE',
    ]);
    expect(all.map((e) => e.payload)).toEqual([
      { ...about, lifecycleStatus: 'CREATED' },
      { ...about, lifecycleStatus: 'CREATED' },
      { ...about, lifecycleStatus: 'PUBLISHED', previousStatus: 'CREATED', action: 'Publish' },
      { ...about, lifecycleStatus: 'BLOCKED', previousStatus: 'PUBLISHED', action: 'Block' },
      { ...about, lifecycleStatus: 'BLOCKED' },
    ]);
    expect(new Set(all.map((e) => e.id)).size).toBe(5);
  });

  it('refused changes announce nothing', async () => {
    const created = await ctx.apis.created(publishableApi({ policies: [] }));
    const apiId = created.id as string;
    expect((await ctx.apis.update(apiId, { ...created, version: '9.9.9' })).status).toBe(400);
    expect((await ctx.apis.update(apiId, { ...created, policies: ['Nope'] })).status).toBe(400);
    expect((await ctx.apis.changeLifecycle(apiId, 'Publish')).status).toBe(400);
    expect((await ctx.apis.changeLifecycle(apiId, 'Retire')).status).toBe(400);
    expect((await ctx.apis.create({ ...publishableApi(), name: created.name })).status).toBe(409);
    // Events of one node arrive in order: once this delete is seen, any event of the refused calls would be too.
    expect((await ctx.apis.delete(apiId)).status).toBe(200);
    const all = await eventsOf(apiId, 2);
    expect(all.map((e) => e.type)).toEqual(['API_CREATE', 'API_DELETE']);
  });
});
