/**
 * The gateway following the control plane, end to end: a deployment, an undeployment, a lifecycle change and
 * a subscription change made through the Publisher and Developer Portal APIs take effect at the gateway
 * within 250 ms; a new revision deployed while calls keep coming fails none of them; and every call the
 * gateway routes is reported on the `requests` topic in REQUEST_BATCH events (observed by subscribing to the
 * node's in-process hub, found through a spy on the hub class).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { InProcessEventHub } from '../../src/events/in-process.js';
import type { HubEvent } from '../../src/events/topics.js';
import type { RequestEvent } from '../../src/events/request-event.js';
import { PublisherApi, publishableApi } from '../publisher/apis-client.js';
import { adminCredentials } from '../support/oauth-helpers.js';
import {
  DEFAULT_OPERATIONS,
  expectForwarded,
  httpEndpoints,
  timeUntil,
  useGatewayNode,
  type GatewayApi,
  type GatewayReply,
  type Subscribed,
  type TestBackend,
} from './gateway-support.js';

/** Every hub the node makes subscribes through this; the spy tells which object the node's hub is. */
const subscribeSpy = vi.spyOn(InProcessEventHub.prototype, 'subscribe');

const ctx = useGatewayNode();

/** The most a change may take to reach the gateway once the call that made it has answered. */
const EVENT_BUDGET_MS = 250;

let backend: TestBackend;
let blocker: PublisherApi;
const requestBatches: HubEvent[] = [];

beforeAll(async () => {
  backend = await ctx.backend('events');
  const tokens = await ctx.tokenFor(
    adminCredentials(ctx.node),
    'apim:subscription_view apim:subscription_block',
  );
  blocker = new PublisherApi(ctx.node, tokens.access_token);
  const index = subscribeSpy.mock.calls.findIndex(([topic]) => topic === 'notification');
  const hub = subscribeSpy.mock.contexts[index] as InProcessEventHub | undefined;
  if (!hub) throw new Error('the node subscribed to no notification topic');
  // Throttle counts travel on `requests` too, for the traffic managers; these tests read the request events.
  await hub.subscribe('requests', (event) => {
    if (event.type === 'REQUEST_BATCH') requestBatches.push(event);
  });
});

/** Polls the gateway until `done`, and expects it within the budget. */
async function takesEffect(path: string, done: (reply: GatewayReply) => boolean, token?: string) {
  const { elapsed, value } = await timeUntil(
    () => ctx.gateway.call(path, token === undefined ? {} : { token }),
    done,
    3000,
  );
  expect(elapsed, `${path} took ${Math.round(elapsed)} ms`).toBeLessThan(EVENT_BUDGET_MS);
  return value;
}

const statusIs = (status: number) => (reply: GatewayReply) => reply.status === status;
const codeIs = (code: string) => (reply: GatewayReply) => reply.body?.code === code;

