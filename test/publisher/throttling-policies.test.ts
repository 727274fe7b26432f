/**
 * Admin REST API v4 throttling policies (application, subscription, advanced): the seeded defaults, CRUD of
 * each kind, and the 400/404/409 cases. Runs on SQLite and on a fresh PostgreSQL database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../support/services.js';
import {
  ADMIN,
  expectError,
  startAdminNode,
  uniqueName,
  type AdminContext,
  type Json,
} from './admin-client.js';

const postgresUp = await postgresAvailable();

const APP = '/throttling/policies/application';
const SUB = '/throttling/policies/subscription';
const ADV = '/throttling/policies/advanced';

const requestCount = (count: number, timeUnit = 'min', unitTime = 1) => ({
  type: 'REQUESTCOUNTLIMIT',
  requestCount: { timeUnit, unitTime, requestCount: count },
});

const appPolicy = (overrides: Json = {}) => ({
  policyName: uniqueName('app'),
  displayName: 'An application policy',
  description: 'for tests',
  defaultLimit: requestCount(30),
  ...overrides,
});

const advancedPolicy = (conditions: Json[], overrides: Json = {}) => ({
  policyName: uniqueName('adv'),
  defaultLimit: requestCount(1000),
  conditionalGroups: [{ description: 'group', conditions, limit: requestCount(10, 'sec') }],
  ...overrides,
});

const ipRange = (startingIP: string, endingIP: string) => ({
  type: 'IPCONDITION',
  ipCondition: { ipConditionType: 'IPRANGE', startingIP, endingIP },
});

describe.each(['sqlite', 'postgres'] as const)('throttling policies [%s]', (engine) => {
  if (engine === 'postgres' && !postgresUp) return;
  let ctx: AdminContext;

  beforeAll(async () => {
    ctx = await startAdminNode(engine);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const names = (body: Json) => (body.list as Json[]).map((p) => p.policyName).sort();

  it('lists the seeded defaults of each kind in a count/list envelope', async () => {
    const sub = await ctx.api.get(SUB);
    expect(sub.status).toBe(200);
    expect(sub.body.count).toBe(sub.body.list.length);
    expect(names(sub.body)).toEqual(['Bronze', 'Gold', 'Silver', 'Unauthenticated', 'Unlimited']);
    const byName = new Map((sub.body.list as Json[]).map((p) => [p.policyName, p]));
    for (const [name, count] of [
      ['Gold', 5000],
      ['Silver', 2000],
      ['Bronze', 1000],
      ['Unauthenticated', 500],
    ]) {
      expect(byName.get(name)).toMatchObject({
        type: 'SubscriptionThrottlePolicy',
        policyId: expect.any(String),
        defaultLimit: requestCount(count as number),
      });
    }
    expect(byName.get('Unlimited').defaultLimit.requestCount.requestCount).toBe(2147483647);

    const app = await ctx.api.get(APP);
    expect(app.status).toBe(200);
    expect(app.body.count).toBe(4);
    expect(names(app.body)).toEqual(['10PerMin', '20PerMin', '50PerMin', 'Unlimited']);
    expect(app.body.list.find((p: Json) => p.policyName === '20PerMin').defaultLimit).toEqual(
      requestCount(20),
    );

    const adv = await ctx.api.get(ADV);
    expect(adv.status).toBe(200);
    expect(adv.body.count).toBe(4);
    expect(names(adv.body)).toEqual(['10KPerMin', '20KPerMin', '50KPerMin', 'Unlimited']);
    expect(adv.body.list.every((p: Json) => p.type === 'AdvancedThrottlePolicy')).toBe(true);
  });

  it('creates an application policy with a bandwidth limit and a burst limit, with a Location header', async () => {
    const policy = appPolicy({
      defaultLimit: {
        type: 'BANDWIDTHLIMIT',
        bandwidth: { timeUnit: 'hour', unitTime: 2, dataAmount: 50, dataUnit: 'MB' },
      },
      burstLimit: { rateLimitCount: 5, rateLimitTimeUnit: 'sec' },
    });
    const created = await ctx.api.post(APP, policy);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...policy,
      type: 'ApplicationThrottlePolicy',
      policyId: expect.any(String),
    });
    expect(created.headers.get('location')).toBe(`${ADMIN}${APP}/${created.body.policyId}`);

    const fetched = await ctx.api.get(`${APP}/${created.body.policyId}`, `${APP}/{policyId}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);
    expect(names((await ctx.api.get(APP)).body)).toContain(policy.policyName);
  });

  it('creates a subscription policy with burst control, custom attributes and billing plan', async () => {
    const policy = {
      policyName: uniqueName('sub'),
      defaultLimit: requestCount(300, 'day', 3),
      rateLimitCount: 10,
      rateLimitTimeUnit: 'min',
      subscriberCount: 7,
      customAttributes: [{ name: 'tier', value: 'platinum' }],
      stopOnQuotaReach: false,
      billingPlan: 'COMMERCIAL',
    };
    const created = await ctx.api.post(SUB, policy);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...policy, type: 'SubscriptionThrottlePolicy' });
    expect(created.headers.get('location')).toBe(`${ADMIN}${SUB}/${created.body.policyId}`);
    const fetched = await ctx.api.get(`${SUB}/${created.body.policyId}`, `${SUB}/{policyId}`);
    expect(fetched.body).toEqual(created.body);
  });

  it('creates an advanced policy with every condition type, IPv4 and IPv6 ranges', async () => {
    const conditions = [
      {
        type: 'IPCONDITION',
        invertCondition: false,
        ipCondition: { ipConditionType: 'IPSPECIFIC', specificIP: '10.1.2.3' },
      },
      ipRange('192.168.1.1', '192.168.1.200'),
      ipRange('2001:db8::1', '2001:db8::ffff'),
      {
        type: 'HEADERCONDITION',
        invertCondition: true,
        headerCondition: { headerName: 'X-Tier', headerValue: 'gold' },
      },
      {
        type: 'QUERYPARAMETERCONDITION',
        queryParameterCondition: { parameterName: 'plan', parameterValue: 'free' },
      },
      {
        type: 'JWTCLAIMSCONDITION',
        jwtClaimsCondition: { claimUrl: 'http://wso2.org/claims/role', attribute: 'gold' },
      },
    ];
    const policy = advancedPolicy(conditions);
    const created = await ctx.api.post(ADV, policy);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ ...policy, type: 'AdvancedThrottlePolicy' });
    expect(created.headers.get('location')).toBe(`${ADMIN}${ADV}/${created.body.policyId}`);
    const fetched = await ctx.api.get(`${ADV}/${created.body.policyId}`, `${ADV}/{policyId}`);
    expect(fetched.body.conditionalGroups[0].conditions).toEqual(conditions);
  });

  it('accepts an IP range of IPv4-mapped IPv6 addresses', async () => {
    const created = await ctx.api.post(ADV, advancedPolicy([ipRange('::ffff:10.0.0.1', '::ffff:10.0.0.9')]));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  });

  it('updates a policy and deletes it; afterwards it is 404', async () => {
    const created = await ctx.api.post(APP, appPolicy());
    const id = created.body.policyId as string;
    const changed = { ...created.body, description: 'changed', defaultLimit: requestCount(99, 'hour') };
    const updated = await ctx.api.put(`${APP}/${id}`, changed, `${APP}/{policyId}`);
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual(changed);
    expect((await ctx.api.get(`${APP}/${id}`, `${APP}/{policyId}`)).body).toEqual(changed);

    const deleted = await ctx.api.delete(`${APP}/${id}`, `${APP}/{policyId}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toBeUndefined();
    expectError(await ctx.api.get(`${APP}/${id}`, `${APP}/{policyId}`), 404, 404, id);
    expect(names((await ctx.api.get(APP)).body)).not.toContain(created.body.policyName);
  });

  it('answers 404 for an unknown id on GET, PUT and DELETE, and for an id of another kind', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectError(await ctx.api.get(`${SUB}/${unknown}`, `${SUB}/{policyId}`), 404, 404);
    const put = await ctx.api.put(
      `${SUB}/${unknown}`,
      { policyName: 'Nope', defaultLimit: requestCount(1) },
      `${SUB}/{policyId}`,
    );
    expectError(put, 404, 404);
    expectError(await ctx.api.delete(`${ADV}/${unknown}`, `${ADV}/{policyId}`), 404, 404);
    const gold = (await ctx.api.get(SUB)).body.list.find((p: Json) => p.policyName === 'Gold');
    expectError(await ctx.api.get(`${APP}/${gold.policyId}`, `${APP}/{policyId}`), 404, 404);
  });

  describe('400 naming the offending field', () => {
    it('missing policyName', async () => {
      expectError(await ctx.api.post(APP, { defaultLimit: requestCount(1) }), 400, 400, 'policyName');
    });

    it('a time unit that is not sec, min, hour or day', async () => {
      expectError(
        await ctx.api.post(APP, appPolicy({ defaultLimit: requestCount(5, 'week') })),
        400,
        400,
        'timeUnit',
      );
    });

    it('requestCount 0', async () => {
      expectError(
        await ctx.api.post(SUB, appPolicy({ defaultLimit: requestCount(0) })),
        400,
        400,
        'requestCount',
      );
    });

    it('an unknown limit type', async () => {
      const policy = appPolicy({
        defaultLimit: {
          type: 'EVENTCOUNTLIMIT',
          eventCount: { timeUnit: 'min', unitTime: 1, eventCount: 5 },
        },
      });
      expectError(await ctx.api.post(APP, policy), 400, 400, 'defaultLimit');
    });

    it('an IP range whose start comes after its end', async () => {
      const reply = await ctx.api.post(ADV, advancedPolicy([ipRange('10.0.0.9', '10.0.0.1')]));
      expectError(reply, 400, 400, 'startingIP', 'endingIP');
    });

    it('an invalid IP address', async () => {
      const specific = {
        type: 'IPCONDITION',
        ipCondition: { ipConditionType: 'IPSPECIFIC', specificIP: '10.0.0.300' },
      };
      expectError(await ctx.api.post(ADV, advancedPolicy([specific])), 400, 400, 'specificIP', '10.0.0.300');
      const range = await ctx.api.post(ADV, advancedPolicy([ipRange('10.0.0.1', 'not-an-ip')]));
      expectError(range, 400, 400, 'endingIP');
    });

    it('a burst count without its time unit', async () => {
      const app = appPolicy({ burstLimit: { rateLimitCount: 5 } });
      expectError(await ctx.api.post(APP, app), 400, 400, 'rateLimitTimeUnit');
      const sub = { policyName: uniqueName('sub'), defaultLimit: requestCount(5), rateLimitCount: 3 };
      expectError(await ctx.api.post(SUB, sub), 400, 400, 'rateLimitTimeUnit');
    });

    it('a changed policyName on PUT', async () => {
      const created = await ctx.api.post(APP, appPolicy());
      const id = created.body.policyId as string;
      const renamed = { ...created.body, policyName: uniqueName('renamed') };
      expectError(await ctx.api.put(`${APP}/${id}`, renamed, `${APP}/{policyId}`), 400, 400, 'policyName');
      expect((await ctx.api.get(`${APP}/${id}`, `${APP}/{policyId}`)).body.policyName).toBe(
        created.body.policyName,
      );
    });
  });

  it('409 for a duplicate name within a kind; the same name in another kind is fine', async () => {
    const policy = appPolicy();
    expect((await ctx.api.post(APP, policy)).status).toBe(201);
    expectError(await ctx.api.post(APP, policy), 409, 409, policy.policyName);
    expectError(await ctx.api.post(APP, appPolicy({ policyName: '10PerMin' })), 409, 409, '10PerMin');
    const elsewhere = await ctx.api.post(ADV, {
      policyName: policy.policyName,
      defaultLimit: requestCount(5),
    });
    expect(elsewhere.status).toBe(201);
  });

  it('409 when deleting Unlimited of each kind and Unauthenticated; they remain', async () => {
    for (const [base, name] of [
      [APP, 'Unlimited'],
      [SUB, 'Unlimited'],
      [SUB, 'Unauthenticated'],
      [ADV, 'Unlimited'],
    ] as const) {
      const policy = (await ctx.api.get(base)).body.list.find((p: Json) => p.policyName === name);
      expectError(await ctx.api.delete(`${base}/${policy.policyId}`, `${base}/{policyId}`), 409, 409, name);
      expect((await ctx.api.get(`${base}/${policy.policyId}`, `${base}/{policyId}`)).status).toBe(200);
    }
  });

  it('a seeded default other than those can be deleted', async () => {
    const bronze = (await ctx.api.get(SUB)).body.list.find((p: Json) => p.policyName === 'Bronze');
    expect((await ctx.api.delete(`${SUB}/${bronze.policyId}`, `${SUB}/{policyId}`)).status).toBe(200);
    expect(names((await ctx.api.get(SUB)).body)).not.toContain('Bronze');
  });
});
