/**
 * GET /apis/{apiId} and /apis/{apiId}/swagger of the Developer Portal: what a consumer needs to call an API
 * (gateway URLs of its deployments, tiers, operations) and nothing of its backend; the definition is the
 * deployed revision's, its servers the gateway URLs.
 */
import { expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { getSwagger, putSwagger } from '../publisher/definitions-client.js';
import { publishableApi } from '../publisher/apis-client.js';
import { expectError, uniqueName, useDevportalNode, type Json } from './devportal-client.js';

const BACKENDS = ['backend.example.com', 'sandbox.example.com'];

describeEachEngine('devportal catalogue: API and definition', (engine) => {
  const ctx = useDevportalNode(engine);

  const gateway = (api: Json) => ({
    https: `https://localhost:8243${api.context}/${api.version}`,
    http: `http://localhost:8280${api.context}/${api.version}`,
  });

  it('the API: versioned context, the Default gateway URLs, tiers, operations; no backend', async () => {
    const api = await ctx.deployedApi({
      description: 'Weather, for consumers.',
      tags: ['weather'],
      policies: ['Gold', 'Bronze'],
      operations: [
        { target: '/forecast', verb: 'GET' },
        { target: '/stations', verb: 'POST' },
      ],
    });
    const reply = await ctx.anonymous.getApi(api.id);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: api.id,
      name: api.name,
      description: 'Weather, for consumers.',
      context: `${api.context}/1.0.0`,
      version: '1.0.0',
      provider: 'admin',
      lifeCycleStatus: 'PUBLISHED',
      isDefaultVersion: false,
      type: 'HTTP',
      tags: ['weather'],
      tiers: [
        { tierName: 'Gold', tierPlan: 'FREE' },
        { tierName: 'Bronze', tierPlan: 'FREE' },
      ],
      endpointURLs: [
        {
          environmentName: 'Default',
          environmentDisplayName: 'Default',
          environmentType: 'hybrid',
          URLs: gateway(api),
          defaultVersionURLs: {},
        },
      ],
      environmentList: ['Default'],
      isSubscriptionAvailable: true,
    });
    expect(reply.body.operations.map((o: Json) => `${o.verb} ${o.target}`).sort()).toEqual([
      'GET /forecast',
      'POST /stations',
    ]);
    expect(reply.body).not.toHaveProperty('endpointConfig');
    const text = JSON.stringify(reply.body);
    for (const backend of BACKENDS) expect(text).not.toContain(backend);
  });

  it('a default version also has defaultVersionURLs, on the unversioned context', async () => {
    const api = await ctx.deployedApi({ isDefaultVersion: true });
    const reply = await ctx.anonymous.getApi(api.id);
    expect(reply.body.isDefaultVersion).toBe(true);
    expect(reply.body.endpointURLs[0].defaultVersionURLs).toEqual({
      https: `https://localhost:8243${api.context}`,
      http: `http://localhost:8280${api.context}`,
    });
  });

  it('a context holding {version}: the version in place, and removed for the default version', async () => {
    const name = uniqueName('shop');
    const api = await ctx.deployedApi({ name, context: `/shop/{version}/${name}`, isDefaultVersion: true });
    const reply = await ctx.anonymous.getApi(api.id);
    expect(reply.body.context).toBe(`/shop/1.0.0/${name}`);
    expect(reply.body.endpointURLs[0]).toMatchObject({
      URLs: {
        https: `https://localhost:8243/shop/1.0.0/${name}`,
        http: `http://localhost:8280/shop/1.0.0/${name}`,
      },
      defaultVersionURLs: {
        https: `https://localhost:8243/shop/${name}`,
        http: `http://localhost:8280/shop/${name}`,
      },
    });
    const listed = await ctx.anonymous.listApis({ query: `name:${name}` });
    expect(listed.body.list[0].context).toBe(`/shop/1.0.0/${name}`);
    expect((await ctx.anonymous.swagger(api.id)).body.servers[0]).toEqual({
      url: `https://localhost:8243/shop/1.0.0/${name}`,
    });
  });

  it('an API offered over HTTPS only has no HTTP gateway URL', async () => {
    const api = await ctx.deployedApi({ transport: ['https'] });
    const reply = await ctx.anonymous.getApi(api.id);
    expect(reply.body.transport).toEqual(['https']);
    expect(reply.body.endpointURLs[0].URLs).toEqual({ https: gateway(api).https });
    const swagger = await ctx.anonymous.swagger(api.id);
    expect(swagger.body.servers).toEqual([{ url: gateway(api).https }]);
  });

  it('environments shown on the portal are listed with their vhost; hidden ones are not', async () => {
    const name = uniqueName('env');
    const vhost = { host: 'gw.example.com', httpContext: 'shop', httpPort: 8080, httpsPort: 8443 };
    expect((await ctx.api.post('/environments', { name, displayName: 'Shop', vhosts: [vhost] })).status).toBe(
      201,
    );
    const hidden = uniqueName('env');
    expect(
      (await ctx.api.post('/environments', { name: hidden, vhosts: [{ host: 'h.example.com' }] })).status,
    ).toBe(201);
    const api = await ctx.deployedApi();
    const revision = await ctx.revisions.created(api.id);
    await ctx.revisions.deployed(api.id, revision.id, [
      { name, vhost: 'gw.example.com' },
      { name: hidden, vhost: 'h.example.com', displayOnDevportal: false },
    ]);
    const reply = await ctx.anonymous.getApi(api.id);
    expect(reply.body.environmentList.sort()).toEqual(['Default', name].sort());
    expect(reply.body.endpointURLs).toContainEqual({
      environmentName: name,
      environmentDisplayName: 'Shop',
      environmentType: 'hybrid',
      URLs: {
        https: `https://gw.example.com:8443/shop${api.context}/1.0.0`,
        http: `http://gw.example.com:8080/shop${api.context}/1.0.0`,
      },
      defaultVersionURLs: {},
    });
    const shop = await ctx.anonymous.swagger(api.id, name);
    expect(shop.status).toBe(200);
    expect(shop.body.servers).toEqual([
      { url: `https://gw.example.com:8443/shop${api.context}/1.0.0` },
      { url: `http://gw.example.com:8080/shop${api.context}/1.0.0` },
    ]);
    expectError(await ctx.anonymous.swagger(api.id, hidden), 404, 404, hidden);
    expectError(await ctx.anonymous.swagger(api.id, 'Nowhere'), 404, 404, 'Nowhere');
  });

  it('the definition: servers are the gateway URLs; no backend URL', async () => {
    const api = await ctx.deployedApi({ operations: [{ target: '/forecast', verb: 'GET' }] });
    const reply = await ctx.anonymous.swagger(api.id);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.body.openapi).toMatch(/^3\./);
    expect(reply.body.servers).toEqual([{ url: gateway(api).https }, { url: gateway(api).http }]);
    expect(Object.keys(reply.body.paths)).toEqual(['/forecast']);
    const text = JSON.stringify(reply.body);
    for (const backend of BACKENDS) expect(text).not.toContain(backend);
    expect((await ctx.anonymous.swagger(api.id, 'Default')).body).toEqual(reply.body);
  });

  it('the definition is the deployed revision’s, not the working copy’s', async () => {
    const api = await ctx.deployedApi({ operations: [{ target: '/forecast', verb: 'GET' }] });
    const working = await getSwagger(ctx.apis, api.id);
    expect(working.status).toBe(200);
    const changed = {
      ...working.body,
      paths: { ...working.body.paths, '/alerts': working.body.paths['/forecast'] },
    };
    const put = await putSwagger(ctx.apis, api.id, { apiDefinition: JSON.stringify(changed) });
    expect(put.status, put.text).toBe(200);
    expect(Object.keys((await getSwagger(ctx.apis, api.id)).body.paths).sort()).toEqual([
      '/alerts',
      '/forecast',
    ]);

    expect(Object.keys((await ctx.anonymous.swagger(api.id)).body.paths)).toEqual(['/forecast']);

    const revision = await ctx.revisions.created(api.id);
    await ctx.revisions.deployed(api.id, revision.id, [{ name: 'Default', vhost: 'localhost' }]);
    const deployed = await ctx.anonymous.swagger(api.id);
    expect(Object.keys(deployed.body.paths).sort()).toEqual(['/alerts', '/forecast']);
    expect(deployed.body.servers).toEqual([{ url: gateway(api).https }, { url: gateway(api).http }]);
  });

  it('deployed only where the portal does not show: still the deployed revision’s definition, no servers', async () => {
    const hidden = uniqueName('env');
    expect(
      (await ctx.api.post('/environments', { name: hidden, vhosts: [{ host: 'h.example.com' }] })).status,
    ).toBe(201);
    const api = await ctx.apis.created(
      publishableApi({ operations: [{ target: '/forecast', verb: 'GET' }] }),
    );
    const revision = await ctx.revisions.created(api.id);
    await ctx.revisions.deployed(api.id, revision.id, [
      { name: hidden, vhost: 'h.example.com', displayOnDevportal: false },
    ]);
    await ctx.apis.move(api.id, 'Publish');
    const working = (await getSwagger(ctx.apis, api.id)).body;
    const unreleased = { ...working, paths: { ...working.paths, '/unreleased': working.paths['/forecast'] } };
    expect((await putSwagger(ctx.apis, api.id, { apiDefinition: JSON.stringify(unreleased) })).status).toBe(
      200,
    );

    const reply = await ctx.anonymous.swagger(api.id);
    expect(reply.status).toBe(200);
    expect(reply.body.servers).toEqual([]);
    expect(Object.keys(reply.body.paths)).toEqual(['/forecast']);
    expect((await ctx.anonymous.getApi(api.id)).body.endpointURLs).toEqual([]);
  });
});