describe('changes reach the gateway within 250 ms', () => {
  it('a deployment and an undeployment', async () => {
    const api = await ctx.apis.created(
      publishableApi({ endpointConfig: httpEndpoints(backend.url), operations: DEFAULT_OPERATIONS }),
    );
    await ctx.apis.move(api.id, 'Publish');
    const base = `${api.context}/1.0.0`;
    const subscriber = await ctx.subscriber([api.id]);
    const revision = await ctx.revisions.created(api.id);
    expect((await ctx.gateway.call(`${base}/x`, { token: subscriber.token() })).body?.code).toBe('404');

    await ctx.revisions.deployed(api.id, revision.id, [{ name: 'Default', vhost: 'localhost' }]);
    await takesEffect(`${base}/x`, statusIs(200), subscriber.token());

    await ctx.revisions.undeployed(api.id, revision.id, [{ name: 'Default' }]);
    await takesEffect(`${base}/x`, codeIs('404'), subscriber.token());
  });

  it('a new revision: its changes replace the old ones', async () => {
    const api = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      operations: [{ target: '/old', verb: 'GET', authType: 'None' }],
    });
    expectForwarded(await ctx.gateway.call(`${api.base}/old`));
    const current = (await ctx.apis.get(api.id)).body;
    const updated = await ctx.apis.update(api.id, {
      ...current,
      operations: [{ target: '/new', verb: 'GET', authType: 'None' }],
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    // Editing the API changes nothing at the gateway: only a deployed revision does.
    expectForwarded(await ctx.gateway.call(`${api.base}/old`));
    await ctx.redeploy(api.id);
    await takesEffect(`${api.base}/new`, statusIs(200));
    expect((await ctx.gateway.call(`${api.base}/old`)).body?.code).toBe('900906');
  });

  it('lifecycle changes', async () => {
    const api = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url) });
    const subscriber = await ctx.subscriber([api.id]);
    await ctx.apis.move(api.id, 'Block');
    await takesEffect(`${api.base}/x`, codeIs('700700'), subscriber.token());
    await ctx.apis.move(api.id, 'Re-Publish');
    await takesEffect(`${api.base}/x`, statusIs(200), subscriber.token());
    await ctx.apis.move(api.id, 'Demote to Created');
    await takesEffect(`${api.base}/x`, codeIs('404'), subscriber.token());
    await ctx.apis.move(api.id, 'Publish');
    await takesEffect(`${api.base}/x`, statusIs(200), subscriber.token());
    await ctx.apis.move(api.id, 'Deprecate', 'Retire');
    await takesEffect(`${api.base}/x`, codeIs('404'), subscriber.token());
  });

  it('deployed, then published at once (as the Publisher portal does): served once published', async () => {
    for (let i = 0; i < 3; i++) {
      const api = await ctx.apis.created(
        publishableApi({
          endpointConfig: httpEndpoints(backend.url),
          operations: [{ target: '/*', verb: 'GET', authType: 'None' }],
        }),
      );
      const revision = await ctx.revisions.created(api.id);
      await ctx.revisions.deployed(api.id, revision.id, [{ name: 'Default', vhost: 'localhost' }]);
      await ctx.apis.move(api.id, 'Publish');
      await takesEffect(`${api.context}/1.0.0/x`, statusIs(200));
    }
  });

  it('subscription changes', async () => {
    const api = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url) });
    const subscriber = await ctx.subscriber([api.id], { subscribe: false });
    const path = `${api.base}/x`;
    const token = subscriber.token();
    const subscription = await ctx.portal.subscribed(subscriber.app.applicationId, api.id);
    await takesEffect(path, statusIs(200), token);

    const search = (params: Record<string, string>) => new URLSearchParams(params).toString();
    const blocked = await blocker.call(
      'POST',
      `/subscriptions/block-subscription?${search({ subscriptionId: subscription.subscriptionId, blockState: 'BLOCKED' })}`,
      { template: '/subscriptions/block-subscription' },
    );
    expect(blocked.status).toBe(200);
    await takesEffect(path, codeIs('900907'), token);
    const unblocked = await blocker.call(
      'POST',
      `/subscriptions/unblock-subscription?${search({ subscriptionId: subscription.subscriptionId })}`,
      { template: '/subscriptions/unblock-subscription' },
    );
    expect(unblocked.status).toBe(200);
    await takesEffect(path, statusIs(200), token);

    expect((await ctx.portal.deleteSubscription(subscription.subscriptionId)).status).toBe(200);
    await takesEffect(path, codeIs('900908'), token);
  });
});

