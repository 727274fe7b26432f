/**
 * Who may call the publisher API for APIs: the scopes each resource needs (view: api_view, api_create or
 * api_publish; create: api_create; edit: api_create or api_publish; delete: api_delete; lifecycle:
 * api_publish) and what the creator, publisher and subscriber roles are granted. 401 without a valid token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserAdmin, adminCredentials, type Credentials } from '../support/oauth-helpers.js';
import {
  ALL_API_SCOPES,
  PublisherApi,
  expectError,
  publishableApi,
  startPublisherNode,
  uniqueName,
  type Json,
  type PublisherContext,
  type PublisherReply,
} from './apis-client.js';

let ctx: PublisherContext;
let users: UserAdmin;

beforeAll(async () => {
  ctx = await startPublisherNode();
  users = await UserAdmin.create(ctx.node, ctx.as, ctx.client);
});
afterAll(async () => {
  await ctx?.close();
});

/** A PublisherApi for a new user with these roles, asking every API scope; checks what was granted. */
async function asRole(role: string, granted: string): Promise<{ api: PublisherApi; username: string }> {
  const username = uniqueName(role);
  const credentials = await users.add(username, 'a-long-enough-password-1', [role]);
  const tokens = await ctx.tokenFor(credentials, ALL_API_SCOPES);
  expect(tokens.scope).toBe(granted);
  return { api: ctx.apis.withToken(tokens.access_token), username };
}

async function adminWith(scope: string): Promise<PublisherApi> {
  const credentials: Credentials = adminCredentials(ctx.node);
  const tokens = await ctx.tokenFor(credentials, scope);
  expect(tokens.scope).toBe(scope);
  return ctx.apis.withToken(tokens.access_token);
}

/** An API made by the admin, in CREATED, ready to publish. */
const existing = () => ctx.apis.created(publishableApi());

/** Every operation of the resource, against `api` (an existing API's body). */
function everyCall(caller: PublisherApi, api: Json): Record<string, () => Promise<PublisherReply>> {
  return {
    list: () => caller.list(),
    get: () => caller.get(api.id),
    'lifecycle-state': () => caller.lifecycleState(api.id),
    'lifecycle-history': () => caller.lifecycleHistory(api.id),
    create: () => caller.create(publishableApi()),
    update: () => caller.update(api.id, { ...api, description: 'changed' }),
    'change-lifecycle': () => caller.changeLifecycle(api.id, 'Publish'),
    delete: () => caller.delete(api.id),
  };
}

