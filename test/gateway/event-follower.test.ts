/**
 * The gateway following `notification` events, with a fake SnapshotSource whose answers the test releases in
 * any order: deployments fetched for this environment only, a fetch that a later event overtook never undoing
 * that event, every event idempotent (a replayed stream leaves the same state), what cannot be followed
 * precisely asking for a snapshot.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { newEvent, type HubEvent } from '../../src/events/topics.js';
import { EventFollower } from '../../src/gateway/state/event-follower.js';
import { RuntimeState } from '../../src/gateway/state/runtime-state.js';
import type { SnapshotSource } from '../../src/gateway/state/snapshot-source.js';
import type { DeployedApi } from '../../src/publisher/internal/internal-data-schemas.js';
import { deferred, deployedApi, flushPromises, silentLogger, type Deferred } from './fixtures.js';

/** Each deployedApi call waits until the test answers it. */
class FakeSource {
  readonly calls: { apiId: string; answer: Deferred<DeployedApi | undefined> }[] = [];

  deployedApi(apiId: string): Promise<DeployedApi | undefined> {
    const answer = deferred<DeployedApi | undefined>();
    this.calls.push({ apiId, answer });
    return answer.promise;
  }

  /** Answers every pending call with whatever the Publisher has now. */
  answerAll(current: (apiId: string) => DeployedApi | undefined): void {
    for (const call of this.calls.splice(0)) call.answer.resolve(current(call.apiId));
  }
}

const deploy = (api: DeployedApi, environment = 'Default') =>
  newEvent('DEPLOY_API_IN_GATEWAY', {
    apiId: api.apiId,
    revisionId: api.revisionId,
    environment,
    vhost: api.vhost,
  });
const remove = (api: DeployedApi, environment = 'Default') =>
  newEvent('REMOVE_API_FROM_GATEWAY', {
    apiId: api.apiId,
    revisionId: api.revisionId,
    environment,
    vhost: api.vhost,
  });
const lifecycle = (api: DeployedApi, lifecycleStatus: string) =>
  newEvent('API_LIFECYCLE_CHANGE', {
    apiId: api.apiId,
    name: api.api.name,
    version: api.api.version,
    context: api.api.context,
    provider: 'admin',
    lifecycleStatus,
  });
const application = (applicationId: string, name = 'app') => ({
  applicationId,
  name,
  owner: 'alice',
  throttlingPolicy: '10PerMin',
  tokenType: 'JWT',
});
const keyMapping = (consumerKey: string, applicationId: string, keyType = 'PRODUCTION') => ({
  applicationId,
  keyMappingId: `km-${consumerKey}`,
  consumerKey,
  keyType,
});
const subscription = (
  subscriptionId: string,
  applicationId: string,
  apiId: string,
  status = 'UNBLOCKED',
) => ({
  subscriptionId,
  applicationId,
  apiId,
  throttlingPolicy: 'Gold',
  status,
});

