/**
 * What a gateway keeps in memory: loaded whole from a snapshot, then changed piece by piece; every change is a
 * set or a delete by id (so repeating one is harmless), and the routing table is swapped whole on API changes.
 */
import { describe, expect, it } from 'vitest';
import { RuntimeState } from '../../src/gateway/state/runtime-state.js';
import { deployedApi, snapshotOf } from './fixtures.js';

const app = (applicationId: string, name = applicationId) => ({
  applicationId,
  name,
  owner: 'alice',
  throttlingPolicy: '10PerMin',
  tokenType: 'JWT',
});
const mapping = (consumerKey: string, applicationId: string, keyType = 'PRODUCTION') => ({
  applicationId,
  keyMappingId: `km-${consumerKey}`,
  consumerKey,
  keyType,
});
const sub = (subscriptionId: string, applicationId: string, apiId: string, status = 'UNBLOCKED') => ({
  subscriptionId,
  applicationId,
  apiId,
  throttlingPolicy: 'Gold',
  status,
});

describe('RuntimeState', () => {
  it('starts empty, with no snapshot', () => {
    const state = new RuntimeState('Default', 60_000);
    expect(state.environment).toBe('Default');
    expect(state.snapshotAt).toBe(0);
    expect(state.apis.size).toBe(0);
    expect(state.routes.size).toBe(0);
    expect(state.denyPolicies).toEqual([]);
  });

  it('load replaces everything with the snapshot', () => {
    const state = new RuntimeState('Default', 60_000);
    const stale = deployedApi({ name: 'stale' });
    state.setApi(stale);
    state.applications.set('old-app', app('old-app'));
    state.keyMappings.set('old-key', mapping('old-key', 'old-app'));
    state.setSubscription(sub('old-sub', 'old-app', stale.apiId));
    state.setDenyPolicy({ conditionId: 'old', conditionType: 'USER', conditionValue: 'bob' });

    const fresh = deployedApi({ name: 'fresh' });
    state.load(
      snapshotOf({
        generatedAt: 1234,
        apis: [fresh],
        applications: [app('a1')],
        keyMappings: [mapping('k1', 'a1')],
        subscriptions: [sub('s1', 'a1', fresh.apiId)],
        denyPolicies: [{ conditionId: 'd1', conditionType: 'USER', conditionValue: 'eve' }],
      }),
    );
    expect(state.snapshotAt).toBe(1234);
    expect([...state.apis.keys()]).toEqual([fresh.apiId]);
    expect([...state.applications.keys()]).toEqual(['a1']);
    expect([...state.keyMappings.keys()]).toEqual(['k1']);
    expect(state.subscription('a1', fresh.apiId)?.subscriptionId).toBe('s1');
    expect(state.subscription('old-app', stale.apiId)).toBeUndefined();
    expect(state.denyPolicies.map((p) => p.conditionId)).toEqual(['d1']);
    expect(state.routes.find('localhost', '/fresh/1.0.0/x')).toBeDefined();
    expect(state.routes.find('localhost', '/stale/1.0.0/x')).toBeUndefined();
  });

  it('setApi replaces an API by id and swaps in a new routing table', () => {
    const state = new RuntimeState('Default', 60_000);
    const r1 = deployedApi({ name: 'swap', context: '/swap' });
    state.setApi(r1);
    const before = state.routes;
    expect(before.find('localhost', '/swap/1.0.0/x')?.route.deployed.revisionId).toBe(r1.revisionId);
    const r2 = { ...r1, revisionId: 'rev-two', api: { ...r1.api, version: '1.0.0' } };
    state.setApi(r2);
    expect(state.apis.size).toBe(1);
    expect(state.routes).not.toBe(before);
    // The old table still answers what it answered: requests under way are not affected by the swap.
    expect(before.find('localhost', '/swap/1.0.0/x')?.route.deployed.revisionId).toBe(r1.revisionId);
    expect(state.routes.find('localhost', '/swap/1.0.0/x')?.route.deployed.revisionId).toBe('rev-two');
  });

  it('removeApi removes once; removing what is not there changes nothing', () => {
    const state = new RuntimeState('Default', 60_000);
    const api = deployedApi({ name: 'gone' });
    state.setApi(api);
    state.removeApi(api.apiId);
    expect(state.apis.size).toBe(0);
    expect(state.routes.find('localhost', '/gone/1.0.0/x')).toBeUndefined();
    const routes = state.routes;
    state.removeApi(api.apiId);
    state.removeApi('never-there');
    expect(state.routes).toBe(routes);
  });

  it('setLifecycle changes the status of a deployed API; an unknown API or the same status is a no-op', () => {
    const state = new RuntimeState('Default', 60_000);
    const api = deployedApi({ name: 'life' });
    state.setApi(api);
    state.setLifecycle(api.apiId, 'BLOCKED');
    expect(state.apis.get(api.apiId)?.api.lifeCycleStatus).toBe('BLOCKED');
    expect(state.routes.find('localhost', '/life/1.0.0/x')?.route.api.lifeCycleStatus).toBe('BLOCKED');
    // The deployed object given to setApi was not mutated.
    expect(api.api.lifeCycleStatus).toBe('PUBLISHED');
    const routes = state.routes;
    state.setLifecycle(api.apiId, 'BLOCKED');
    expect(state.routes).toBe(routes);
    state.setLifecycle('unknown', 'PUBLISHED');
    expect(state.apis.has('unknown')).toBe(false);
  });

  it('subscriptions are kept per application and API; a delete removes only the subscription it names', () => {
    const state = new RuntimeState('Default', 60_000);
    state.setSubscription(sub('s1', 'a1', 'api1'));
    state.setSubscription(sub('s1', 'a1', 'api1', 'BLOCKED'));
    expect(state.toSnapshot().subscriptions.length).toBe(1);
    expect(state.subscription('a1', 'api1')?.status).toBe('BLOCKED');
    expect(state.subscription('a1', 'api2')).toBeUndefined();
    // Re-subscribed: a late delete of the old subscription must not remove the new one.
    state.setSubscription(sub('s2', 'a1', 'api1'));
    state.removeSubscription(sub('s1', 'a1', 'api1'));
    expect(state.subscription('a1', 'api1')?.subscriptionId).toBe('s2');
    state.removeSubscription(sub('s2', 'a1', 'api1'));
    state.removeSubscription(sub('s2', 'a1', 'api1'));
    expect(state.subscription('a1', 'api1')).toBeUndefined();
  });

  it('removeApplication also removes its key mappings and subscriptions, and nobody else’s', () => {
    const state = new RuntimeState('Default', 60_000);
    state.applications.set('a1', app('a1'));
    state.applications.set('a2', app('a2'));
    state.keyMappings.set('k1', mapping('k1', 'a1'));
    state.keyMappings.set('k1s', mapping('k1s', 'a1', 'SANDBOX'));
    state.keyMappings.set('k2', mapping('k2', 'a2'));
    state.setSubscription(sub('s1', 'a1', 'api1'));
    state.setSubscription(sub('s2', 'a2', 'api1'));
    state.removeApplication('a1');
    state.removeApplication('a1');
    expect([...state.applications.keys()]).toEqual(['a2']);
    expect([...state.keyMappings.keys()]).toEqual(['k2']);
    expect(state.subscription('a1', 'api1')).toBeUndefined();
    expect(state.subscription('a2', 'api1')?.subscriptionId).toBe('s2');
  });

  it('deny policies are set and removed by conditionId', () => {
    const state = new RuntimeState('Default', 60_000);
    state.setDenyPolicy({ conditionId: 'd1', conditionType: 'USER', conditionValue: 'eve' });
    state.setDenyPolicy({ conditionId: 'd2', conditionType: 'API', conditionValue: '/x/1' });
    state.setDenyPolicy({
      conditionId: 'd1',
      conditionType: 'USER',
      conditionValue: 'eve',
      conditionStatus: false,
    });
    expect(state.denyPolicies).toHaveLength(2);
    expect(state.denyPolicies.find((p) => p.conditionId === 'd1')?.conditionStatus).toBe(false);
    const before = state.denyPolicies;
    state.removeDenyPolicy('d2');
    state.removeDenyPolicy('d2');
    expect(state.denyPolicies.map((p) => p.conditionId)).toEqual(['d1']);
    // Replaced, not mutated: a request reading the old list is not affected.
    expect(before).toHaveLength(2);
  });
});
