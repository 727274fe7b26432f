/**
 * GET /throttling-policies/{policyLevel} of the Developer Portal: the application and subscription policies
 * consumers choose from, in WSO2's ThrottlingPolicy shape (unitTime in milliseconds), to anyone.
 */
import { expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { useDevportalNode, type Json } from './devportal-client.js';

const TEMPLATE = '/throttling-policies/{policyLevel}';

describeEachEngine('devportal throttling policies', (engine) => {
  const ctx = useDevportalNode(engine);

  it('lists the application policies, the defaults included', async () => {
    const reply = await ctx.anonymous.call('GET', '/throttling-policies/application', TEMPLATE);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const tenPerMin = reply.body.list.find((p: Json) => p.name === '10PerMin');
    expect(tenPerMin).toMatchObject({
      policyLevel: 'application',
      quotaPolicyType: 'REQUESTCOUNT',
      requestCount: 10,
      unitTime: 60_000,
      timeUnit: 'min',
      tierPlan: 'FREE',
    });
    expect(reply.body.list.map((p: Json) => p.name)).toContain('Unlimited');
  });

  it('lists the subscription policies, with limit and offset', async () => {
    const all = await ctx.portal.call('GET', '/throttling-policies/subscription', TEMPLATE);
    expect(all.status).toBe(200);
    expect(all.body.list.map((p: Json) => p.name)).toEqual(expect.arrayContaining(['Gold', 'Unlimited']));
    expect(all.body.list.every((p: Json) => p.policyLevel === 'subscription')).toBe(true);
    const page = await ctx.portal.call('GET', '/throttling-policies/subscription?limit=1&offset=1', TEMPLATE);
    expect(page.body.count).toBe(1);
    expect(page.body.list[0].name).toBe(all.body.list[1].name);
    expect(page.body.pagination.total).toBe(all.body.count);
  });

  it('an unknown level is a 400', async () => {
    const reply = await ctx.anonymous.call('GET', '/throttling-policies/advanced', TEMPLATE);
    expect(reply.status).toBe(400);
  });
});
