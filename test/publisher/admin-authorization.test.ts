/**
 * Who may call the Admin REST API: bearer tokens checked against the Key Manager, WSO2's codes (900902 no
 * token, 900901 invalid token, 900910 missing scope) and the scopes the roles grant. A token revoked at
 * the Key Manager is refused at once (the in-process hub delivers the revocation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserAdmin, revoke, type Credentials } from '../support/oauth-helpers.js';
import { AdminApi, expectError, startAdminNode, uniqueName, type AdminContext } from './admin-client.js';

const POLICIES = '/throttling/policies/application';
const ENVS = '/environments';

let ctx: AdminContext;
let users: UserAdmin;

beforeAll(async () => {
  ctx = await startAdminNode();
  users = await UserAdmin.create(ctx.node, ctx.as, ctx.client);
});
afterAll(async () => {
  await ctx?.close();
});

async function userWith(roles: string[]): Promise<Credentials> {
  return users.add(uniqueName(roles.join('-') || 'none'), 'a-long-enough-password-1', roles);
}

/** An AdminApi with the token the user gets when asking `scope`; checks which scopes were granted. */
async function apiAs(credentials: Credentials, scope: string, granted: string): Promise<AdminApi> {
  const tokens = await ctx.tokenFor(credentials, scope);
  expect(tokens.scope).toBe(granted);
  return ctx.api.withToken(tokens.access_token);
}

const newPolicy = () => ({
  policyName: uniqueName('authz'),
  defaultLimit: {
    type: 'REQUESTCOUNTLIMIT',
    requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 5 },
  },
});
const newEnvironment = () => ({ name: uniqueName('authz'), vhosts: [{ host: 'gw.example.com' }] });

describe('authentication', () => {
  it('no token: 401 900902 with a Bearer challenge', async () => {
    const anonymous = ctx.api.withToken(null);
    for (const reply of [
      await anonymous.get(POLICIES),
      await anonymous.post(POLICIES, newPolicy()),
      await anonymous.get(ENVS),
    ]) {
      expectError(reply, 401, 900902);
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]+"$/);
    }
  });

  it('another scheme than Bearer counts as no token', async () => {
    const reply = await ctx.api.call('GET', POLICIES, { authorization: 'Basic YWRtaW46YWRtaW4=' });
    expectError(reply, 401, 900902);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('a garbage token: 401 900901 with error="invalid_token"', async () => {
    for (const token of ['not-a-real-token', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl']) {
      const reply = await ctx.api.withToken(token).get(POLICIES);
      expectError(reply, 401, 900901);
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]+", error="invalid_token"$/);
    }
  });
});

describe('scopes by role', () => {
  it('a creator gets apim:tier_view only: may GET policies, POST/PUT/DELETE are 403 900910', async () => {
    const creator = await apiAs(
      await userWith(['creator']),
      'apim:tier_view apim:tier_manage',
      'apim:tier_view',
    );
    const list = await creator.get(POLICIES);
    expect(list.status).toBe(200);
    const tenPerMin = list.body.list.find((p: { policyName: string }) => p.policyName === '10PerMin');
    expect((await creator.get(`${POLICIES}/${tenPerMin.policyId}`, `${POLICIES}/{policyId}`)).status).toBe(
      200,
    );

    const post = await creator.post(POLICIES, newPolicy());
    expectError(post, 403, 900910, 'apim:tier_manage');
    expect(post.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
    const template = `${POLICIES}/{policyId}`;
    expectError(await creator.put(`${POLICIES}/${tenPerMin.policyId}`, tenPerMin, template), 403, 900910);
    expectError(await creator.delete(`${POLICIES}/${tenPerMin.policyId}`, template), 403, 900910);
    expect((await ctx.api.get(`${POLICIES}/${tenPerMin.policyId}`, template)).body).toEqual(tenPerMin);
  });

  it('a publisher may GET policies too', async () => {
    const publisher = await apiAs(await userWith(['publisher']), 'apim:tier_view', 'apim:tier_view');
    expect((await publisher.get('/throttling/policies/subscription')).status).toBe(200);
  });

  it('a subscriber gets neither tier scope: 403 900910 on GET', async () => {
    const subscriber = await apiAs(
      await userWith(['subscriber']),
      'apim:tier_view apim:tier_manage',
      'default',
    );
    const reply = await subscriber.get(POLICIES);
    expectError(reply, 403, 900910);
    expect(reply.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
  });

  it('an admin token with apim:tier_manage alone manages policies', async () => {
    const manager = await apiAs(adminUser(), 'apim:tier_manage', 'apim:tier_manage');
    const created = await manager.post(POLICIES, newPolicy());
    expect(created.status).toBe(201);
    expect((await manager.get(POLICIES)).status).toBe(200);
    const template = `${POLICIES}/{policyId}`;
    expect((await manager.delete(`${POLICIES}/${created.body.policyId}`, template)).status).toBe(200);
  });

  it('environments need apim:admin: tier_view and tier_manage tokens get 403 900910', async () => {
    const creator = await apiAs(await userWith(['creator']), 'apim:tier_view', 'apim:tier_view');
    const manager = await apiAs(
      adminUser(),
      'apim:tier_manage apim:tier_view',
      'apim:tier_manage apim:tier_view',
    );
    for (const api of [creator, manager]) {
      expectError(await api.get(ENVS), 403, 900910, 'apim:admin');
      expectError(await api.post(ENVS, newEnvironment()), 403, 900910, 'apim:admin');
    }
    const admin = await apiAs(adminUser(), 'apim:admin', 'apim:admin');
    expect((await admin.get(ENVS)).status).toBe(200);
    expect((await admin.post(ENVS, newEnvironment())).status).toBe(201);
  });
});

function adminUser(): Credentials {
  return { username: 'admin', password: ctx.node.adminPassword };
}

describe('revocation', () => {
  it('a token revoked at the Key Manager is refused by the Admin API right after', async () => {
    const tokens = await ctx.tokenFor(adminUser(), 'apim:admin');
    const api = ctx.api.withToken(tokens.access_token);
    expect((await api.get(ENVS)).status).toBe(200);
    expect((await api.get(POLICIES)).status).toBe(200);

    await revoke(ctx.node, ctx.as, ctx.client, tokens.access_token);
    const refused = await api.get(ENVS);
    expectError(refused, 401, 900901);
    expect(refused.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expectError(await api.get(POLICIES), 401, 900901);
    // Other tokens of the same user are unaffected.
    expect((await ctx.api.get(POLICIES)).status).toBe(200);
  });

  it('a token of a user whose roles are removed is refused right after', async () => {
    const credentials = await userWith(['creator']);
    const creator = await apiAs(credentials, 'apim:tier_view', 'apim:tier_view');
    expect((await creator.get(POLICIES)).status).toBe(200);
    await users.update(credentials.username, { roles: ['subscriber'] });
    expectError(await creator.get(POLICIES), 401, 900901);
  });
});
