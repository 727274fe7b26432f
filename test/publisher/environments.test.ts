/**
 * Admin REST API v4 gateway environments: the seeded Default, create/update/delete, and the 400/404/409
 * cases. Runs on SQLite and on a fresh PostgreSQL database.
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

const ENVS = '/environments';
const ENV = '/environments/{environmentId}';

const environment = (overrides: Json = {}) => ({
  name: uniqueName('env'),
  displayName: 'Europe',
  description: 'gateways in eu-west',
  type: 'production',
  provider: 'portcullis',
  vhosts: [
    {
      host: 'gw.eu.example.com',
      httpContext: 'eu',
      httpPort: 80,
      httpsPort: 443,
      wsPort: 9099,
      wssPort: 8099,
    },
  ],
  ...overrides,
});

describe.each(['sqlite', 'postgres'] as const)('gateway environments [%s]', (engine) => {
  if (engine === 'postgres' && !postgresUp) return;
  let ctx: AdminContext;

  beforeAll(async () => {
    ctx = await startAdminNode(engine);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const list = async (): Promise<Json[]> => {
    const reply = await ctx.api.get(ENVS);
    expect(reply.status).toBe(200);
    expect(reply.body.count).toBe(reply.body.list.length);
    return reply.body.list as Json[];
  };
  const byName = async (name: string) => (await list()).find((e) => e.name === name);

  it('has the Default environment from the first start', async () => {
    const environments = await list();
    expect(environments.map((e) => e.name)).toEqual(['Default']);
    expect(environments[0]).toMatchObject({
      id: expect.any(String),
      name: 'Default',
      type: 'hybrid',
      gatewayType: 'Regular',
      vhosts: [{ host: 'localhost', httpPort: 8280, httpsPort: 8243 }],
    });
  });

  it('creates an environment (201, Location), lists it, and applies the defaults of type and gatewayType', async () => {
    const env = environment();
    const created = await ctx.api.post(ENVS, env);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ ...env, id: expect.any(String), gatewayType: 'Regular' });
    expect(created.headers.get('location')).toBe(`${ADMIN}${ENVS}/${created.body.id}`);
    expect(await byName(env.name)).toEqual(created.body);

    const minimal = { name: uniqueName('min'), vhosts: [{ host: 'min.example.com' }] };
    const bare = await ctx.api.post(ENVS, minimal);
    expect(bare.status).toBe(201);
    expect(bare.body).toMatchObject({ ...minimal, type: 'hybrid', gatewayType: 'Regular' });
  });

  it('updates an environment and deletes it', async () => {
    const created = await ctx.api.post(ENVS, environment());
    const id = created.body.id as string;
    const changed = {
      ...created.body,
      displayName: 'Europe (new)',
      type: 'sandbox',
      vhosts: [{ host: 'gw2.eu.example.com', httpsPort: 8443 }, { host: 'gw3.eu.example.com' }],
    };
    const updated = await ctx.api.put(`${ENVS}/${id}`, changed, ENV);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toEqual(changed);
    expect(await byName(created.body.name)).toEqual(changed);

    const deleted = await ctx.api.delete(`${ENVS}/${id}`, ENV);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toBeUndefined();
    expect(await byName(created.body.name)).toBeUndefined();
    expectError(await ctx.api.delete(`${ENVS}/${id}`, ENV), 404, 404, id);
  });

  it('404 for PUT and DELETE of an unknown id', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectError(await ctx.api.put(`${ENVS}/${unknown}`, environment(), ENV), 404, 404, unknown);
    expectError(await ctx.api.delete(`${ENVS}/${unknown}`, ENV), 404, 404, unknown);
  });

  describe('400 naming the offending field', () => {
    it('a name outside ^[a-zA-Z0-9_-]+$', async () => {
      expectError(await ctx.api.post(ENVS, environment({ name: 'eu west!' })), 400, 400, 'name');
      expect(await byName('eu west!')).toBeUndefined();
    });

    it('no vhosts', async () => {
      expectError(await ctx.api.post(ENVS, environment({ vhosts: [] })), 400, 400, 'vhosts');
    });

    it('a port above 65535', async () => {
      const reply = await ctx.api.post(
        ENVS,
        environment({ vhosts: [{ host: 'gw.example.com', httpsPort: 70000 }] }),
      );
      expectError(reply, 400, 400, 'httpsPort');
    });

    it('a changed name on PUT', async () => {
      const created = await ctx.api.post(ENVS, environment());
      const renamed = { ...created.body, name: uniqueName('renamed') };
      expectError(await ctx.api.put(`${ENVS}/${created.body.id}`, renamed, ENV), 400, 400, 'name');
      expect(await byName(created.body.name)).toEqual(created.body);
    });
  });

  it('409 for a duplicate name, and for deleting Default (which remains)', async () => {
    const env = environment();
    expect((await ctx.api.post(ENVS, env)).status).toBe(201);
    expectError(await ctx.api.post(ENVS, environment({ name: env.name })), 409, 409, env.name);
    expectError(await ctx.api.post(ENVS, environment({ name: 'Default' })), 409, 409, 'Default');

    const defaultEnv = await byName('Default');
    expectError(await ctx.api.delete(`${ENVS}/${defaultEnv.id}`, ENV), 409, 409, 'Default');
    expect(await byName('Default')).toEqual(defaultEnv);
  });
});
