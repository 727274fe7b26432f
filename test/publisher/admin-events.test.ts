/**
 * Every change made through the Admin REST API is announced on the `notification` topic, as WSO2's
 * POLICY_* and ENVIRONMENT_* events. Observed over RabbitMQ by a hub of our own; other suites may share the
 * broker, so events are picked by type and by the (unique) names created here.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitMqEventHub } from '../../src/events/rabbitmq.js';
import type { HubEvent } from '../../src/events/topics.js';
import { createLogger } from '../../src/platform/logger.js';
import { RABBITMQ_URL, rabbitmqAvailable } from '../support/services.js';
import { startAdminNode, uniqueName, type AdminContext, type Json } from './admin-client.js';

const available = await rabbitmqAvailable();

const limit = (requestCount: number) => ({
  type: 'REQUESTCOUNTLIMIT',
  requestCount: { timeUnit: 'min', unitTime: 1, requestCount },
});

describe.runIf(available)('Admin API events on notification (RabbitMQ)', () => {
  let ctx: AdminContext;
  let observer: RabbitMqEventHub;
  const events: HubEvent[] = [];

  beforeAll(async () => {
    observer = await RabbitMqEventHub.connect({
      brokers: [RABBITMQ_URL],
      nodeId: `admin-events-observer-${randomBytes(4).toString('hex')}`,
      logger: createLogger('silent'),
    });
    await observer.subscribe('notification', (event) => void events.push(event));
    ctx = await startAdminNode('sqlite', {
      PORTCULLIS_EVENT_HUB__TYPE: 'rabbitmq',
      PORTCULLIS_EVENT_HUB__BROKERS: RABBITMQ_URL,
    });
  });

  afterAll(async () => {
    await ctx?.close();
    await observer?.close();
  });

  const matching = (type: string, key: string, value: string) =>
    events.filter((e) => e.type === type && e.payload[key] === value);

  /** Waits for exactly one event of `type` whose payload[key] is `value`, and returns it. */
  async function one(type: string, key: string, value: string): Promise<HubEvent> {
    await expect.poll(() => matching(type, key, value).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const found = matching(type, key, value);
    expect(found, `${type} events for ${value}`).toHaveLength(1);
    return found[0] as HubEvent;
  }

  const kinds = [
    ['application', 'APPLICATION', {}],
    ['subscription', 'SUBSCRIPTION', { billingPlan: 'FREE' }],
    ['advanced', 'API', {}],
  ] as const;

  it.each(kinds)(
    '%s policies: POLICY_CREATE, POLICY_UPDATE, POLICY_DELETE',
    async (kind, policyType, extra) => {
      const base = `/throttling/policies/${kind}`;
      const template = `${base}/{policyId}`;
      const policyName = uniqueName(kind.slice(0, 3));
      const created = await ctx.api.post(base, { policyName, defaultLimit: limit(10), ...extra });
      expect(created.status).toBe(201);
      const policyId = created.body.policyId as string;
      const expected = { policyId, policyName, policyType };

      const create = await one('POLICY_CREATE', 'policyName', policyName);
      expect(create.payload).toEqual(expected);
      expect(create).toMatchObject({ id: expect.any(String), timestamp: expect.any(Number) });

      const updated = await ctx.api.put(
        `${base}/${policyId}`,
        { ...created.body, defaultLimit: limit(20) },
        template,
      );
      expect(updated.status).toBe(200);
      expect((await one('POLICY_UPDATE', 'policyName', policyName)).payload).toEqual(expected);

      expect((await ctx.api.delete(`${base}/${policyId}`, template)).status).toBe(200);
      expect((await one('POLICY_DELETE', 'policyName', policyName)).payload).toEqual(expected);
    },
  );

  it('environments: ENVIRONMENT_CREATE, ENVIRONMENT_UPDATE, ENVIRONMENT_DELETE', async () => {
    const name = uniqueName('env');
    const created = await ctx.api.post('/environments', { name, vhosts: [{ host: 'gw.example.com' }] });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    expect((await one('ENVIRONMENT_CREATE', 'name', name)).payload).toEqual({ id, name });
    const changed = { ...created.body, displayName: 'Changed', vhosts: [{ host: 'gw2.example.com' }] };
    expect((await ctx.api.put(`/environments/${id}`, changed, '/environments/{environmentId}')).status).toBe(
      200,
    );
    expect((await one('ENVIRONMENT_UPDATE', 'name', name)).payload).toEqual({ id, name });
    expect((await ctx.api.delete(`/environments/${id}`, '/environments/{environmentId}')).status).toBe(200);
    expect((await one('ENVIRONMENT_DELETE', 'name', name)).payload).toEqual({ id, name });
  });

  it('refused changes announce nothing', async () => {
    const base = '/throttling/policies/application';
    const template = `${base}/{policyId}`;
    const policyName = uniqueName('quiet');
    const created = await ctx.api.post(base, { policyName, defaultLimit: limit(10) });
    await one('POLICY_CREATE', 'policyName', policyName);
    const id = created.body.policyId as string;

    const renamed = { ...created.body, policyName: uniqueName('other') };
    expect((await ctx.api.put(`${base}/${id}`, renamed, template)).status).toBe(400);
    expect((await ctx.api.post(base, { policyName, defaultLimit: limit(1) })).status).toBe(409);
    const unlimited = (await ctx.api.get(base)).body.list.find((p: Json) => p.policyName === 'Unlimited');
    expect((await ctx.api.delete(`${base}/${unlimited.policyId}`, template)).status).toBe(409);

    // Events of one node arrive in order: once this delete is seen, any event of the refused calls would be too.
    expect((await ctx.api.delete(`${base}/${id}`, template)).status).toBe(200);
    await one('POLICY_DELETE', 'policyName', policyName);
    expect(matching('POLICY_UPDATE', 'policyId', id)).toEqual([]);
    expect(matching('POLICY_CREATE', 'policyName', policyName)).toHaveLength(1);
    expect(matching('POLICY_DELETE', 'policyId', unlimited.policyId)).toEqual([]);
  });
});
