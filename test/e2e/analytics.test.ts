/**
 * Analytics end to end (all-in-one node): calls through the gateway become request events, the analytics
 * component rolls them up and writes them, and the Publisher (per API, overall) and the Developer Portal (per
 * application) answer them to whoever may see them: others get the 403 or 404 of the neighbouring routes.
 */
import { Value } from 'typebox/value';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AnalyticsSchema, type Analytics } from '../../src/analytics/analytics-schemas.js';
import type { AnalyticsComponent } from '../../src/analytics/component.js';
import { ALL_API_SCOPES } from '../publisher/apis-client.js';
import { httpEndpoints, useGatewayNode, type GatewayApi, type Subscribed } from './gateway-support.js';

const ctx = useGatewayNode();

const PUBLISHER = '/api/am/publisher/v4';
const DEVPORTAL = '/api/am/devportal/v3';

interface Reply {
  status: number;
  body: { code?: number } & Partial<Analytics>;
}

async function get(path: string, token: string): Promise<Reply> {
  const response = await ctx.node.fetch(`${ctx.node.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as Reply['body'] };
}

/** Expects a 200 whose body is an analytics response; returns it. */
async function analytics(path: string, token: string): Promise<Analytics> {
  const reply = await get(path, token);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(
    Value.Check(AnalyticsSchema, reply.body),
    JSON.stringify([...Value.Errors(AnalyticsSchema, reply.body)]),
  ).toBe(true);
  return reply.body as Analytics;
}

let api: GatewayApi;
let steady: Subscribed;
let limited: Subscribed;
let publisherToken: string;
let portalToken: string;

beforeAll(async () => {
  const backend = await ctx.backend('analytics');
  api = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url) });
  steady = await ctx.subscriber([api.id]);
  limited = await ctx.subscriber([api.id], { applicationPolicy: '10PerMin' });
  publisherToken = ctx.apis.token as string;
  portalToken = ctx.portal.token as string;

  for (let i = 0; i < 5; i++)
    expect((await ctx.gateway.call(`${api.base}/menu`, { token: steady.token() })).status).toBe(200);
  for (let i = 0; i < 2; i++)
    expect((await ctx.gateway.call(`${api.base}/menu?status=500`, { token: steady.token() })).status).toBe(
      500,
    );
  expect((await ctx.gateway.call(`${api.base}/menu`)).status).toBe(401);
  const statuses: number[] = [];
  for (let i = 0; i < 13; i++)
    statuses.push((await ctx.gateway.call(`${api.base}/menu`, { token: limited.token() })).status);
  expect(statuses).toContain(429);

  // The gateway publishes its events every 200 ms: write what the analytics node has until all are there.
  const component = ctx.node.node.components.find((c) => c.name === 'analytics') as AnalyticsComponent;
  await vi.waitFor(
    async () => {
      await component.flush();
      const { totals } = await analytics(
        `${DEVPORTAL}/applications/${limited.app.applicationId}/analytics`,
        portalToken,
      );
      expect(totals.requests).toBe(13);
    },
    { timeout: 10_000, interval: 200 },
  );
});

describe('Developer Portal: GET /applications/{applicationId}/analytics', () => {
  it("counts the application's calls, errors, throttled calls and latencies", async () => {
    const body = await analytics(
      `${DEVPORTAL}/applications/${steady.app.applicationId}/analytics?range=1h`,
      portalToken,
    );
    expect(body).toMatchObject({ range: '1h', bucketSeconds: 60 });
    expect(body.series).toHaveLength(60);
    expect(body.totals).toMatchObject({ requests: 7, errors: 2, throttled: 0 });
    expect(body.totals.latency.p50).toBeGreaterThan(0);
    expect(body.totals.latency.p99).toBeGreaterThanOrEqual(body.totals.latency.p50 as number);
    expect(body.byStatusClass).toMatchObject({ '2xx': 5, '5xx': 2 });
    expect(body.byKeyType).toEqual({ PRODUCTION: 7, SANDBOX: 0, NONE: 0 });
    expect(body.topApis).toEqual([
      { id: api.id, name: api.name, version: api.version, requests: 7, errors: 2, throttled: 0 },
    ]);
    expect(body.series.reduce((n, p) => n + p.requests, 0)).toBe(7);

    const throttled = await analytics(
      `${DEVPORTAL}/applications/${limited.app.applicationId}/analytics?range=24h`,
      portalToken,
    );
    expect(throttled.totals.throttled).toBeGreaterThanOrEqual(1);
    expect(throttled.totals.errors).toBe(throttled.totals.throttled);
    expect(throttled.byStatusClass['4xx']).toBe(throttled.totals.throttled);
  });

  it("answers another user 404, as for the application's other resources", async () => {
    const other = await ctx.newUser();
    const reply = await get(
      `${DEVPORTAL}/applications/${steady.app.applicationId}/analytics`,
      other.portal.token as string,
    );
    expect(reply.status).toBe(404);
    expect(reply.body.code).toBe(404);
  });

  it('refuses a range it does not know with 400', async () => {
    const reply = await get(
      `${DEVPORTAL}/applications/${steady.app.applicationId}/analytics?range=2w`,
      portalToken,
    );
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe(400);
  });
});

describe('Publisher: GET /apis/{apiId}/analytics and /analytics', () => {
  it("counts the API's calls, with its top applications named", async () => {
    const body = await analytics(`${PUBLISHER}/apis/${api.id}/analytics?range=7d`, publisherToken);
    expect(body).toMatchObject({ range: '7d', bucketSeconds: 3600 });
    // The calls above, and the gateway's answer to the probe that waited for the API to be routed.
    expect(body.totals.requests).toBeGreaterThanOrEqual(21);
    expect(body.totals.throttled).toBeGreaterThanOrEqual(1);
    expect(body.byKeyType.NONE).toBeGreaterThanOrEqual(1);
    expect(body.topApplications).toEqual([
      {
        id: limited.app.applicationId,
        name: limited.app.name,
        owner: 'admin',
        requests: 13,
        errors: body.totals.throttled,
        throttled: body.totals.throttled,
      },
      {
        id: steady.app.applicationId,
        name: steady.app.name,
        owner: 'admin',
        requests: 7,
        errors: 2,
        throttled: 0,
      },
    ]);
    expect(body.topApis).toEqual([expect.objectContaining({ id: api.id, name: api.name })]);
  });

  it('adds up every API in the overall view', async () => {
    const body = await analytics(`${PUBLISHER}/analytics?range=30d`, publisherToken);
    expect(body.topApis.map((a) => a.id)).toContain(api.id);
    expect(body.totals.requests).toBeGreaterThanOrEqual(21);
  });

  it('answers 404 for an API that does not exist and 403 to a token without the view scopes', async () => {
    const missing = await get(`${PUBLISHER}/apis/no-such-api/analytics`, publisherToken);
    expect(missing.status).toBe(404);
    const subscriber = await ctx.newUser();
    const tokens = await ctx.tokenFor(subscriber.credentials, ALL_API_SCOPES);
    for (const path of [`${PUBLISHER}/apis/${api.id}/analytics`, `${PUBLISHER}/analytics`]) {
      const reply = await get(path, tokens.access_token);
      expect(reply.status).toBe(403);
      expect(reply.body.code).toBe(900910);
    }
  });
});
