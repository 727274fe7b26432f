/**
 * The gateway's routing, end to end: APIs deployed through the Publisher answer on their context with the
 * version (the default version on the bare context too), resources by URI template (`{param}`, `/*`, the
 * most specific first); a path with no API is a 404, one with no resource WSO2's 900906 (404, or 405 with
 * Allow when other verbs are defined there); CORS preflights and headers follow the API's corsConfiguration.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { newEnvironment } from '../publisher/revisions-client.js';
import {
  expectForwarded,
  expectGatewayError,
  httpEndpoints,
  untilRouted,
  useGatewayNode,
  type GatewayApi,
  type TestBackend,
} from './gateway-support.js';

const ctx = useGatewayNode();

const open = (target: string, verb = 'GET') => ({ target, verb, authType: 'None' });

describe('routing', () => {
  let backend: TestBackend;
  let api: GatewayApi;

  beforeAll(async () => {
    backend = await ctx.backend('routing');
    api = await ctx.servedApi({
      endpointConfig: httpEndpoints(`${backend.url}/v1`),
      overrides: { isDefaultVersion: true },
      operations: [
        open('/items'),
        open('/items', 'POST'),
        open('/items/{id}'),
        // Needs a token: tells which of the matching templates answered.
        { target: '/items/special', verb: 'GET', authType: 'Any' },
        open('/files/*'),
        open('/orders/{orderId}/lines/{lineNo}'),
      ],
    });
  });

  const lastUrl = () => backend.requests.at(-1)?.url;

  it('answers on the context with the version and forwards the path after it', async () => {
    expectForwarded(await ctx.gateway.call(`${api.base}/items/42`), backend);
    expect(lastUrl()).toBe('/v1/items/42');
    expectForwarded(await ctx.gateway.call(`${api.base}/items`), backend);
    expect(lastUrl()).toBe('/v1/items');
    expectForwarded(await ctx.gateway.call(`${api.base}/items/`), backend);
    expectForwarded(await ctx.gateway.call(`${api.base}/orders/7/lines/3`), backend);
    expect(lastUrl()).toBe('/v1/orders/7/lines/3');
  });

  it('answers the default version on the bare context', async () => {
    const reply = await ctx.gateway.call(`${api.context}/items/42?x=1`);
    expectForwarded(reply, backend);
    expect(lastUrl()).toBe('/v1/items/42?x=1');
  });

  it('matches literal templates before parameters', async () => {
    // /items/special needs a token, /items/{id} does not: the literal one answered.
    expectGatewayError(await ctx.gateway.call(`${api.base}/items/special`), 401, 900902);
    expectForwarded(await ctx.gateway.call(`${api.base}/items/specials`), backend);
  });

  it('/* matches the prefix and everything below it', async () => {
    for (const path of ['/files', '/files/', '/files/a/b/c.txt']) {
      expectForwarded(await ctx.gateway.call(`${api.base}${path}`), backend);
      expect(lastUrl()).toBe(`/v1${path}`);
    }
  });

  it('a path with no API is a 404', async () => {
    const before = backend.requests.length;
    for (const path of [
      '/nothing-here/1.0.0/items',
      `${api.context}x/1.0.0/items`,
      `${api.context}x/items`,
      '/',
    ]) {
      const reply = await ctx.gateway.call(path);
      expectGatewayError(reply, 404, 404);
    }
    expect(backend.requests.length).toBe(before);
  });

  it('a path of the API with no resource is 900906: 404 when no verb is defined there', async () => {
    // On the bare context of the default version, an unknown version is just a path of that version.
    expectGatewayError(await ctx.gateway.call(`${api.context}/9.9.9/items`), 404, 900906);
    expectGatewayError(await ctx.gateway.call(`${api.base}/nothing`), 404, 900906);
    expectGatewayError(await ctx.gateway.call(`${api.base}/items/1/2`), 404, 900906);
    expectGatewayError(await ctx.gateway.call(`${api.base}`), 404, 900906);
  });

  it('…and 405 with Allow when other verbs are defined at that path', async () => {
    const del = await ctx.gateway.call(`${api.base}/items/42`, { method: 'DELETE' });
    expectGatewayError(del, 405, 900906);
    expect(del.headers['allow']).toBe('GET');
    const put = await ctx.gateway.call(`${api.base}/items`, { method: 'PUT', body: '{}' });
    expectGatewayError(put, 405, 900906);
    expect(String(put.headers['allow']).split(', ').sort()).toEqual(['GET', 'POST']);
  });

  it('an API deployed to another environment is not served by this one', async () => {
    const environment = await newEnvironment(ctx, ['gw.elsewhere.example.com']);
    const other = await ctx.apis.created({
      name: `elsewhere-${Date.now()}`,
      context: `/elsewhere-${Date.now()}`,
      version: '1.0.0',
      policies: ['Gold'],
      operations: [open('/*')],
      endpointConfig: httpEndpoints(backend.url),
    });
    await ctx.apis.move(other.id, 'Publish');
    const revision = await ctx.revisions.created(other.id);
    await ctx.revisions.deployed(other.id, revision.id, [{ name: environment.name }]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expectGatewayError(await ctx.gateway.call(`${other.context}/1.0.0/x`), 404, 404);
  });

  it('serves an API on the transports it lists only: an HTTPS-only API is not there over HTTP', async () => {
    const before = backend.requests.length;
    const httpsOnly = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      overrides: { transport: ['https'] },
      operations: [open('/x')],
    });
    expectForwarded(await ctx.gateway.call(`${httpsOnly.base}/x`, { https: true }), backend);
    const overHttp = await ctx.gateway.call(`${httpsOnly.base}/x`);
    expectGatewayError(overHttp, 404, 404, 'offered over HTTPS only');
    const httpOnly = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      overrides: { transport: ['http'] },
      operations: [open('/x')],
    });
    expectForwarded(await ctx.gateway.call(`${httpOnly.base}/x`), backend);
    expectGatewayError(await ctx.gateway.call(`${httpOnly.base}/x`, { https: true }), 404, 404, 'HTTP only');
    expect(backend.requests.length).toBe(before + 2);
  });

  it('puts the version where the context has {version}', async () => {
    const templated = await ctx.servedApi({
      endpointConfig: httpEndpoints(`${backend.url}/pets-backend`),
      overrides: { context: `/store-${Date.now()}/{version}/pets` },
      operations: [open('/{petId}')],
    });
    expect(templated.base).toMatch(/^\/store-\d+\/1\.0\.0\/pets$/);
    expectForwarded(await ctx.gateway.call(`${templated.base}/5`), backend);
    expect(lastUrl()).toBe('/pets-backend/5');
  });

  it('a new default version takes over the bare context once deployed', async () => {
    const v1Backend = await ctx.backend('v1');
    const v2Backend = await ctx.backend('v2');
    const v1 = await ctx.servedApi({
      endpointConfig: httpEndpoints(v1Backend.url),
      overrides: { isDefaultVersion: true },
      operations: [open('/*')],
    });
    expectForwarded(await ctx.gateway.call(`${v1.context}/hello`), v1Backend);

    const copy = await ctx.apis.call(
      'POST',
      `/apis/copy-api?${new URLSearchParams({ apiId: v1.id, newVersion: '2.0.0', defaultVersion: 'true' }).toString()}`,
      { template: '/apis/copy-api' },
    );
    expect(copy.status, JSON.stringify(copy.body)).toBe(201);
    const v2 = copy.body;
    expect(
      (await ctx.apis.update(v2.id, { ...v2, endpointConfig: httpEndpoints(v2Backend.url) })).status,
    ).toBe(200);
    await ctx.apis.move(v2.id, 'Publish');
    await ctx.redeploy(v2.id);
    await untilRouted(ctx.gateway, `${v1.context}/2.0.0`);

    expectForwarded(await ctx.gateway.call(`${v1.context}/1.0.0/hello`), v1Backend);
    expectForwarded(await ctx.gateway.call(`${v1.context}/2.0.0/hello`), v2Backend);
    // Only one version is the default: the bare context is version 2's now.
    expectForwarded(await ctx.gateway.call(`${v1.context}/hello`), v2Backend);
  });
});

describe('CORS', () => {
  const SHOP = 'https://shop.example.com';
  let backend: TestBackend;
  let api: GatewayApi;

  beforeAll(async () => {
    backend = await ctx.backend('cors');
    api = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      operations: [
        { target: '/open', verb: 'GET', authType: 'None' },
        { target: '/secure', verb: 'POST', authType: 'Any' },
      ],
      overrides: {
        corsConfiguration: {
          corsConfigurationEnabled: true,
          accessControlAllowOrigins: [SHOP],
          accessControlAllowCredentials: true,
          accessControlAllowHeaders: ['authorization', 'content-type', 'x-custom'],
          accessControlAllowMethods: ['GET', 'POST'],
        },
      },
    });
  });

  it('answers a preflight itself, without a token and without calling the backend', async () => {
    const before = backend.requests.length;
    const reply = await ctx.gateway.call(`${api.base}/secure`, {
      method: 'OPTIONS',
      headers: {
        origin: SHOP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, x-custom',
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers).toMatchObject({
      'access-control-allow-origin': SHOP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'authorization, content-type, x-custom',
      'access-control-max-age': '3600',
    });
    expect(String(reply.headers['vary'])).toMatch(/Origin/i);
    expect(reply.text).toBe('');
    expect(backend.requests.length).toBe(before);
  });

  it('adds the CORS headers to the backend’s answers and to the gateway’s errors', async () => {
    const ok = await ctx.gateway.call(`${api.base}/open`, { headers: { origin: SHOP } });
    expectForwarded(ok, backend);
    expect(ok.headers['access-control-allow-origin']).toBe(SHOP);
    expect(ok.headers['access-control-allow-credentials']).toBe('true');

    const refused = await ctx.gateway.call(`${api.base}/secure`, {
      method: 'POST',
      headers: { origin: SHOP },
    });
    expectGatewayError(refused, 401, 900902);
    expect(refused.headers['access-control-allow-origin']).toBe(SHOP);

    const noResource = await ctx.gateway.call(`${api.base}/none`, { headers: { origin: SHOP } });
    expectGatewayError(noResource, 404, 900906);
    expect(noResource.headers['access-control-allow-origin']).toBe(SHOP);
  });

  it('allows no other origin', async () => {
    const reply = await ctx.gateway.call(`${api.base}/open`, {
      headers: { origin: 'https://evil.example.com' },
    });
    expectForwarded(reply, backend);
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await ctx.gateway.call(`${api.base}/open`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('an API that is not the default version answers on its versioned context only', async () => {
    for (const path of [
      `${api.context}/open`,
      `${api.context}/9.9.9/open`,
      `${api.base}x/open`,
      api.context,
    ]) {
      expectGatewayError(await ctx.gateway.call(path), 404, 404);
    }
  });

  it("answers with the gateway's default policy (WSO2's [apim.cors]) for an API without its own", async () => {
    const plain = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      operations: [{ target: '/*', verb: 'GET', authType: 'None' }],
    });
    const reply = await ctx.gateway.call(`${plain.base}/x`, { headers: { origin: SHOP } });
    expectForwarded(reply, backend);
    expect(reply.headers['access-control-allow-origin']).toBe('*');
    expect(reply.headers['access-control-allow-credentials']).toBeUndefined();
  });
});
