/**
 * What the Developer Portal announces on `notification` for gateways: APPLICATION_CREATE|UPDATE|DELETE,
 * APPLICATION_REGISTRATION_CREATE and REMOVE_APPLICATION_KEYMAPPING for keys, SUBSCRIPTIONS_CREATE|UPDATE|
 * DELETE, each with its payload. Observed over RabbitMQ by a hub of our own; other suites may share the
 * broker, so events are picked by type and by the (unique) application ids made here.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitMqEventHub } from '../../src/events/rabbitmq.js';
import type { HubEvent } from '../../src/events/topics.js';
import { createLogger } from '../../src/platform/logger.js';
import { RABBITMQ_URL, rabbitmqAvailable } from '../support/services.js';
import { expectError, useDevportalNode, type Json } from './devportal-client.js';

const available = await rabbitmqAvailable();

describe.runIf(available)('devportal events on notification (RabbitMQ)', () => {
  let observer: RabbitMqEventHub;
  const events: HubEvent[] = [];

  beforeAll(async () => {
    observer = await RabbitMqEventHub.connect({
      brokers: [RABBITMQ_URL],
      nodeId: `devportal-events-observer-${randomBytes(4).toString('hex')}`,
      logger: createLogger('silent'),
    });
    await observer.subscribe('notification', (event) => void events.push(event));
  });
  const ctx = useDevportalNode(undefined, {
    PORTCULLIS_EVENT_HUB__TYPE: 'rabbitmq',
    PORTCULLIS_EVENT_HUB__BROKERS: RABBITMQ_URL,
  });
  afterAll(async () => {
    await observer?.close();
  });

  const payloads = (type: string, applicationId: string) =>
    events
      .filter((e) => e.type === type && e.payload['applicationId'] === applicationId)
      .map((e) => e.payload);

  /** Waits until `count` events of `type` for the application have arrived, and returns their payloads. */
  async function arrived(type: string, applicationId: string, count: number) {
    await expect
      .poll(() => payloads(type, applicationId).length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(count);
    return payloads(type, applicationId);
  }

  it('applications: APPLICATION_CREATE, APPLICATION_UPDATE, APPLICATION_DELETE', async () => {
    const { portal, credentials } = await ctx.newUser();
    const app = await portal.createdApp({ throttlingPolicy: '10PerMin' });
    const id = app.applicationId;
    const payload = (changes: Json = {}) => ({
      applicationId: id,
      name: app.name,
      owner: credentials.username,
      throttlingPolicy: '10PerMin',
      tokenType: 'JWT',
      ...changes,
    });
    expect(await arrived('APPLICATION_CREATE', id, 1)).toEqual([payload()]);
    const event = events.find((e) => e.type === 'APPLICATION_CREATE' && e.payload['applicationId'] === id);
    expect(event).toMatchObject({ id: expect.any(String), timestamp: expect.any(Number) });

    const changes = { name: `${app.name}-2`, throttlingPolicy: '50PerMin', tokenType: 'OAUTH' };
    expect((await portal.updateApp(id, changes)).status).toBe(200);
    expect(await arrived('APPLICATION_UPDATE', id, 1)).toEqual([payload(changes)]);

    expect((await portal.deleteApp(id)).status).toBe(200);
    expect(await arrived('APPLICATION_DELETE', id, 1)).toEqual([payload(changes)]);
    expect(payloads('APPLICATION_CREATE', id)).toHaveLength(1);
    expect(payloads('APPLICATION_UPDATE', id)).toHaveLength(1);
  });

  it('keys: APPLICATION_REGISTRATION_CREATE and REMOVE_APPLICATION_KEYMAPPING', async () => {
    const { portal } = await ctx.newUser();
    const app = await portal.createdApp();
    const id = app.applicationId;
    const mapping = (key: Json) => ({
      applicationId: id,
      keyMappingId: key.keyMappingId,
      consumerKey: key.consumerKey,
      keyType: key.keyType,
    });
    const production = await portal.generatedKeys(id);
    const sandbox = await portal.generatedKeys(id, { keyType: 'SANDBOX' });
    const created = await arrived('APPLICATION_REGISTRATION_CREATE', id, 2);
    expect(created).toEqual([mapping(production), mapping(sandbox)]);

    expect((await portal.deleteKey(id, production.keyMappingId)).status).toBe(200);
    expect(await arrived('REMOVE_APPLICATION_KEYMAPPING', id, 1)).toEqual([mapping(production)]);

    // Deleting the application removes the remaining mapping, then the application.
    expect((await portal.deleteApp(id)).status).toBe(200);
    expect(await arrived('REMOVE_APPLICATION_KEYMAPPING', id, 2)).toEqual([
      mapping(production),
      mapping(sandbox),
    ]);
    await arrived('APPLICATION_DELETE', id, 1);
    const order = events
      .filter((e) => e.payload['applicationId'] === id)
      .map((e) => e.type)
      .filter((type) => type === 'REMOVE_APPLICATION_KEYMAPPING' || type === 'APPLICATION_DELETE');
    expect(order).toEqual([
      'REMOVE_APPLICATION_KEYMAPPING',
      'REMOVE_APPLICATION_KEYMAPPING',
      'APPLICATION_DELETE',
    ]);
  });

  it('subscriptions: SUBSCRIPTIONS_CREATE, SUBSCRIPTIONS_UPDATE, SUBSCRIPTIONS_DELETE', async () => {
    const { portal } = await ctx.newUser();
    const api = await ctx.deployedApi({ policies: ['Gold', 'Bronze'] });
    const app = await portal.createdApp();
    const id = app.applicationId;
    const subscription = await portal.subscribed(id, api.id, 'Gold');
    const payload = (throttlingPolicy: string) => ({
      subscriptionId: subscription.subscriptionId,
      applicationId: id,
      apiId: api.id,
      throttlingPolicy,
      status: 'UNBLOCKED',
    });
    expect(await arrived('SUBSCRIPTIONS_CREATE', id, 1)).toEqual([payload('Gold')]);

    const body = { applicationId: id, apiId: api.id, throttlingPolicy: 'Bronze' };
    expect((await portal.updateSubscription(subscription.subscriptionId, body)).status).toBe(200);
    expect(await arrived('SUBSCRIPTIONS_UPDATE', id, 1)).toEqual([payload('Bronze')]);

    expect((await portal.deleteSubscription(subscription.subscriptionId)).status).toBe(200);
    expect(await arrived('SUBSCRIPTIONS_DELETE', id, 1)).toEqual([payload('Bronze')]);
  });

  it('refused changes announce nothing', async () => {
    const { portal } = await ctx.newUser();
    const api = await ctx.deployedApi();
    const app = await portal.createdApp();
    const id = app.applicationId;
    const key = await portal.generatedKeys(id);
    const subscription = await portal.subscribed(id, api.id, 'Gold');
    await arrived('SUBSCRIPTIONS_CREATE', id, 1);

    expectError(await portal.createApp({ name: app.name, throttlingPolicy: '10PerMin' }), 409, 409);
    expectError(await portal.updateApp(id, { name: app.name, throttlingPolicy: 'NoSuchPolicy' }), 400, 400);
    expectError(
      await portal.generateKeys(id, {
        keyType: 'PRODUCTION',
        grantTypesToBeSupported: ['client_credentials'],
      }),
      409,
      409,
    );
    expectError(
      await portal.subscribe({ applicationId: id, apiId: api.id, throttlingPolicy: 'Gold' }),
      409,
      409,
    );
    const body = { applicationId: id, apiId: api.id, throttlingPolicy: 'Silver' };
    expectError(await portal.updateSubscription(subscription.subscriptionId, body), 400, 400);
    const other = (await ctx.newUser()).portal;
    expectError(await other.deleteApp(id), 404, 404);
    expectError(await other.deleteKey(id, key.keyMappingId), 404, 404);
    expectError(await other.deleteSubscription(subscription.subscriptionId), 404, 404);

    // Events of one node arrive in order: once this delete is seen, any event of the refused calls would be too.
    expect((await portal.deleteSubscription(subscription.subscriptionId)).status).toBe(200);
    await arrived('SUBSCRIPTIONS_DELETE', id, 1);
    const seen = events.filter((e) => e.payload['applicationId'] === id).map((e) => e.type);
    expect(seen).toEqual([
      'APPLICATION_CREATE',
      'APPLICATION_REGISTRATION_CREATE',
      'SUBSCRIPTIONS_CREATE',
      'SUBSCRIPTIONS_DELETE',
    ]);
  });
});