describe('EventFollower', () => {
  let state: RuntimeState;
  let source: FakeSource;
  let refresh: ReturnType<typeof vi.fn<() => void>>;
  let follower: EventFollower;

  beforeEach(() => {
    state = new RuntimeState('Default', 60_000);
    source = new FakeSource();
    refresh = vi.fn<() => void>();
    follower = new EventFollower(state, source as unknown as SnapshotSource, refresh, silentLogger());
  });

  /** Applies events one after the other, answering each fetch with `current` as soon as it is asked. */
  async function applyAll(events: HubEvent[], current: (apiId: string) => DeployedApi | undefined) {
    for (const event of events) {
      const applied = follower.apply(event);
      await flushPromises();
      source.answerAll(current);
      await applied;
    }
  }

  describe('deployments', () => {
    it('fetches a deployment to its environment and routes to it', async () => {
      const api = deployedApi({ name: 'dep' });
      await applyAll([deploy(api)], () => api);
      expect(source.calls).toHaveLength(0);
      expect(state.apis.get(api.apiId)).toEqual(api);
      expect(state.routes.find('localhost', '/dep/1.0.0/x')).toBeDefined();
    });

    it('ignores deployments to and removals from other environments', async () => {
      const api = deployedApi({ name: 'elsewhere' });
      await follower.apply(deploy(api, 'Staging'));
      expect(source.calls).toHaveLength(0);
      expect(state.apis.size).toBe(0);
      state.setApi(api);
      await follower.apply(remove(api, 'Staging'));
      expect(state.apis.has(api.apiId)).toBe(true);
      await follower.apply(remove(api));
      expect(state.apis.has(api.apiId)).toBe(false);
    });

    it('removes the API when the Publisher says it is no longer deployed', async () => {
      const api = deployedApi({ name: 'vanished' });
      state.setApi(api);
      await applyAll([deploy(api)], () => undefined);
      expect(state.apis.size).toBe(0);
    });

    it('asks for a snapshot when the deployment cannot be fetched, keeping what it serves', async () => {
      const api = deployedApi({ name: 'kept' });
      state.setApi(api);
      const applied = follower.apply(deploy({ ...api, revisionId: 'rev-new' }));
      await flushPromises();
      source.calls[0]!.answer.reject(new Error('the Publisher answered 503'));
      await applied;
      expect(refresh).toHaveBeenCalledTimes(1);
      expect(state.apis.get(api.apiId)?.revisionId).toBe(api.revisionId);
    });

    it('an event without an apiId is ignored', async () => {
      await follower.apply(newEvent('DEPLOY_API_IN_GATEWAY', { environment: 'Default' }));
      await follower.apply(newEvent('REMOVE_API_FROM_GATEWAY', { environment: 'Default' }));
      await follower.apply(newEvent('API_LIFECYCLE_CHANGE', { lifecycleStatus: 'BLOCKED' }));
      expect(source.calls).toHaveLength(0);
      expect(state.apis.size).toBe(0);
    });
  });

  describe('ordering: a late answer never undoes a newer event', () => {
    it('a removal that came while the deployment was being fetched wins', async () => {
      const api = deployedApi({ name: 'removed-meanwhile' });
      const deploying = follower.apply(deploy(api));
      await flushPromises();
      await follower.apply(remove(api));
      source.answerAll(() => api);
      await deploying;
      expect(state.apis.has(api.apiId)).toBe(false);
    });

    it('of two deployments whose answers arrive in reverse order, the later one stays', async () => {
      const r1 = deployedApi({ name: 'twice' });
      const r2 = { ...r1, revisionId: 'rev-2' };
      const first = follower.apply(deploy(r1));
      await flushPromises();
      const second = follower.apply(deploy(r2));
      await flushPromises();
      const [call1, call2] = source.calls;
      call2!.answer.resolve(r2);
      await second;
      call1!.answer.resolve(r1);
      await first;
      expect(state.apis.get(r1.apiId)?.revisionId).toBe('rev-2');
    });

    it('an API_DELETE during a fetch wins', async () => {
      const api = deployedApi({ name: 'deleted-meanwhile' });
      const deploying = follower.apply(deploy(api));
      await flushPromises();
      await follower.apply(newEvent('API_DELETE', { apiId: api.apiId, lifecycleStatus: 'PUBLISHED' }));
      source.answerAll(() => api);
      await deploying;
      expect(state.apis.size).toBe(0);
    });

    // Deploy, then publish at once (as the Publisher portal does): the lifecycle event arrives while the
    // deployment is still being fetched. The deployment is real and the API is PUBLISHED: it must be served.
    it('a lifecycle change that came while a first deployment was being fetched leaves the API deployed, in its new state', async () => {
      const created = deployedApi({ name: 'publish-meanwhile', lifeCycleStatus: 'CREATED' });
      const deploying = follower.apply(deploy(created));
      await flushPromises();
      await follower.apply(lifecycle(created, 'PUBLISHED'));
      // The fetch was answered before the lifecycle change reached the database.
      source.answerAll(() => created);
      await deploying;
      expect(state.apis.get(created.apiId)?.api.lifeCycleStatus).toBe('PUBLISHED');
      expect(state.routes.find('localhost', '/publish-meanwhile/1.0.0/x')).toBeDefined();
    });

    it('a lifecycle change that came while a new revision was being fetched applies to the new revision', async () => {
      const r1 = deployedApi({ name: 'block-meanwhile' });
      state.setApi(r1);
      const r2 = { ...r1, revisionId: 'rev-new' };
      const deploying = follower.apply(deploy(r2));
      await flushPromises();
      await follower.apply(lifecycle(r1, 'BLOCKED'));
      source.answerAll(() => r2);
      await deploying;
      expect(state.apis.get(r1.apiId)?.revisionId).toBe('rev-new');
      expect(state.apis.get(r1.apiId)?.api.lifeCycleStatus).toBe('BLOCKED');
    });
  });

  describe('lifecycle', () => {
    it('changes the status of a deployed API, and only of a deployed one', async () => {
      const api = deployedApi({ name: 'life' });
      state.setApi(api);
      await follower.apply(lifecycle(api, 'BLOCKED'));
      expect(state.apis.get(api.apiId)?.api.lifeCycleStatus).toBe('BLOCKED');
      await follower.apply(lifecycle(deployedApi({ name: 'not-here' }), 'PUBLISHED'));
      expect(state.apis.size).toBe(1);
      await follower.apply(newEvent('API_LIFECYCLE_CHANGE', { apiId: api.apiId, lifecycleStatus: 7 }));
      expect(state.apis.get(api.apiId)?.api.lifeCycleStatus).toBe('BLOCKED');
    });
  });

  describe('applications, keys, subscriptions, deny policies', () => {
    it('follows applications and removes what belongs to a deleted one', async () => {
      await follower.apply(newEvent('APPLICATION_CREATE', application('a1', 'first')));
      await follower.apply(newEvent('APPLICATION_UPDATE', application('a1', 'renamed')));
      await follower.apply(newEvent('APPLICATION_REGISTRATION_CREATE', keyMapping('client-1', 'a1')));
      await follower.apply(newEvent('SUBSCRIPTIONS_CREATE', subscription('s1', 'a1', 'api1')));
      expect(state.applications.get('a1')?.name).toBe('renamed');
      expect(state.keyMappings.get('client-1')?.applicationId).toBe('a1');
      await follower.apply(newEvent('APPLICATION_DELETE', application('a1', 'renamed')));
      expect(state.applications.size).toBe(0);
      expect(state.keyMappings.size).toBe(0);
      expect(state.toSnapshot().subscriptions.length).toBe(0);
    });

    it('follows key mappings', async () => {
      await follower.apply(newEvent('APPLICATION_REGISTRATION_CREATE', keyMapping('c1', 'a1', 'SANDBOX')));
      expect(state.keyMappings.get('c1')?.keyType).toBe('SANDBOX');
      await follower.apply(newEvent('REMOVE_APPLICATION_KEYMAPPING', keyMapping('c1', 'a1', 'SANDBOX')));
      expect(state.keyMappings.size).toBe(0);
    });

    it('follows subscriptions; a late delete of a replaced subscription keeps the new one', async () => {
      await follower.apply(newEvent('SUBSCRIPTIONS_CREATE', subscription('s1', 'a1', 'api1')));
      await follower.apply(newEvent('SUBSCRIPTIONS_UPDATE', subscription('s1', 'a1', 'api1', 'BLOCKED')));
      expect(state.subscription('a1', 'api1')?.status).toBe('BLOCKED');
      await follower.apply(newEvent('SUBSCRIPTIONS_CREATE', subscription('s2', 'a1', 'api1')));
      await follower.apply(newEvent('SUBSCRIPTIONS_DELETE', subscription('s1', 'a1', 'api1', 'BLOCKED')));
      expect(state.subscription('a1', 'api1')?.subscriptionId).toBe('s2');
      await follower.apply(newEvent('SUBSCRIPTIONS_DELETE', subscription('s2', 'a1', 'api1')));
      expect(state.subscription('a1', 'api1')).toBeUndefined();
    });

    it('follows deny policies', async () => {
      const policy = {
        conditionId: 'd1',
        conditionType: 'USER',
        conditionValue: 'eve',
        conditionStatus: true,
      };
      await follower.apply(newEvent('DENY_POLICY_CREATE', policy));
      await follower.apply(newEvent('DENY_POLICY_UPDATE', { ...policy, conditionStatus: false }));
      expect(state.denyPolicies).toEqual([{ ...policy, conditionStatus: false }]);
      await follower.apply(newEvent('DENY_POLICY_DELETE', policy));
      expect(state.denyPolicies).toEqual([]);
    });

    it('ignores malformed payloads and unknown event types', async () => {
      await follower.apply(newEvent('APPLICATION_CREATE', { applicationId: 'a1' }));
      await follower.apply(newEvent('APPLICATION_REGISTRATION_CREATE', { consumerKey: 'c1' }));
      await follower.apply(newEvent('SUBSCRIPTIONS_CREATE', { subscriptionId: 's1', applicationId: 'a1' }));
      await follower.apply(newEvent('DENY_POLICY_CREATE', { conditionType: 'NOPE', conditionValue: 'x' }));
      await follower.apply(newEvent('DENY_POLICY_DELETE', { conditionId: 42 }));
      await follower.apply(newEvent('USER_DELETE', { username: 'alice' }));
      expect(state.applications.size + state.keyMappings.size + state.toSnapshot().subscriptions.length).toBe(
        0,
      );
      expect(state.denyPolicies).toEqual([]);
      expect(refresh).not.toHaveBeenCalled();
    });

    it('a throttling policy change asks for a whole snapshot', async () => {
      for (const type of ['POLICY_CREATE', 'POLICY_UPDATE', 'POLICY_DELETE']) {
        await follower.apply(
          newEvent(type, { policyId: 'p', policyName: 'Gold', policyType: 'SUBSCRIPTION' }),
        );
      }
      expect(refresh).toHaveBeenCalledTimes(3);
    });
  });

  it('is idempotent: the same stream applied twice (or each event twice) leaves the same state', async () => {
    const kept = deployedApi({ name: 'kept-api' });
    const dropped = deployedApi({ name: 'dropped-api' });
    const publisher = new Map([
      [kept.apiId, { ...kept, api: { ...kept.api, lifeCycleStatus: 'BLOCKED' as const } }],
    ]);
    const stream = [
      deploy(kept),
      deploy(dropped),
      newEvent('APPLICATION_CREATE', application('a1')),
      newEvent('APPLICATION_CREATE', application('a2')),
      newEvent('APPLICATION_REGISTRATION_CREATE', keyMapping('c1', 'a1')),
      newEvent('APPLICATION_REGISTRATION_CREATE', keyMapping('c2', 'a2')),
      newEvent('SUBSCRIPTIONS_CREATE', subscription('s1', 'a1', kept.apiId)),
      newEvent('SUBSCRIPTIONS_UPDATE', subscription('s1', 'a1', kept.apiId, 'PROD_ONLY_BLOCKED')),
      newEvent('DENY_POLICY_CREATE', { conditionId: 'd1', conditionType: 'USER', conditionValue: 'eve' }),
      remove(dropped),
      lifecycle(kept, 'BLOCKED'),
      newEvent('APPLICATION_DELETE', application('a2')),
    ];
    const current = (apiId: string) => publisher.get(apiId);
    const view = () =>
      JSON.stringify({
        apis: [...state.apis.entries()],
        applications: [...state.applications.entries()],
        keyMappings: [...state.keyMappings.entries()],
        subscriptions: state.toSnapshot().subscriptions,
        deny: state.denyPolicies,
        routes: state.routes.size,
      });

    await applyAll(stream, current);
    const once = view();
    expect(state.apis.get(kept.apiId)?.api.lifeCycleStatus).toBe('BLOCKED');
    expect(state.apis.has(dropped.apiId)).toBe(false);
    expect([...state.applications.keys()]).toEqual(['a1']);
    expect(state.subscription('a1', kept.apiId)?.status).toBe('PROD_ONLY_BLOCKED');

    await applyAll(stream, current);
    expect(view()).toBe(once);
    await applyAll(
      stream.flatMap((event) => [event, event]),
      current,
    );
    expect(view()).toBe(once);
  });
});
