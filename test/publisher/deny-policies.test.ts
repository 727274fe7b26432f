/**
 * Deny policies (WSO2's blocking conditions) through the Admin API v4: each condition type with the value it
 * takes (and refuses), one policy per thing denied, listing with `query`, switching on and off, deleting, who
 * may do it, and the DENY_POLICY_* events. Replies are checked against WSO2's admin definition, with
 * `conditionValue` allowed to be a string (see deny-policies-client.ts for why).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCredentials, UserAdmin } from '../support/oauth-helpers.js';
import { postgresAvailable, rabbitmqAvailable } from '../support/services.js';
import { wso2Schema } from '../support/wso2-contract.js';
import { ADMIN, expectError, type AdminReply } from './admin-client.js';
import {
  minimalApi,
  startPublisherNode,
  uniqueName,
  type Engine,
  type Json,
  type PublisherContext,
} from './apis-client.js';
import { DenyPolicies } from './deny-policies-client.js';
import {
  newSubscriber,
  newUserToken,
  RABBITMQ_ENV,
  TopicObserver,
  type Portal,
} from './subscriptions-client.js';

const postgresUp = await postgresAvailable();
const rabbitUp = await rabbitmqAvailable();
const engines: Engine[] = postgresUp ? ['sqlite', 'postgres'] : ['sqlite'];

const ip = (fixedIp: string, invert?: boolean) => ({
  conditionType: 'IP',
  conditionValue: { fixedIp, ...(invert === undefined ? {} : { invert }) },
});
const range = (startingIp: string, endingIp: string, invert?: boolean) => ({
  conditionType: 'IPRANGE',
  conditionValue: { startingIp, endingIp, ...(invert === undefined ? {} : { invert }) },
});

/** A 400 whose texts mention each of `mentions`. */
function expect400(reply: AdminReply, ...mentions: string[]): void {
  expectError(reply, 400, 400, ...mentions);
}