describe('hot redeployment under load', () => {
  it('deploying new revisions while ~300 calls run fails none of them', async () => {
    const other = await ctx.backend('events-next');
    const api = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url) });
    const subscriber = await ctx.subscriber([api.id]);
    const token = subscriber.token();
    const failures: string[] = [];
    const servedBy = new Set<string>();
    let completed = 0;
    let stopped = false;

    // Ten clients calling one after the other, 30 calls each at least, until both deployments are done.
    const worker = async (id: number) => {
      for (let i = 0; i < 30 || !stopped; i++) {
        try {
          const reply =
            i % 3 === 0
              ? await ctx.gateway.call(`${api.base}/w${id}/${i}`, {
                  method: 'POST',
                  token,
                  body: `call ${id}/${i}`,
                })
              : await ctx.gateway.call(`${api.base}/w${id}/${i}?q=${i}`, { token });
          if (reply.status !== 200) failures.push(`${reply.status} ${reply.text}`);
          else servedBy.add(String(reply.headers['x-backend']));
        } catch (err) {
          failures.push(String(err));
        }
        completed += 1;
      }
    };
    const load = Promise.all(Array.from({ length: 10 }, (_, id) => worker(id)));
    const reached = (count: number) =>
      timeUntil(
        async () => completed,
        (n) => n >= count,
        10_000,
      );

    // A new revision of the same API, then one that sends the calls to another backend.
    // The workers stop however this ends: a failed wait must not leave them calling forever.
    let atSecondDeployment = 0;
    try {
      atSecondDeployment = await redeployTwice();
    } finally {
      stopped = true;
      await load;
    }
    async function redeployTwice(): Promise<number> {
      await reached(50);
      await ctx.redeploy(api.id);
      await reached(completed + 20);
      const current = (await ctx.apis.get(api.id)).body;
      const updated = await ctx.apis.update(api.id, { ...current, endpointConfig: httpEndpoints(other.url) });
      expect(updated.status).toBe(200);
      await ctx.redeploy(api.id);
      const calledBefore = completed;
      await timeUntil(
        async () => servedBy.has(other.name),
        (seen) => seen,
        3000,
      );
      return calledBefore;
    }

    expect(failures).toEqual([]);
    expect(completed).toBeGreaterThanOrEqual(300);
    // The calls went on after the second deployment, and reached both revisions.
    expect(completed).toBeGreaterThan(atSecondDeployment);
    expect([...servedBy].sort()).toEqual([backend.name, other.name].sort());
  });
});

