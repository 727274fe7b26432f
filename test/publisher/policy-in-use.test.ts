/** A throttling policy that APIs refer to cannot be deleted (409 naming them), as in WSO2. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectError } from './admin-client.js';
import { apiName, startPublisherNode, type PublisherContext } from './apis-client.js';

let ctx: PublisherContext;

beforeAll(async () => {
  ctx = await startPublisherNode('sqlite');
}, 120_000);
afterAll(async () => {
  await ctx?.close();
});

const limit = { type: 'REQUESTCOUNTLIMIT', requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 7 } };

it('refuses to delete a subscription or advanced policy an API uses, and allows it once unused', async () => {
  const tier = (
    await ctx.api.post('/throttling/policies/subscription', {
      policyName: apiName('Tier'),
      defaultLimit: limit,
    })
  ).body;
  const advanced = (
    await ctx.api.post('/throttling/policies/advanced', { policyName: apiName('Adv'), defaultLimit: limit })
  ).body;
  const name = apiName('UsesPolicies');
  const created = await ctx.apis.call('POST', '/apis', {
    body: {
      name,
      context: `/${name.toLowerCase()}`,
      version: '1.0',
      policies: [tier.policyName],
      operations: [{ target: '/x', verb: 'GET', throttlingPolicy: advanced.policyName }],
    },
  });
  expect(created.status).toBe(201);

  const template = '/throttling/policies/subscription/{policyId}';
  expectError(
    await ctx.api.delete(`/throttling/policies/subscription/${tier.policyId}`, template),
    409,
    409,
    name,
  );
  expectError(
    await ctx.api.delete(
      `/throttling/policies/advanced/${advanced.policyId}`,
      '/throttling/policies/advanced/{policyId}',
    ),
    409,
    409,
    name,
  );

  const api = created.body;
  const updated = await ctx.apis.call('PUT', `/apis/${api.id}`, {
    template: '/apis/{apiId}',
    body: {
      ...api,
      policies: [],
      operations: [{ target: '/x', verb: 'GET', throttlingPolicy: 'Unlimited' }],
    },
  });
  expect(updated.status).toBe(200);
  expect((await ctx.api.delete(`/throttling/policies/subscription/${tier.policyId}`, template)).status).toBe(
    200,
  );
});