function expect403(reply: AdminReply, ...scopes: string[]): void {
  expectError(reply, 403, 900910, ...scopes);
  expect(reply.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
}

it("WSO2's own BlockingCondition schema wants an object conditionValue (the deviation these checks allow)", () => {
  const validate = wso2Schema('admin', 'BlockingCondition');
  expect(validate({ conditionType: 'USER', conditionValue: 'alice' })).toBe(false);
  expect(validate({ conditionType: 'IP', conditionValue: { fixedIp: '10.0.0.1', invert: false } })).toBe(
    true,
  );
});

describe.each(engines)('deny policies [%s]', (engine) => {
  let ctx: PublisherContext;
  let users: UserAdmin;
  let deny: DenyPolicies;
  let alice: Portal;
  let api: Json;
  let application: Json;

  beforeAll(async () => {
    ctx = await startPublisherNode(engine);
    deny = new DenyPolicies(ctx.node, ctx.api.token);
    users = await UserAdmin.create(ctx.node, ctx.as, ctx.client);
    alice = await newSubscriber(ctx, users, 'alice');
    api = await ctx.apis.created(minimalApi());
    application = await alice.application(uniqueName('Deny Me'));
  });

  afterAll(async () => {
    await ctx?.close();
  });

  describe('API', () => {
    it('denies an existing API by its context and version, as a string', async () => {
      const value = `${api.context}/${api.version}`;
      const reply = await deny.create({ conditionType: 'API', conditionValue: value });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      expect(reply.body).toEqual({
        conditionId: expect.any(String),
        conditionType: 'API',
        conditionValue: value,
        conditionStatus: true,
      });
      expect(reply.headers.get('location')).toBe(`${ADMIN}/throttling/deny-policy/${reply.body.conditionId}`);
      const read = await deny.get(reply.body.conditionId);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(reply.body);
    });

    it('refuses a context no API has, or one without its version (400)', async () => {
      for (const value of [
        '/no-such-api/1.0.0',
        api.context,
        `${api.context}/9.9.9`,
        `${api.context}/${api.version}/`,
      ]) {
        expect400(await deny.create({ conditionType: 'API', conditionValue: value }), 'conditionValue');
      }
    });

    it('denies an API whose context holds {version}, by the context with the version in place', async () => {
      const name = uniqueName('templated');
      const templated = await ctx.apis.created(
        minimalApi({ name, context: `/${name}/{version}/menu`, version: '2.0.0' }),
      );
      expect(templated.context).toBe(`/${name}/{version}/menu`);
      // As WSO2 resolves it (and as gateways see the API): /name/2.0.0/menu, not /name/{version}/menu/2.0.0.
      const created = await deny.create({ conditionType: 'API', conditionValue: `/${name}/2.0.0/menu` });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.conditionValue).toBe(`/${name}/2.0.0/menu`);
    });

    it('refuses an object value (400)', async () => {
      expect400(
        await deny.create({ conditionType: 'API', conditionValue: { context: api.context } }),
        'string',
      );
    });
  });

  describe('APPLICATION', () => {
    it('denies an existing application by owner:name', async () => {
      const value = `${alice.username}:${application.name}`;
      const created = await deny.created({ conditionType: 'APPLICATION', conditionValue: value });
      expect(created).toMatchObject({
        conditionType: 'APPLICATION',
        conditionValue: value,
        conditionStatus: true,
      });
      expect((await deny.get(created.conditionId)).body).toEqual(created);
    });

    it('an application name may hold a colon: only the first one separates the owner', async () => {
      const withColon = await alice.application(uniqueName('api:v2 client'));
      const value = `${alice.username}:${withColon.name}`;
      expect(
        (await deny.created({ conditionType: 'APPLICATION', conditionValue: value })).conditionValue,
      ).toBe(value);
    });

    it('refuses an unknown application, another owner, or a name without owner (400)', async () => {
      for (const value of [
        `${alice.username}:no-such-application`,
        `admin:${application.name}`,
        application.name,
        `:${application.name}`,
        `${alice.username}:`,
      ]) {
        expect400(
          await deny.create({ conditionType: 'APPLICATION', conditionValue: value }),
          'conditionValue',
        );
      }
    });
  });

  describe('USER', () => {
    it('denies a user by name, as a string', async () => {
      const created = await deny.created({ conditionType: 'USER', conditionValue: 'mallory@example.com' });
      expect(created).toMatchObject({ conditionType: 'USER', conditionValue: 'mallory@example.com' });
    });

    it('refuses an object value, and what is no user name (400)', async () => {
      expect400(
        await deny.create({ conditionType: 'USER', conditionValue: { username: 'mallory' } }),
        'string',
      );
      expect400(await deny.create({ conditionType: 'USER', conditionValue: 'two words' }), 'conditionValue');
      expect((await deny.create({ conditionType: 'USER', conditionValue: '' })).status).toBe(400);
    });
  });

  describe('IP', () => {
    it('denies an address given as {fixedIp, invert}; invert defaults to false', async () => {
      const v4 = await deny.created(ip('192.0.2.10'));
      expect(v4).toMatchObject({
        conditionType: 'IP',
        conditionValue: { fixedIp: '192.0.2.10', invert: false },
      });
      const v6 = await deny.created(ip('2001:db8::10', true));
      expect(v6.conditionValue).toEqual({ fixedIp: '2001:db8::10', invert: true });
      expect((await deny.get(v6.conditionId)).body).toEqual(v6);
    });

    it('refuses a string value, a bad address, or fields it does not know (400)', async () => {
      expect400(await deny.create({ conditionType: 'IP', conditionValue: '192.0.2.11' }), 'fixedIp');
      for (const bad of ['300.1.1.1', '192.0.2', '127..0.0.1', 'localhost', '2001:db8:::1', '']) {
        expect400(await deny.create(ip(bad)), 'fixedIp');
      }
      expect(
        (await deny.create({ conditionType: 'IP', conditionValue: { fixedIp: '192.0.2.12', port: 80 } }))
          .status,
      ).toBe(400);
      expect((await deny.create({ conditionType: 'IP', conditionValue: { invert: true } })).status).toBe(400);
      expect(
        (await deny.create({ conditionType: 'IP', conditionValue: { fixedIp: '192.0.2.13', invert: 'no' } }))
          .status,
      ).toBe(400);
    });
  });

  describe('IPRANGE', () => {
    it('denies a range given as {startingIp, endingIp, invert}', async () => {
      const v4 = await deny.created(range('198.51.100.0', '198.51.100.255'));
      expect(v4.conditionValue).toEqual({
        startingIp: '198.51.100.0',
        endingIp: '198.51.100.255',
        invert: false,
      });
      const v6 = await deny.created(range('2001:db8:1::', '2001:db8:1::ffff', true));
      expect(v6.conditionValue).toEqual({
        startingIp: '2001:db8:1::',
        endingIp: '2001:db8:1::ffff',
        invert: true,
      });
      const single = await deny.created(range('198.51.101.7', '198.51.101.7'));
      expect(single.conditionType).toBe('IPRANGE');
    });

    it('refuses a start after the end, mixed IPv4 and IPv6, bad addresses, a string (400)', async () => {
      expect400(await deny.create(range('198.51.102.20', '198.51.102.10')), 'startingIp', 'endingIp');
      expect400(await deny.create(range('2001:db8:2::2', '2001:db8:2::1')), 'startingIp');
      expect400(await deny.create(range('198.51.102.1', '2001:db8:2::1')), 'IPv4', 'IPv6');
      expect400(await deny.create(range('::ffff:0:0', '255.255.255.255')), 'IPv4', 'IPv6');
      expect400(await deny.create(range('198.51.102.1', '198.51.102.256')), 'endingIp');
      expect400(await deny.create(range('nope', '198.51.102.2')), 'startingIp');
      expect400(
        await deny.create({ conditionType: 'IPRANGE', conditionValue: '198.51.102.1-198.51.102.9' }),
        'startingIp',
      );
      expect(
        (await deny.create({ conditionType: 'IPRANGE', conditionValue: { startingIp: '198.51.102.1' } }))
          .status,
      ).toBe(400);
    });
  });

  it('refuses an unknown conditionType, or a missing value (400)', async () => {
    expect((await deny.create({ conditionType: 'COUNTRY', conditionValue: 'NZ' })).status).toBe(400);
    expect((await deny.create({ conditionType: 'USER' })).status).toBe(400);
    expect((await deny.create({ conditionValue: 'bob' })).status).toBe(400);
  });

  it('keeps conditionStatus false when created switched off', async () => {
    const created = await deny.created({
      conditionType: 'USER',
      conditionValue: 'dormant',
      conditionStatus: false,
    });
    expect(created.conditionStatus).toBe(false);
    expect((await deny.get(created.conditionId)).body.conditionStatus).toBe(false);
  });

  describe('one policy per thing denied (409)', () => {
    it('the same API, application or user twice', async () => {
      const other = await ctx.apis.created(minimalApi());
      const apiValue = `${other.context}/${other.version}`;
      await deny.created({ conditionType: 'API', conditionValue: apiValue });
      expectError(await deny.create({ conditionType: 'API', conditionValue: apiValue }), 409, 409, apiValue);

      const app = await alice.application(uniqueName('twice'));
      const appValue = `${alice.username}:${app.name}`;
      await deny.created({ conditionType: 'APPLICATION', conditionValue: appValue });
      expectError(await deny.create({ conditionType: 'APPLICATION', conditionValue: appValue }), 409, 409);

      await deny.created({ conditionType: 'USER', conditionValue: 'eve' });
      expectError(await deny.create({ conditionType: 'USER', conditionValue: 'eve' }), 409, 409, 'eve');
      expectError(await deny.create({ conditionType: 'USER', conditionValue: ' eve ' }), 409, 409, 'eve');
      // Whatever the status: a second, switched-off copy is a duplicate as well.
      expectError(
        await deny.create({ conditionType: 'USER', conditionValue: 'eve', conditionStatus: false }),
        409,
        409,
      );
    });

    it('the same address written another way', async () => {
      await deny.created(ip('2001:db8::7'));
      expectError(await deny.create(ip('2001:0db8:0000:0000:0000:0000:0000:0007')), 409, 409);
      expectError(await deny.create(ip('2001:DB8::7')), 409, 409);
      expectError(await deny.create(ip('2001:db8:0:0::7', false)), 409, 409);

      await deny.created(ip('::1'));
      expectError(await deny.create(ip('0:0:0:0:0:0:0:1')), 409, 409);

      await deny.created(ip('::ffff:192.0.2.99'));
      expectError(await deny.create(ip('::ffff:c000:263')), 409, 409);

      await deny.created(ip('203.0.113.5'));
      expectError(await deny.create(ip('203.0.113.5', false)), 409, 409);
    });

    it('the same range written another way', async () => {
      await deny.created(range('2001:db8:5::1', '2001:db8:5::ff'));
      expectError(
        await deny.create(range('2001:0db8:0005:0000:0000:0000:0000:0001', '2001:db8:5:0:0:0:0:ff')),
        409,
        409,
      );
      await deny.created(range('203.0.113.0', '203.0.113.127'));
      expectError(await deny.create(range('203.0.113.0', '203.0.113.127', false)), 409, 409);
    });

    it('the same value under another type, or a different range, is no duplicate', async () => {
      await deny.created(ip('203.0.113.200'));
      await deny.created(range('203.0.113.200', '203.0.113.200'));
      await deny.created(range('203.0.113.200', '203.0.113.201'));
      await deny.created({ conditionType: 'USER', conditionValue: 'trudy' });
    });

    it('a deleted policy can be made again', async () => {
      const created = await deny.created(ip('203.0.113.77'));
      expect((await deny.delete(created.conditionId)).status).toBe(200);
      const again = await deny.created(ip('203.0.113.77'));
      expect(again.conditionId).not.toBe(created.conditionId);
    });
  });

  describe('GET /throttling/deny-policies', () => {
    /** One policy of each type, made for these tests. */
    let listed: { api: Json; apiValue: string; policies: Json[] };

    beforeAll(async () => {
      const target = await ctx.apis.created(minimalApi({ name: uniqueName('listed') }));
      const app = await alice.application(uniqueName('listed'));
      const apiValue = `${target.context}/${target.version}`;
      const policies = [];
      for (const policy of [
        { conditionType: 'API', conditionValue: apiValue },
        { conditionType: 'APPLICATION', conditionValue: `${alice.username}:${app.name}` },
        { conditionType: 'USER', conditionValue: uniqueName('listed') },
        ip('100.64.7.1'),
        range('100.64.8.0', '100.64.8.255'),
      ]) {
        policies.push(await deny.created(policy));
      }
      listed = { api: target, apiValue, policies };
    });

    it('lists every policy, with count', async () => {
      const reply = await deny.list();
      expect(reply.status).toBe(200);
      expect(reply.body.count).toBe(reply.body.list.length);
      expect(reply.body.list).toEqual(expect.arrayContaining(listed.policies));
    });

    it('query=conditionType:IP lists only IP policies (any case of the type)', async () => {
      const all = (await deny.list()).body.list as Json[];
      for (const type of ['IP', 'IPRANGE', 'USER', 'API', 'APPLICATION']) {
        const reply = await deny.list(`conditionType:${type}`);
        expect(reply.status).toBe(200);
        expect(reply.body.list).toEqual(all.filter((p) => p.conditionType === type));
        expect(reply.body.list).toContainEqual(listed.policies.find((p) => p.conditionType === type));
        expect(reply.body.count).toBe(reply.body.list.length);
      }
      expect((await deny.list('conditionType:ip')).body.list).toEqual(
        all.filter((p) => p.conditionType === 'IP'),
      );
    });

    it('conditionValue matches part of the value, alone or with conditionType', async () => {
      const [apiPolicy, , , , rangePolicy] = listed.policies;
      expect((await deny.list(`conditionValue:${listed.apiValue}`)).body.list).toEqual([apiPolicy]);
      expect((await deny.list('conditionValue:100.64.8')).body.list).toEqual([rangePolicy]);
      const both = await deny.list(`conditionType:API conditionValue:${listed.api.context}`);
      expect(both.body).toEqual({ count: 1, list: [apiPolicy] });
      const neither = await deny.list(`conditionType:USER conditionValue:${listed.api.context}`);
      expect(neither.body).toEqual({ count: 0, list: [] });
      // WSO2's exact match: the value in double quotes.
      expect((await deny.list(`conditionValue:"${listed.apiValue}"`)).body.list).toEqual([apiPolicy]);
      expect((await deny.list(`conditionValue:"${listed.api.context}"`)).body.count).toBe(0);
    });

    // admin-api.yaml documents "conditionType:API & conditionValue:test/1.0.0"; WSO2's own integration tests
    // send "conditionType:API&conditionValue:/test". Both must filter on type and value.
    it.each(['&', ' & '])("takes WSO2's combined form conditionType:API%sconditionValue:…", async (and) => {
      const [apiPolicy] = listed.policies;
      const reply = await deny.list(`conditionType:API${and}conditionValue:${listed.api.context}`);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toEqual({ count: 1, list: [apiPolicy] });
    });

    it('refuses a query on anything else (400)', async () => {
      const reply = await deny.list('conditionStatus:true');
      expectError(reply, 400, 400, 'conditionType');
    });
  });

  describe('one policy', () => {
    it('PATCH switches conditionStatus off and on', async () => {
      const created = await deny.created(ip('192.0.2.50'));
      const off = await deny.patch(created.conditionId, { conditionStatus: false });
      expect(off.status).toBe(200);
      expect(off.body).toEqual({ ...created, conditionStatus: false });
      expect((await deny.get(created.conditionId)).body.conditionStatus).toBe(false);
      const listed = (await deny.list('conditionType:IP')).body.list.find(
        (p: Json) => p.conditionId === created.conditionId,
      );
      expect(listed.conditionStatus).toBe(false);
      // WSO2's BlockingConditionStatus may repeat the id.
      const on = await deny.patch(created.conditionId, {
        conditionId: created.conditionId,
        conditionStatus: true,
      });
      expect(on.body).toEqual(created);
    });

    it('PATCH without conditionStatus is 400; PATCH, GET and DELETE of an unknown id are 404', async () => {
      const created = await deny.created(ip('192.0.2.51'));
      expect400(await deny.patch(created.conditionId, {}), 'conditionStatus');
      expect((await deny.patch(created.conditionId, { conditionStatus: 'off' })).status).toBe(400);
      const unknown = 'b513eb68-69e8-4c32-92cf-852c101363cf';
      expectError(await deny.get(unknown), 404, 404, unknown);
      expectError(await deny.patch(unknown, { conditionStatus: false }), 404, 404, unknown);
      expectError(await deny.delete(unknown), 404, 404, unknown);
    });

    it('DELETE removes it', async () => {
      const created = await deny.created({ conditionType: 'USER', conditionValue: 'gone-soon' });
      const deleted = await deny.delete(created.conditionId);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toBeUndefined();
      expect((await deny.get(created.conditionId)).status).toBe(404);
      expect((await deny.list('conditionValue:gone-soon')).body.count).toBe(0);
      expect((await deny.delete(created.conditionId)).status).toBe(404);
    });
  });

  describe('who may read and change deny policies', () => {
    async function adminWith(scope: string): Promise<DenyPolicies> {
      const tokens = await ctx.tokenFor(adminCredentials(ctx.node), scope);
      expect(tokens.scope).toBe(scope);
      return deny.withToken(tokens.access_token);
    }

    it('apim:bl_view reads but cannot change', async () => {
      const viewer = await adminWith('apim:bl_view');
      const existing = await deny.created(ip('192.0.2.60'));
      expect((await viewer.list()).status).toBe(200);
      expect((await viewer.get(existing.conditionId)).status).toBe(200);
      expect403(await viewer.create(ip('192.0.2.61')), 'apim:admin', 'apim:bl_manage');
      expect403(await viewer.patch(existing.conditionId, { conditionStatus: false }), 'apim:bl_manage');
      expect403(await viewer.delete(existing.conditionId), 'apim:bl_manage');
      expect((await deny.get(existing.conditionId)).body).toEqual(existing);
    });

    it('apim:bl_manage creates, switches and deletes (reading needs apim:bl_view, as in WSO2)', async () => {
      const manager = await adminWith('apim:bl_manage');
      const created = await manager.create(ip('192.0.2.62'));
      expect(created.status).toBe(201);
      expect((await manager.patch(created.body.conditionId, { conditionStatus: false })).status).toBe(200);
      expect403(await manager.list(), 'apim:bl_view');
      expect((await manager.delete(created.body.conditionId)).status).toBe(200);
    });

    it('apim:admin alone does everything', async () => {
      const admin = await adminWith('apim:admin');
      const created = await admin.create(ip('192.0.2.63'));
      expect(created.status).toBe(201);
      expect((await admin.get(created.body.conditionId)).status).toBe(200);
      expect((await admin.list('conditionType:IP')).status).toBe(200);
      expect((await admin.patch(created.body.conditionId, { conditionStatus: false })).status).toBe(200);
      expect((await admin.delete(created.body.conditionId)).status).toBe(200);
    });

    it('a publisher, a creator and a subscriber get 403', async () => {
      const existing = await deny.created(ip('192.0.2.64'));
      for (const role of ['publisher', 'creator', 'subscriber']) {
        const user = await newUserToken(
          ctx,
          users,
          [role],
          'apim:bl_view apim:bl_manage apim:admin apim:api_view',
        );
        expect(user.scope, role).not.toContain('apim:bl_');
        const caller = deny.withToken(user.token);
        expect403(await caller.list(), 'apim:bl_view');
        expect403(await caller.get(existing.conditionId), 'apim:bl_view');
        expect403(await caller.create(ip('192.0.2.65')), 'apim:bl_manage');
        expect403(await caller.patch(existing.conditionId, { conditionStatus: false }), 'apim:bl_manage');
        expect403(await caller.delete(existing.conditionId), 'apim:bl_manage');
      }
      expect((await deny.get(existing.conditionId)).body).toEqual(existing);
    });

    it('no token is 401; a bad one is 401', async () => {
      expectError(await deny.withToken(null).list(), 401, 900902);
      expectError(await deny.withToken(null).create(ip('192.0.2.66')), 401, 900902);
      expectError(await deny.withToken('made-up').list(), 401, 900901);
    });
  });
});

