/**
 * WSO2's default API lifecycle through POST /apis/change-lifecycle: every allowed transition, illegal
 * actions (400 listing what is allowed), the Publish prerequisites, lifecycle-state, lifecycle-history, and
 * isDefaultVersion moving between the versions of one API. Runs on SQLite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserAdmin } from '../support/oauth-helpers.js';
import { postgresAvailable } from '../support/services.js';
import {
  PublisherApi,
  expectError,
  minimalApi,
  publishableApi,
  startPublisherNode,
  uniqueName,
  type Json,
  type PublisherContext,
} from './apis-client.js';

const postgresUp = await postgresAvailable();

type State = 'CREATED' | 'PROTOTYPED' | 'PUBLISHED' | 'BLOCKED' | 'DEPRECATED' | 'RETIRED';

/** WSO2's APILifeCycle.xml: from each state, each action and where it leads (in the order WSO2 lists them). */
const WSO2_LIFECYCLE: Record<State, [string, State][]> = {
  CREATED: [
    ['Publish', 'PUBLISHED'],
    ['Deploy as a Prototype', 'PROTOTYPED'],
  ],
  PROTOTYPED: [
    ['Publish', 'PUBLISHED'],
    ['Deploy as a Prototype', 'PROTOTYPED'],
    ['Demote to Created', 'CREATED'],
  ],
  PUBLISHED: [
    ['Publish', 'PUBLISHED'],
    ['Block', 'BLOCKED'],
    ['Deploy as a Prototype', 'PROTOTYPED'],
    ['Demote to Created', 'CREATED'],
    ['Deprecate', 'DEPRECATED'],
  ],
  BLOCKED: [
    ['Re-Publish', 'PUBLISHED'],
    ['Deprecate', 'DEPRECATED'],
  ],
  DEPRECATED: [['Retire', 'RETIRED']],
  RETIRED: [],
};

/** How to reach each state from CREATED. */
const PATH_TO: Record<State, string[]> = {
  CREATED: [],
  PROTOTYPED: ['Deploy as a Prototype'],
  PUBLISHED: ['Publish'],
  BLOCKED: ['Publish', 'Block'],
  DEPRECATED: ['Publish', 'Deprecate'],
  RETIRED: ['Publish', 'Deprecate', 'Retire'],
};

const ALL_ACTIONS = [
  'Publish',
  'Deploy as a Prototype',
  'Demote to Created',
  'Block',
  'Re-Publish',
  'Deprecate',
  'Retire',
];

/** `PUBLISHED` → `Published`. */
const display = (state: State) => state.charAt(0) + state.slice(1).toLowerCase();
const transitionsOf = (state: State) =>
  WSO2_LIFECYCLE[state].map(([event, target]) => ({ event, targetState: display(target) }));

const allowed = Object.entries(WSO2_LIFECYCLE).flatMap(([from, actions]) =>
  actions.map(([action, to]) => [from as State, action, to] as const),
);
const illegal = Object.entries(WSO2_LIFECYCLE).flatMap(([from, actions]) =>
  ALL_ACTIONS.filter((a) => !actions.some(([action]) => action === a)).map(
    (action) => [from as State, action] as const,
  ),
);

