/**
 * The internal data API (/internal/data/v1) on an all-in-one node: only node tokens (scope portcullis:node)
 * reach it; a snapshot per gateway environment holds the DEPLOYED revisions only (never the working copy,
 * nothing undeployed, nothing deployed elsewhere), every application and key mapping, the subscriptions to
 * the APIs deployed there, the throttling policies and the deny policies; /apis/{apiId} is one deployed API.
 * SQLite and PostgreSQL.
 *
 * The internal data API is Portcullis's own, not WSO2's: its 200s are checked against its declared schemas,
 * its errors against WSO2's Error body (as every REST route answers). The publisher, admin and devportal
 * calls that set the scene are checked against WSO2's definitions.
 */
import * as oauth from 'oauth4webapi';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeployedApiSchema, SnapshotSchema } from '../../src/publisher/internal/internal-data-schemas.js';
import {
  clientCredentials,
  registerClient,
  uniqueName,
  UserAdmin,
  type Credentials,
} from '../support/oauth-helpers.js';
import { postgresAvailable } from '../support/services.js';
import { expectWso2Response, wso2Schema } from '../support/wso2-contract.js';
import { startPublisherNode, publishableApi, type Json, type PublisherContext } from './apis-client.js';
import { Revisions, newEnvironment, type Target } from './revisions-client.js';

const postgresUp = await postgresAvailable();

const INTERNAL = '/internal/data/v1';
const DEVPORTAL = '/api/am/devportal/v3';
const NODE_SCOPE = 'portcullis:node';
const SUBSCRIBER_SCOPES = 'apim:subscribe apim:app_manage apim:sub_manage';

interface Reply {
  status: number;
  headers: Headers;
  body: Json;
}

/** Checks an error body against WSO2's Error schema (the internal data API answers WSO2's error body). */
function expectErrorBody(reply: Reply, status: number, code: number): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  const validate = wso2Schema('publisher', 'Error');
  expect(validate(reply.body), JSON.stringify(validate.errors)).toBe(true);
  expect(reply.body.code).toBe(code);
}