describe.runIf(rabbitUp)('DENY_POLICY_* events on notification (RabbitMQ)', () => {
  let ctx: PublisherContext;
  let deny: DenyPolicies;
  let observer: TopicObserver;

  beforeAll(async () => {
    observer = await TopicObserver.start('notification');
    ctx = await startPublisherNode('sqlite', RABBITMQ_ENV);
    deny = new DenyPolicies(ctx.node, ctx.api.token);
  });

  afterAll(async () => {
    await ctx?.close();
    await observer?.close();
  });

  it('announces creation, each switch, and deletion with the policy', async () => {
    const user = uniqueName('denied');
    const created = await deny.created({ conditionType: 'USER', conditionValue: user });
    const { conditionId } = created;
    const [create] = await observer.wait('DENY_POLICY_CREATE', { conditionId });
    expect(create!.payload).toEqual({
      conditionId,
      conditionType: 'USER',
      conditionValue: user,
      conditionStatus: true,
    });
    expect(create).toMatchObject({ id: expect.any(String), timestamp: expect.any(Number) });

    expect((await deny.patch(conditionId, { conditionStatus: false })).status).toBe(200);
    const [off] = await observer.wait('DENY_POLICY_UPDATE', { conditionId, conditionStatus: false });
    expect(off!.payload).toEqual({ ...created, conditionStatus: false });

    expect((await deny.patch(conditionId, { conditionStatus: true })).status).toBe(200);
    const [on] = await observer.wait('DENY_POLICY_UPDATE', { conditionId, conditionStatus: true });
    expect(on!.payload).toEqual(created);

    expect((await deny.delete(conditionId)).status).toBe(200);
    const [deleted] = await observer.wait('DENY_POLICY_DELETE', { conditionId });
    expect(deleted!.payload).toEqual(created);
  });

  it('an IP policy travels with its object value; refused changes announce nothing', async () => {
    const created = await deny.created(ip('2001:db8:e::1'));
    const { conditionId } = created;
    const [create] = await observer.wait('DENY_POLICY_CREATE', { conditionId });
    expect(create!.payload['conditionValue']).toEqual({ fixedIp: '2001:db8:e::1', invert: false });

    expect((await deny.create(ip('2001:db8:e:0::1'))).status).toBe(409);
    expect((await deny.create(ip('not-an-ip'))).status).toBe(400);
    expect((await deny.patch(conditionId, {})).status).toBe(400);
    // One last change: events of one node arrive in order, so any event of the refused calls would be seen first.
    expect((await deny.delete(conditionId)).status).toBe(200);
    await observer.wait('DENY_POLICY_DELETE', { conditionId });
    const about = (e: { payload: Json }) =>
      JSON.stringify(e.payload['conditionValue'] ?? '').includes('2001:db8:e') ||
      e.payload['conditionId'] === conditionId;
    expect(
      observer.events.filter((e) => e.type.startsWith('DENY_POLICY_') && about(e)).map((e) => e.type),
    ).toEqual(['DENY_POLICY_CREATE', 'DENY_POLICY_DELETE']);
  });
});