describe.each(['sqlite', 'postgres'] as const)('API lifecycle [%s]', (engine) => {
  if (engine === 'postgres' && !postgresUp) return;
  let ctx: PublisherContext;

  beforeAll(async () => {
    ctx = await startPublisherNode(engine);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  async function apiIn(state: State, overrides: Json = {}): Promise<Json> {
    const api = await ctx.apis.created(publishableApi(overrides));
    await ctx.apis.move(api.id, ...PATH_TO[state]);
    expect((await ctx.apis.get(api.id)).body.lifeCycleStatus).toBe(state);
    return api;
  }

  it('covers every action of the table', () => {
    expect(allowed).toHaveLength(13);
    expect(allowed.length + illegal.length).toBe(6 * ALL_ACTIONS.length);
  });

  it.each(allowed)('%s --%s--> %s', async (from, action, to) => {
    const api = await apiIn(from);
    const reply = await ctx.apis.changeLifecycle(api.id, action);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toEqual({
      workflowStatus: 'APPROVED',
      lifecycleState: { state: display(to), checkItems: [], availableTransitions: transitionsOf(to) },
    });
    const after = (await ctx.apis.get(api.id)).body;
    expect(after.lifeCycleStatus).toBe(to);
    expect(Number(after.lastUpdatedTime)).toBeGreaterThanOrEqual(Number(api.lastUpdatedTime));
    const state = await ctx.apis.lifecycleState(api.id);
    expect(state.status).toBe(200);
    expect(state.body).toEqual(reply.body.lifecycleState);
  });

  it.each(illegal)('%s refuses %s with 400 listing the allowed actions', async (from, action) => {
    const api = await apiIn(from);
    const reply = await ctx.apis.changeLifecycle(api.id, action);
    const allowedActions = WSO2_LIFECYCLE[from].map(([a]) => a).join(', ') || 'none';
    expectError(reply, 400, 400, `"${action}"`, display(from), `allowed: ${allowedActions}`);
    expect((await ctx.apis.get(api.id)).body.lifeCycleStatus).toBe(from);
    expect((await ctx.apis.lifecycleHistory(api.id)).body.count).toBe(PATH_TO[from].length);
  });

  it('400 for an action WSO2 does not define, or without apiId or action; 404 for an unknown API', async () => {
    const api = await apiIn('CREATED');
    expectError(await ctx.apis.changeLifecycle(api.id, 'Destroy'), 400, 400, 'action');
    expectError(await ctx.apis.changeLifecycle(api.id, 'publish'), 400, 400, 'action');
    const template = { template: '/apis/change-lifecycle' };
    expectError(
      await ctx.apis.call('POST', `/apis/change-lifecycle?apiId=${api.id}`, template),
      400,
      400,
      'action',
    );
    expectError(
      await ctx.apis.call('POST', '/apis/change-lifecycle?action=Publish', template),
      400,
      400,
      'apiId',
    );
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectError(await ctx.apis.changeLifecycle(unknown, 'Publish'), 404, 404, unknown);
    expectError(await ctx.apis.lifecycleState(unknown), 404, 404, unknown);
    expectError(await ctx.apis.lifecycleHistory(unknown), 404, 404, unknown);
  });

  describe('Publish prerequisites', () => {
    it('an API without endpointConfig can be neither published nor prototyped', async () => {
      const api = await ctx.apis.created(minimalApi({ policies: ['Gold'] }));
      expectError(await ctx.apis.changeLifecycle(api.id, 'Publish'), 400, 400, 'endpointConfig', 'Publish');
      expectError(
        await ctx.apis.changeLifecycle(api.id, 'Deploy as a Prototype'),
        400,
        400,
        'endpointConfig',
        'Deploy as a Prototype',
      );
      expect((await ctx.apis.get(api.id)).body.lifeCycleStatus).toBe('CREATED');
      expect((await ctx.apis.lifecycleHistory(api.id)).body).toEqual({ count: 0, list: [] });
    });

    it('an API without subscription policies may be prototyped but not published', async () => {
      const api = await ctx.apis.created(publishableApi({ policies: [] }));
      expectError(await ctx.apis.changeLifecycle(api.id, 'Publish'), 400, 400, 'subscription policy');
      await ctx.apis.move(api.id, 'Deploy as a Prototype');
      expectError(await ctx.apis.changeLifecycle(api.id, 'Publish'), 400, 400, 'policies');
      const current = (await ctx.apis.get(api.id)).body;
      expect((await ctx.apis.update(api.id, { ...current, policies: ['Bronze'] })).status).toBe(200);
      await ctx.apis.move(api.id, 'Publish');
      expect((await ctx.apis.get(api.id)).body.lifeCycleStatus).toBe('PUBLISHED');
    });

    it('Re-Publish checks the prerequisites again', async () => {
      const api = await apiIn('BLOCKED');
      const current = (await ctx.apis.get(api.id)).body;
      expect((await ctx.apis.update(api.id, { ...current, policies: [] })).status).toBe(200);
      expectError(await ctx.apis.changeLifecycle(api.id, 'Re-Publish'), 400, 400, 'policies');
      expect((await ctx.apis.get(api.id)).body.lifeCycleStatus).toBe('BLOCKED');
    });
  });

  describe('lifecycle-state', () => {
    it('a new API is Created, with Publish and Deploy as a Prototype available', async () => {
      const api = await ctx.apis.created(minimalApi());
      const reply = await ctx.apis.lifecycleState(api.id);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        state: 'Created',
        checkItems: [],
        availableTransitions: [
          { event: 'Publish', targetState: 'Published' },
          { event: 'Deploy as a Prototype', targetState: 'Prototyped' },
        ],
      });
    });

    it.each(Object.keys(PATH_TO) as State[])('in %s lists its transitions', async (state) => {
      const api = await apiIn(state);
      expect((await ctx.apis.lifecycleState(api.id)).body).toEqual({
        state: display(state),
        checkItems: [],
        availableTransitions: transitionsOf(state),
      });
    });
  });

  describe('lifecycle-history', () => {
    it('records each change in order with the user and an ISO time', async () => {
      const users = await UserAdmin.create(ctx.node, ctx.as, ctx.client);
      const publisherName = uniqueName('pub');
      const credentials = await users.add(publisherName, 'a-long-enough-password-1', ['publisher']);
      const publisher = new PublisherApi(
        ctx.node,
        (await ctx.tokenFor(credentials, 'apim:api_publish apim:api_view')).access_token,
      );

      const api = await ctx.apis.created(publishableApi());
      expect((await ctx.apis.lifecycleHistory(api.id)).body).toEqual({ count: 0, list: [] });
      const start = Date.now();
      await ctx.apis.move(api.id, 'Deploy as a Prototype', 'Publish');
      await publisher.move(api.id, 'Block', 'Re-Publish', 'Deprecate');
      await ctx.apis.move(api.id, 'Retire');
      const end = Date.now();

      const reply = await publisher.lifecycleHistory(api.id);
      expect(reply.status).toBe(200);
      expect(reply.body.count).toBe(6);
      const entry = (previousState: string, postState: string, user: string) => ({
        previousState,
        postState,
        user,
        updatedTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      expect(reply.body.list).toEqual([
        entry('Created', 'Prototyped', 'admin'),
        entry('Prototyped', 'Published', 'admin'),
        entry('Published', 'Blocked', publisherName),
        entry('Blocked', 'Published', publisherName),
        entry('Published', 'Deprecated', publisherName),
        entry('Deprecated', 'Retired', 'admin'),
      ]);
      const times = reply.body.list.map((e: Json) => Date.parse(e.updatedTime));
      for (const time of times) {
        expect(time).toBeGreaterThanOrEqual(start);
        expect(time).toBeLessThanOrEqual(end);
      }
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    });

    it('refused actions and plain updates leave no history', async () => {
      const api = await ctx.apis.created(publishableApi());
      await ctx.apis.changeLifecycle(api.id, 'Retire');
      await ctx.apis.update(api.id, { ...api, description: 'edited' });
      expect((await ctx.apis.lifecycleHistory(api.id)).body).toEqual({ count: 0, list: [] });
    });
  });

  describe('isDefaultVersion', () => {
    it('moves to the version last made default, only among versions of the same name', async () => {
      const v1 = await ctx.apis.created(minimalApi({ isDefaultVersion: true }));
      const other = await ctx.apis.created(minimalApi({ isDefaultVersion: true }));
      const version = (v: string, isDefaultVersion: boolean) =>
        ctx.apis.created(
          publishableApi({ name: v1.name, context: v1.context, version: v, isDefaultVersion }),
        );
      const defaults = async (...ids: string[]) =>
        Promise.all(ids.map(async (id) => (await ctx.apis.get(id)).body.isDefaultVersion));

      expect(v1.isDefaultVersion).toBe(true);
      const v2 = await version('2.0.0', true);
      expect(v2.isDefaultVersion).toBe(true);
      expect(await defaults(v1.id, v2.id, other.id)).toEqual([false, true, true]);

      const v3 = await version('3.0.0', false);
      expect(await defaults(v1.id, v2.id, v3.id)).toEqual([false, true, false]);

      const current = (await ctx.apis.get(v1.id)).body;
      const reply = await ctx.apis.update(v1.id, { ...current, isDefaultVersion: true });
      expect(reply.status).toBe(200);
      expect(reply.body.isDefaultVersion).toBe(true);
      expect(await defaults(v1.id, v2.id, v3.id, other.id)).toEqual([true, false, false, true]);

      // A lifecycle change leaves it where it is.
      await ctx.apis.changeLifecycle(v2.id, 'Deploy as a Prototype');
      expect(await defaults(v1.id, v2.id, v3.id)).toEqual([true, false, false]);
      // Setting it false on the default leaves no default version.
      const latest = (await ctx.apis.get(v1.id)).body;
      expect((await ctx.apis.update(v1.id, { ...latest, isDefaultVersion: false })).status).toBe(200);
      expect(await defaults(v1.id, v2.id, v3.id)).toEqual([false, false, false]);
    });
  });
});