function expect403(reply: PublisherReply, ...scopes: string[]): void {
  expectError(reply, 403, 900910, ...scopes);
  expect(reply.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
}

describe('roles', () => {
  it('a creator views, creates, edits and deletes APIs but cannot change their lifecycle', async () => {
    const { api: creator, username } = await asRole(
      'creator',
      'apim:api_view apim:api_create apim:api_delete',
    );
    const own = await creator.created(publishableApi());
    expect(own.provider).toBe(username);
    const theirs = await existing();

    for (const api of [own, theirs]) {
      expect((await creator.list({ query: `name:${api.name}` })).body.count).toBe(1);
      expect((await creator.get(api.id)).status).toBe(200);
      expect((await creator.lifecycleState(api.id)).status).toBe(200);
      expect((await creator.lifecycleHistory(api.id)).status).toBe(200);
      const updated = await creator.update(api.id, { ...api, description: 'by the creator' });
      expect(updated.status).toBe(200);
      expect(updated.body.description).toBe('by the creator');
      expect403(await creator.changeLifecycle(api.id, 'Publish'), 'apim:api_publish');
      expect((await ctx.apis.get(api.id)).body.lifeCycleStatus).toBe('CREATED');
      expect((await creator.delete(api.id)).status).toBe(200);
      expectError(await ctx.apis.get(api.id), 404, 404);
    }
  });

  it('a publisher views, edits and changes the lifecycle but cannot create or delete', async () => {
    const { api: publisher, username } = await asRole('publisher', 'apim:api_view apim:api_publish');
    const api = await existing();

    expect((await publisher.list({ query: `name:${api.name}` })).body.count).toBe(1);
    expect((await publisher.get(api.id)).status).toBe(200);
    const updated = await publisher.update(api.id, { ...api, description: 'by the publisher' });
    expect(updated.status).toBe(200);
    expect(updated.body.description).toBe('by the publisher');
    await publisher.move(api.id, 'Publish', 'Block');
    expect((await publisher.lifecycleState(api.id)).body.state).toBe('Blocked');
    const history = await publisher.lifecycleHistory(api.id);
    expect(history.body.list.map((e: Json) => e.user)).toEqual([username, username]);

    expect403(await publisher.create(publishableApi()), 'apim:api_create');
    expect403(await publisher.delete(api.id), 'apim:api_delete');
    expect((await ctx.apis.get(api.id)).status).toBe(200);
  });

  it('a subscriber is granted none of the API scopes: 403 900910 everywhere', async () => {
    const { api: subscriber } = await asRole('subscriber', 'default');
    const api = await existing();
    for (const [name, call] of Object.entries(everyCall(subscriber, api))) {
      const reply = await call();
      expect(reply.status, name).toBe(403);
      expect403(reply);
    }
    const after = (await ctx.apis.get(api.id)).body;
    expect(after).toEqual(api);
  });
});

describe('scopes', () => {
  const cases: [string, string[]][] = [
    ['apim:api_view', ['list', 'get', 'lifecycle-state', 'lifecycle-history']],
    ['apim:api_create', ['list', 'get', 'lifecycle-state', 'lifecycle-history', 'create', 'update']],
    [
      'apim:api_publish',
      ['list', 'get', 'lifecycle-state', 'lifecycle-history', 'update', 'change-lifecycle'],
    ],
    ['apim:api_delete', ['delete']],
  ];

  it.each(cases)('a token with only %s may call exactly: %s', async (scope, permitted) => {
    const caller = await adminWith(scope);
    const api = await existing();
    for (const [name, call] of Object.entries(everyCall(caller, api))) {
      const reply = await call();
      if (permitted.includes(name)) {
        expect([200, 201], `${name}: ${JSON.stringify(reply.body)}`).toContain(reply.status);
      } else {
        expect(reply.status, `${name}: ${JSON.stringify(reply.body)}`).toBe(403);
        expect403(reply);
      }
    }
  });

  it('the 403 names the scopes the resource accepts', async () => {
    const caller = await adminWith('apim:api_delete');
    const api = await existing();
    expect403(await caller.get(api.id), 'apim:api_view', 'apim:api_create', 'apim:api_publish');
    expect403(await caller.update(api.id, api), 'apim:api_create', 'apim:api_publish');
    expect403(await caller.changeLifecycle(api.id, 'Publish'), 'apim:api_publish');
  });
});

describe('authentication', () => {
  it('no token: 401 900902 with a Bearer challenge on every resource', async () => {
    const api = await existing();
    for (const [name, call] of Object.entries(everyCall(ctx.apis.withToken(null), api))) {
      const reply = await call();
      expect(reply.status, name).toBe(401);
      expectError(reply, 401, 900902);
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]+"$/);
    }
    expect((await ctx.apis.get(api.id)).body).toEqual(api);
  });

  it('an invalid token: 401 900901 with error="invalid_token"', async () => {
    const api = await existing();
    for (const [name, call] of Object.entries(everyCall(ctx.apis.withToken('not-a-real-token'), api))) {
      const reply = await call();
      expect(reply.status, name).toBe(401);
      expectError(reply, 401, 900901);
      expect(reply.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    }
  });

  it('no token: 401, not 400, even when the request is otherwise invalid', async () => {
    const anonymous = ctx.apis.withToken(null);
    expectError(await anonymous.create({ name: 'x' }), 401, 900902);
    expectError(await anonymous.list({ limit: 0 }), 401, 900902);
    expectError(await anonymous.changeLifecycle('some-id', 'Destroy'), 401, 900902);
  });

  it('a subscriber with an invalid body: 403, not 400', async () => {
    const { api: subscriber } = await asRole('subscriber', 'default');
    expect403(await subscriber.create({ name: 'x' }));
  });
});
