/**
 * GET /api/am/publisher/v4/settings: where the Developer Portal is (an all-in-one node's own /devportal, the
 * configured services.devportal_url, or nothing on a Publisher without either), the gateway environments
 * as the Admin API lists them, the gateway types and the Publisher's scopes; 401 without a valid token, 403
 * for a token without a Publisher scope (a subscriber's).
 *
 * The 200 bodies are read without the WSO2 contract check, which they fail (a known bug, pinned below).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useDevportalNode } from '../devportal/devportal-client.js';
import { startTestNode } from '../support/node.js';
import {
  adminCredentials,
  discover,
  passwordGrant,
  registerClient,
  uniqueName,
} from '../support/oauth-helpers.js';
import { peerEnv } from '../support/peer-node.js';
import {
  expectError,
  expectPublisherContract,
  startPublisherNode,
  type Json,
  type PublisherApi,
} from './apis-client.js';

const SETTINGS = '/settings';
const PUBLISHER_SCOPES = [
  'apim:api_view',
  'apim:api_create',
  'apim:api_publish',
  'apim:api_delete',
  'apim:subscribe',
  'apim:app_manage',
  'apim:sub_manage',
  'apim:subscription_view',
  'apim:subscription_block',
  'apim:subscription_manage',
  'apim:tier_view',
  'apim:tier_manage',
  'apim:admin',
  'apim:bl_view',
  'apim:bl_manage',
];

/** GET /settings as `api`'s token, without the contract check. */
async function settings(api: PublisherApi): Promise<{ status: number; body: Json }> {
  const response = await api.node.fetch(`${api.node.baseUrl}/api/am/publisher/v4/settings`, {
    headers: api.token === null ? {} : { authorization: `Bearer ${api.token}` },
  });
  return { status: response.status, body: await response.json() };
}

describe('on an all-in-one node', () => {
  const ctx = useDevportalNode();

  /** A token of a new user with these roles, asking `scope`. */
  async function tokenOf(roles: string[], scope: string): Promise<string> {
    const { credentials } = await ctx.newUser(roles);
    return (await ctx.tokenFor(credentials, scope)).access_token;
  }

  it("names the node's own Developer Portal, the environments, gateway types and scopes", async () => {
    const reply = await settings(ctx.apis);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const environments = await ctx.api.get('/environments');
    // The publisher API's Environment: the Admin API's, with where its gateways answer (no isReadOnly).
    const published = (
      environments.body.list as { isReadOnly: boolean; vhosts: { host: string; httpsPort: number }[] }[]
    ).map(({ isReadOnly: _readOnly, ...environment }) => ({
      ...environment,
      serverUrl: `https://${environment.vhosts[0]?.host}:${environment.vhosts[0]?.httpsPort}`,
      showInApiConsole: true,
    }));
    expect(reply.body).toEqual({
      devportalUrl: `${ctx.node.baseUrl}/devportal`,
      environment: published,
      gatewayTypes: ['Regular'],
      scopes: PUBLISHER_SCOPES,
      authorizationHeader: 'Authorization',
    });
    expect(reply.body.environment).toMatchObject([{ name: 'Default', serverUrl: 'https://localhost:8243' }]);
    expect(reply.body.scopes).not.toContain('portcullis:node');
  });

  it('lists an environment as soon as the Admin API creates it', async () => {
    const name = uniqueName('env');
    expect((await ctx.api.post('/environments', { name, vhosts: [{ host: 'gw.example.com' }] })).status).toBe(
      201,
    );
    const names = (await settings(ctx.apis)).body.environment.map((e: { name: string }) => e.name);
    expect(names).toEqual(['Default', name].sort());
  });

  it('answers a creator or a publisher (any Publisher view scope)', async () => {
    for (const role of ['creator', 'publisher']) {
      const token = await tokenOf([role], 'apim:api_view');
      expect((await settings(ctx.apis.withToken(token))).status, role).toBe(200);
    }
  });

  it('401 without a token or with a bad one', async () => {
    expectError(await ctx.apis.withToken(null).call('GET', SETTINGS), 401, 900902);
    expectError(await ctx.apis.withToken('not-a-token').call('GET', SETTINGS), 401, 900901);
  });

  it('403 for a subscriber, whose token holds no Publisher scope', async () => {
    const token = await tokenOf(['subscriber'], 'apim:api_view apim:subscribe apim:app_manage');
    expectError(await ctx.apis.withToken(token).call('GET', SETTINGS), 403, 900910);
  });

  it("matches WSO2's Settings schema", async () => {
    const reply = await settings(ctx.apis);
    expect(reply.status).toBe(200);
    expectPublisherContract('GET', SETTINGS, 200, reply.body);
  });
});

describe('devportalUrl from the configuration', () => {
  const started: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const node of started.reverse()) await node.close();
  });

  it('services.devportal_url, with /devportal, wins over the node itself', async () => {
    const ctx = await startPublisherNode('sqlite', {
      PORTCULLIS_SERVICES__DEVPORTAL_URL: 'https://portal.example.com:9443',
    });
    started.push(ctx);
    const reply = await settings(ctx.apis);
    expect(reply.status).toBe(200);
    expect(reply.body.devportalUrl).toBe('https://portal.example.com:9443/devportal');
  });

  it('empty on a Publisher node that runs no Developer Portal and names none', async () => {
    const keyManager = await startTestNode({ env: { PORTCULLIS_NODE__PROFILE: 'key-manager' } });
    started.push(keyManager);
    const publisher = await startTestNode({ env: peerEnv(keyManager, 'publisher') });
    started.push(publisher);
    const as = await discover(keyManager);
    const client = await registerClient(keyManager);
    const granted = await passwordGrant(
      keyManager,
      as,
      client,
      adminCredentials(keyManager),
      'apim:api_view',
    );
    const token = granted.access_token;
    const reply = await publisher.fetch(`${publisher.baseUrl}/api/am/publisher/v4/settings`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { devportalUrl: string }).devportalUrl).toBe('');
  });
});