describe('request events on `requests`', () => {
  let api: GatewayApi;
  let subscriber: Subscribed;

  beforeAll(async () => {
    api = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url, backend.url),
      operations: [
        { target: '/items/{id}', verb: 'GET', authType: 'Any' },
        { target: '/items', verb: 'POST', authType: 'Any' },
      ],
    });
    subscriber = await ctx.subscriber([api.id], { keyTypes: ['PRODUCTION', 'SANDBOX'] });
  });

  const eventsOf = (apiId: string) =>
    requestBatches
      .filter((batch) => batch.type === 'REQUEST_BATCH')
      .flatMap((batch) => batch.payload['events'] as RequestEvent[])
      .filter((event) => event.apiId === apiId);

  it('reports each routed call with its API, operation, application, key type, status and latencies', async () => {
    const userToken = await ctx.userToken(subscriber.keys.PRODUCTION, 'admin', ctx.node.adminPassword);
    // Earlier calls (the probes that waited for the deployment) may still be queued: count from now.
    const since = Date.now();
    const ok = await ctx.gateway.call(`${api.base}/items/7`, { token: subscriber.token() });
    expectForwarded(ok, backend);
    await ctx.gateway.call(`${api.base}/items/8`, { token: subscriber.token('SANDBOX') });
    await ctx.gateway.call(`${api.base}/items`, { method: 'POST', token: userToken, body: 'twelve bytes' });
    await ctx.gateway.call(`${api.base}/items/9`);
    await ctx.gateway.call(`${api.base}/items/9`, { method: 'DELETE', token: subscriber.token() });
    // No API here: nothing to report on `requests`.
    await ctx.gateway.call('/no-such-api/1.0.0/items');

    const { value: events } = await timeUntil(
      async () => eventsOf(api.id).filter((event) => event.timestamp >= since),
      (list) => list.length >= 5,
      3000,
    );
    expect(events).toHaveLength(5);
    const about = {
      timestamp: expect.any(Number),
      apiId: api.id,
      apiName: api.name,
      apiVersion: '1.0.0',
      apiContext: api.base,
      clientIp: '127.0.0.1',
      latency: expect.any(Number),
    };
    const application = {
      applicationId: subscriber.app.applicationId,
      subscriptionPolicy: 'Gold',
      applicationPolicy: 'Unlimited',
    };
    // Each event is checked on its own (soft), so that one wrong field does not hide the others.
    const [production, sandbox, user, anonymous, noResource] = events;
    expect.soft(production).toEqual({
      ...about,
      ...application,
      operation: 'GET /items/{id}',
      username: null,
      keyType: 'PRODUCTION',
      status: 200,
      // Checked in the next test.
      backendLatency: production?.backendLatency,
      requestBytes: 0,
      responseBytes: production?.responseBytes,
      errorCode: null,
      overQuota: false,
    });
    expect(ok.status).toBe(200);
    expect.soft(sandbox).toMatchObject({ ...application, keyType: 'SANDBOX', status: 200, username: null });
    expect.soft(user).toMatchObject({
      ...application,
      operation: 'POST /items',
      username: 'admin',
      keyType: 'PRODUCTION',
      status: 200,
      requestBytes: 12,
    });
    expect.soft(anonymous).toEqual({
      ...about,
      operation: 'GET /items/{id}',
      applicationId: null,
      subscriptionPolicy: null,
      applicationPolicy: null,
      username: null,
      keyType: null,
      status: 401,
      backendLatency: null,
      requestBytes: 0,
      responseBytes: 0,
      errorCode: 900902,
      overQuota: false,
    });
    expect.soft(noResource).toMatchObject({ ...about, status: 405, errorCode: 900906, backendLatency: null });
    expect.soft(noResource?.operation).toMatch(/^DELETE/);
    for (const event of events) {
      expect(event.latency).toBeGreaterThanOrEqual(0);
      expect(event.latency).toBeLessThan(5000);
      if (event.backendLatency !== null) expect(event.backendLatency).toBeLessThanOrEqual(event.latency);
    }
  });

  it("a forwarded call reports the backend's latency and the size of the response", async () => {
    const since = Date.now();
    const sized = await ctx.gateway.call(`${api.base}/items/sized`, { token: subscriber.token() });
    const streamed = await ctx.gateway.call(`${api.base}/items/streamed?size=70000`, {
      token: subscriber.token(),
    });
    expect([sized.status, streamed.status]).toEqual([200, 200]);
    const { value: events } = await timeUntil(
      async () => eventsOf(api.id).filter((event) => event.timestamp >= since),
      (list) => list.length >= 2,
      3000,
    );
    const [withLength, chunked] = events as [RequestEvent, RequestEvent];
    expect.soft(withLength.responseBytes).toBe(Buffer.byteLength(sized.text));
    expect.soft(chunked.responseBytes).toBe(70000);
    for (const event of events) {
      expect.soft(event.backendLatency).toEqual(expect.any(Number));
      expect.soft(event.backendLatency ?? Infinity).toBeLessThanOrEqual(event.latency);
    }
  });

  it('batches many calls into few REQUEST_BATCH events', async () => {
    const before = requestBatches.length;
    const counted = eventsOf(api.id).length;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        ctx.gateway.call(`${api.base}/items/${i}`, { token: subscriber.token() }),
      ),
    );
    await timeUntil(
      async () => eventsOf(api.id).length - counted,
      (n) => n >= 40,
      3000,
    );
    const batches = requestBatches.slice(before);
    expect(batches.every((b) => b.type === 'REQUEST_BATCH' && typeof b.id === 'string')).toBe(true);
    expect(batches.length).toBeLessThanOrEqual(5);
  });
});