describe.each(['sqlite', 'postgres'] as const)('the internal data API [%s]', (engine) => {
  if (engine === 'postgres' && !postgresUp) return;
  let ctx: PublisherContext;
  let revisions: Revisions;
  /** A gateway's node token: client_credentials of an admin-owned client, with the node scope. */
  let nodeToken: string;
  let subscriberToken: string;
  /** A second gateway environment. */
  let elsewhere: string;

  beforeAll(async () => {
    ctx = await startPublisherNode(engine);
    revisions = new Revisions(ctx.apis);
    const gateway = await registerClient(ctx.node, { grantType: 'client_credentials' });
    const granted = await clientCredentials(ctx.node, ctx.as, gateway, NODE_SCOPE);
    expect(granted.scope).toBe(NODE_SCOPE);
    nodeToken = granted.access_token;

    const users = await UserAdmin.create(ctx.node, ctx.as, ctx.client);
    const subscriber: Credentials = await users.add(uniqueName('dev'), 'subscriber-password', ['subscriber']);
    subscriberToken = (await ctx.tokenFor(subscriber, SUBSCRIBER_SCOPES)).access_token;
    elsewhere = (await newEnvironment(ctx, ['eu.gw.example.com'])).name as string;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  async function get(url: string, token: string | null = nodeToken): Promise<Reply> {
    const response = await ctx.node.fetch(`${ctx.node.baseUrl}${url}`, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? undefined : JSON.parse(text),
    };
  }

  /** The snapshot of an environment, expected 200 and of the declared shape. */
  async function snapshot(environment = 'Default'): Promise<Json> {
    const reply = await get(`${INTERNAL}/snapshot?environment=${encodeURIComponent(environment)}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(
      Value.Check(SnapshotSchema, reply.body),
      JSON.stringify([...Value.Errors(SnapshotSchema, reply.body)]),
    ).toBe(true);
    expect(reply.body.environment).toBe(environment);
    return reply.body;
  }

  const deployedApi = (apiId: string, environment = 'Default') =>
    get(`${INTERNAL}/apis/${encodeURIComponent(apiId)}?environment=${encodeURIComponent(environment)}`);

  /** The snapshot's entry of an API, or undefined. */
  const entry = (snap: Json, apiId: string): Json => (snap.apis as Json[]).find((a) => a.apiId === apiId);

  /** A publishable API with a revision deployed to `targets` (none: not deployed). */
  async function apiDeployedTo(targets: Target[], overrides: Json = {}) {
    const api = await ctx.apis.created(publishableApi(overrides));
    const revision = (await revisions.created(api.id, 'deployed')).id as string;
    if (targets.length > 0) await revisions.deployed(api.id, revision, targets);
    return { api, revision };
  }

  /** A devportal call as the subscriber, checked against WSO2's devportal definition. */
  async function portal(method: string, url: string, template: string, body?: unknown): Promise<Reply> {
    const response = await ctx.node.fetch(`${ctx.node.baseUrl}${DEVPORTAL}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${subscriberToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed: Json = text === '' ? undefined : JSON.parse(text);
    expectWso2Response('devportal', method, template, response.status, parsed);
    return { status: response.status, headers: response.headers, body: parsed };
  }

  async function subscribe(applicationId: string, apiId: string, throttlingPolicy = 'Gold'): Promise<Json> {
    const reply = await portal('POST', '/subscriptions', '/subscriptions', {
      applicationId,
      apiId,
      throttlingPolicy,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  }

  describe('who may read it', () => {
    const paths = () => [
      `${INTERNAL}/snapshot?environment=Default`,
      `${INTERNAL}/apis/any-api?environment=Default`,
    ];

    it('refuses a request without a token (401, 900902) or with an invalid one (401, 900901)', async () => {
      for (const url of paths()) {
        const none = await get(url, null);
        expectErrorBody(none, 401, 900902);
        expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
        const invalid = await get(url, 'x'.repeat(43));
        expectErrorBody(invalid, 401, 900901);
        expect(invalid.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
    });

    it("refuses users' tokens without the node scope, even the admin's (403, 900910)", async () => {
      // The admin's password-grant token with every admin scope, but not portcullis:node.
      const admin = await ctx.tokenFor(
        { username: 'admin', password: ctx.node.adminPassword },
        'apim:admin apim:api_view apim:api_create apim:api_publish apim:tier_view',
      );
      expect(admin.scope?.split(' ')).not.toContain(NODE_SCOPE);
      for (const token of [admin.access_token, ctx.apis.token as string, subscriberToken]) {
        for (const url of paths()) {
          const refused = await get(url, token);
          expectErrorBody(refused, 403, 900910);
          expect(refused.headers.get('www-authenticate')).toContain(`scope="${NODE_SCOPE}"`);
        }
      }
    });

    it('refuses a client_credentials token of an admin-owned client that did not ask for the node scope', async () => {
      const gateway = await registerClient(ctx.node, { grantType: 'client_credentials' });
      const plain = await clientCredentials(ctx.node, ctx.as, gateway);
      expect(plain.scope).toBe('default');
      expectErrorBody(await get(`${INTERNAL}/snapshot?environment=Default`, plain.access_token), 403, 900910);
    });

    it('answers over HTTPS only: a node token sent over plain HTTP is refused (403)', async () => {
      const response = await fetch(`${ctx.node.httpUrl}${INTERNAL}/snapshot?environment=Default`, {
        headers: { authorization: `Bearer ${nodeToken}` },
      });
      expect(response.status).toBe(403);
      expect(((await response.json()) as Json).description).toMatch(/HTTPS only/);
    });

    it('answers 404 for an unknown environment, and 400 without one', async () => {
      const { api } = await apiDeployedTo([{ name: 'Default' }]);
      expectErrorBody(await get(`${INTERNAL}/snapshot?environment=Nowhere`), 404, 404);
      expectErrorBody(await deployedApi(api.id, 'Nowhere'), 404, 404);
      // Environment names are case-sensitive.
      expectErrorBody(await get(`${INTERNAL}/snapshot?environment=default`), 404, 404);
      expectErrorBody(await get(`${INTERNAL}/snapshot`), 400, 400);
      expectErrorBody(await get(`${INTERNAL}/apis/${api.id}`), 400, 400);
    });
  });

  describe('the deployed APIs', () => {
    it('serves the deployed revision, not the working copy changed after deploying', async () => {
      const { api, revision: r1 } = await apiDeployedTo([{ name: 'Default', vhost: 'localhost' }], {
        description: 'as deployed',
        operations: [{ target: '/menu', verb: 'GET' }],
      });
      const changed = await ctx.apis.update(api.id, {
        ...api,
        description: 'edited after deploying',
        operations: [
          { target: '/menu', verb: 'GET' },
          { target: '/order', verb: 'POST' },
        ],
      });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      // A second revision of the edit, not deployed: still not what gateways get.
      const r2 = (await revisions.created(api.id, 'not deployed')).id as string;

      const served = entry(await snapshot(), api.id);
      expect(served).toMatchObject({
        apiId: api.id,
        revisionId: r1,
        environment: 'Default',
        vhost: 'localhost',
        deployedAt: expect.any(Number),
      });
      expect(Math.abs(Date.now() - served.deployedAt)).toBeLessThan(60_000);
      expect(served.api).toMatchObject({ id: api.id, name: api.name, description: 'as deployed' });
      expect((served.api.operations as Json[]).map((o) => `${o.verb} ${o.target}`)).toEqual(['GET /menu']);

      const one = await deployedApi(api.id);
      expect(one.status, JSON.stringify(one.body)).toBe(200);
      expect(Value.Check(DeployedApiSchema, one.body)).toBe(true);
      expect(one.body).toEqual(served);

      // Deploying the edit replaces what gateways get.
      await revisions.deployed(api.id, r2, [{ name: 'Default' }]);
      const replaced = entry(await snapshot(), api.id);
      expect(replaced.revisionId).toBe(r2);
      expect(replaced.api.description).toBe('edited after deploying');
      expect((replaced.api.operations as Json[]).map((o) => `${o.verb} ${o.target}`).sort()).toEqual([
        'GET /menu',
        'POST /order',
      ]);
      expect((await snapshot()).apis.filter((a: Json) => a.apiId === api.id)).toHaveLength(1);
    });

    it('leaves out APIs never deployed, undeployed, or deployed to another environment only', async () => {
      const { api: never } = await apiDeployedTo([]);
      const { api: undeployed, revision } = await apiDeployedTo([{ name: 'Default' }]);
      expect(entry(await snapshot(), undeployed.id)).toBeDefined();
      await revisions.undeployed(undeployed.id, revision, [{ name: 'Default' }]);
      const { api: away, revision: awayRevision } = await apiDeployedTo([{ name: elsewhere }]);

      const onDefault = await snapshot();
      for (const api of [never, undeployed, away]) {
        expect(entry(onDefault, api.id), api.name).toBeUndefined();
        expectErrorBody(await deployedApi(api.id), 404, 404);
      }
      expectErrorBody(await deployedApi('no-such-api'), 404, 404);

      // The other environment's snapshot has it, on its own vhost, and nothing of Default's.
      const there = await snapshot(elsewhere);
      expect((there.apis as Json[]).map((a) => a.apiId)).toEqual([away.id]);
      expect(entry(there, away.id)).toMatchObject({
        revisionId: awayRevision,
        environment: elsewhere,
        vhost: 'eu.gw.example.com',
      });
      const one = await deployedApi(away.id, elsewhere);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(entry(there, away.id));
    });

    it('tells a gateway that missed the event that a deployed API is blocked, and when it is re-published', async () => {
      // Events are for freshness: a gateway that reconnects learns from the snapshot alone (architecture.md).
      const { api } = await apiDeployedTo([{ name: 'Default' }]);
      await ctx.apis.move(api.id, 'Publish', 'Block');
      const blocked = entry(await snapshot(), api.id);
      const served = await deployedApi(api.id);
      // Either form tells it not to serve the API: absent, or marked BLOCKED.
      if (blocked !== undefined) {
        expect(blocked.api.lifeCycleStatus, 'the snapshot serves a blocked API as runnable').toBe('BLOCKED');
        expect(served.body.api.lifeCycleStatus).toBe('BLOCKED');
      } else {
        expectErrorBody(served, 404, 404);
      }

      await ctx.apis.move(api.id, 'Re-Publish');
      const again = entry(await snapshot(), api.id);
      expect(again).toBeDefined();
      expect(again.api.lifeCycleStatus).not.toBe('BLOCKED');
    });

    it('drops an API from the snapshot when it is retired or deleted', async () => {
      const { api: retired } = await apiDeployedTo([{ name: 'Default' }]);
      const { api: deleted } = await apiDeployedTo([{ name: 'Default' }]);
      const before = await snapshot();
      expect(entry(before, retired.id)).toBeDefined();
      expect(entry(before, deleted.id)).toBeDefined();

      await ctx.apis.move(retired.id, 'Publish', 'Deprecate', 'Retire');
      const gone = await ctx.apis.delete(deleted.id);
      expect(gone.status, JSON.stringify(gone.body)).toBe(200);

      const after = await snapshot();
      expect(entry(after, retired.id)).toBeUndefined();
      expect(entry(after, deleted.id)).toBeUndefined();
      expectErrorBody(await deployedApi(retired.id), 404, 404);
      expectErrorBody(await deployedApi(deleted.id), 404, 404);
    });
  });

  describe('applications, key mappings and subscriptions', () => {
    it('holds every application and key mapping, and only the subscriptions to the APIs deployed there', async () => {
      const { api: onDefault } = await apiDeployedTo([{ name: 'Default' }], { policies: ['Gold', 'Bronze'] });
      const { api: awayOnly } = await apiDeployedTo([{ name: elsewhere }]);
      const { api: leaving, revision: leavingRevision } = await apiDeployedTo([{ name: 'Default' }]);
      for (const api of [onDefault, awayOnly, leaving]) await ctx.apis.move(api.id, 'Publish');

      const created = await portal('POST', '/applications', '/applications', {
        name: uniqueName('app'),
        throttlingPolicy: '20PerMin',
        tokenType: 'OAUTH',
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const app = created.body;
      const keysReply = await portal(
        'POST',
        `/applications/${app.applicationId}/generate-keys`,
        '/applications/{applicationId}/generate-keys',
        { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] },
      );
      expect(keysReply.status, JSON.stringify(keysReply.body)).toBe(200);
      const production = keysReply.body;
      const sandboxReply = await portal(
        'POST',
        `/applications/${app.applicationId}/generate-keys`,
        '/applications/{applicationId}/generate-keys',
        { keyType: 'SANDBOX', grantTypesToBeSupported: ['password'] },
      );
      expect(sandboxReply.status, JSON.stringify(sandboxReply.body)).toBe(200);
      const sandbox = sandboxReply.body;
      // An application without keys is an application too.
      const bare = await portal('POST', '/applications', '/applications', {
        name: uniqueName('bare'),
        throttlingPolicy: 'Unlimited',
      });
      expect(bare.status).toBe(201);

      const toDefault = await subscribe(app.applicationId, onDefault.id, 'Bronze');
      const toAway = await subscribe(app.applicationId, awayOnly.id);
      const toLeaving = await subscribe(app.applicationId, leaving.id);
      await revisions.undeployed(leaving.id, leavingRevision, [{ name: 'Default' }]);

      const snap = await snapshot();
      expect(snap.applications).toEqual(
        expect.arrayContaining([
          {
            applicationId: app.applicationId,
            name: app.name,
            owner: app.owner,
            throttlingPolicy: '20PerMin',
            tokenType: 'OAUTH',
          },
          expect.objectContaining({ applicationId: bare.body.applicationId, throttlingPolicy: 'Unlimited' }),
        ]),
      );
      const mappings = (snap.keyMappings as Json[]).filter((k) => k.applicationId === app.applicationId);
      expect(mappings.sort((a, b) => a.keyType.localeCompare(b.keyType))).toEqual([
        {
          applicationId: app.applicationId,
          keyMappingId: production.keyMappingId,
          consumerKey: production.consumerKey,
          keyType: 'PRODUCTION',
        },
        {
          applicationId: app.applicationId,
          keyMappingId: sandbox.keyMappingId,
          consumerKey: sandbox.consumerKey,
          keyType: 'SANDBOX',
        },
      ]);
      const mine = (s: Json) =>
        (s.subscriptions as Json[]).filter((x) => x.applicationId === app.applicationId);
      expect(mine(snap)).toEqual([
        {
          subscriptionId: toDefault.subscriptionId,
          applicationId: app.applicationId,
          apiId: onDefault.id,
          throttlingPolicy: 'Bronze',
          status: 'UNBLOCKED',
        },
      ]);
      // Every subscription of a snapshot is to one of its APIs.
      const deployedIds = new Set((snap.apis as Json[]).map((a) => a.apiId));
      for (const s of snap.subscriptions as Json[]) expect(deployedIds.has(s.apiId), s.apiId).toBe(true);
      expect((await snapshot(elsewhere)).subscriptions).toEqual([
        expect.objectContaining({
          subscriptionId: toAway.subscriptionId,
          apiId: awayOnly.id,
          status: 'UNBLOCKED',
        }),
      ]);
      expect(mine(snap).map((s) => s.subscriptionId)).not.toContain(toLeaving.subscriptionId);

      // A block by the publisher shows at once.
      const blocker = await ctx.tokenFor(
        { username: 'admin', password: ctx.node.adminPassword },
        'apim:subscription_block',
      );
      const blocked = await ctx.apis
        .withToken(blocker.access_token)
        .call(
          'POST',
          `/subscriptions/block-subscription?subscriptionId=${toDefault.subscriptionId}&blockState=PROD_ONLY_BLOCKED`,
          { template: '/subscriptions/block-subscription' },
        );
      expect(blocked.status, JSON.stringify(blocked.body)).toBe(200);
      expect(mine(await snapshot())).toEqual([expect.objectContaining({ status: 'PROD_ONLY_BLOCKED' })]);

      // Deleting the application takes it, its key mappings and its subscriptions out.
      const deleted = await portal(
        'DELETE',
        `/applications/${app.applicationId}`,
        '/applications/{applicationId}',
      );
      expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
      const after = await snapshot();
      expect((after.applications as Json[]).map((a) => a.applicationId)).not.toContain(app.applicationId);
      expect((after.keyMappings as Json[]).filter((k) => k.applicationId === app.applicationId)).toEqual([]);
      expect(mine(after)).toEqual([]);
      expect(mine(await snapshot(elsewhere))).toEqual([]);
    });
  });

  describe('policies', () => {
    it("holds WSO2's default throttling policies and the ones an admin adds", async () => {
      const limit = {
        type: 'REQUESTCOUNTLIMIT',
        requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 42 },
      };
      const custom = await ctx.api.post('/throttling/policies/subscription', {
        policyName: uniqueName('Tier'),
        defaultLimit: limit,
        billingPlan: 'FREE',
      });
      expect(custom.status, JSON.stringify(custom.body)).toBe(201);

      const { policies } = await snapshot();
      const names = (list: Json[]) => list.map((p) => p.policyName);
      expect(names(policies.subscription)).toEqual(
        expect.arrayContaining([
          'Gold',
          'Silver',
          'Bronze',
          'Unauthenticated',
          'Unlimited',
          custom.body.policyName,
        ]),
      );
      expect(names(policies.application)).toEqual(
        expect.arrayContaining(['10PerMin', '20PerMin', '50PerMin', 'Unlimited']),
      );
      expect(names(policies.advanced)).toEqual(
        expect.arrayContaining(['10KPerMin', '20KPerMin', '50KPerMin', 'Unlimited']),
      );
      // Each entry is the policy as the Admin API shows it.
      const gold = (policies.subscription as Json[]).find((p) => p.policyName === 'Gold');
      expect(gold).toMatchObject({
        policyId: expect.any(String),
        defaultLimit: {
          type: 'REQUESTCOUNTLIMIT',
          requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 5000 },
        },
      });
      const mine = (policies.subscription as Json[]).find((p) => p.policyName === custom.body.policyName);
      expect(mine).toMatchObject({ policyId: custom.body.policyId, defaultLimit: limit });
      // A policy of every environment: the same in another one.
      expect((await snapshot(elsewhere)).policies).toEqual(policies);
    });

    it('holds the deny policies, and drops a deleted one', async () => {
      const denied = await ctx.api.post('/throttling/deny-policies', {
        conditionType: 'IP',
        conditionValue: { fixedIp: '203.0.113.7', invert: false },
        conditionStatus: true,
      });
      expect(denied.status, JSON.stringify(denied.body)).toBe(201);
      const conditionId = denied.body.conditionId as string;

      const held = (await snapshot()).denyPolicies as Json[];
      expect(held).toContainEqual({
        conditionId,
        conditionType: 'IP',
        conditionValue: { fixedIp: '203.0.113.7', invert: false },
        conditionStatus: true,
      });
      expect((await snapshot(elsewhere)).denyPolicies).toEqual(held);

      const removed = await ctx.api.delete(
        `/throttling/deny-policy/${conditionId}`,
        '/throttling/deny-policy/{conditionId}',
      );
      expect(removed.status, JSON.stringify(removed.body)).toBe(200);
      expect(((await snapshot()).denyPolicies as Json[]).map((d) => d.conditionId)).not.toContain(
        conditionId,
      );
    });
  });

  it('gives a node token obtained by a standards-strict client (oauth4webapi) everything above', async () => {
    const gateway = await registerClient(ctx.node, { grantType: 'client_credentials', tokenType: 'OPAQUE' });
    const response = await oauth.clientCredentialsGrantRequest(
      ctx.as,
      gateway.client,
      gateway.auth,
      { scope: NODE_SCOPE },
      { [oauth.customFetch]: ctx.node.fetch },
    );
    const granted = await oauth.processClientCredentialsResponse(ctx.as, gateway.client, response);
    // An opaque node token, checked by introspection on its way in.
    expect(granted.access_token.split('.')).toHaveLength(1);
    const reply = await get(`${INTERNAL}/snapshot?environment=Default`, granted.access_token);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
