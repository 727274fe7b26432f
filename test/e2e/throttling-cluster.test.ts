/**
 * Distributed throttling on a cluster in this process, every node with its own RabbitMQ event hub: an `all`
 * node (SQLite; gateway A and traffic manager TM1 among its components), a second `gateway` node (B) and a
 * second `traffic-manager` node (TM2), both pointed at the first (Key Manager and Publisher URLs, a node
 * client, the shared CA and certificate). Gateways send their counts on `requests`; traffic managers add them
 * up and publish decisions on `throttleData`; a subscription tier limited per day (no window ends during the
 * suite) is shared by A and B.
 *
 * An observer on the broker reads both topics, as one more node would: it lets the tests send a call only
 * once the previous one's count has left its gateway, and wait for a decision instead of sleeping. So the
 * counts asserted are exact (no call races a decision, so no tolerance); what they prove is the cluster's
 * behaviour, not the send interval's lag. The suite's nodes use exchanges of their own (`event_hub.cluster`), so
 * no other suite's traffic manager mixes in: the observer's probe checks that none answers before the suite's
 * nodes start and while all of its traffic managers are closed.
 *
 * Story, in order (each test takes a fresh subscription, hence a fresh throttle key): alternating calls on A
 * and B stop at the limit; B refuses a key it never counted; with TM2 closed TM1 carries on; with TM1 closed
 * too, a restarted TM2 rebuilds the decision from the gateways' full reports and a gateway that joins later
 * learns it; a restarted gateway does not reset the quota; raising the tier's limit lets calls through again.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitMqEventHub } from '../../src/events/rabbitmq.js';
import { newEvent, type HubEvent } from '../../src/events/topics.js';
import { createLogger } from '../../src/platform/logger.js';
import {
  THROTTLE_COUNTS,
  THROTTLE_DECISIONS,
  type KeyCount,
  type ThrottleDecision,
} from '../../src/throttle/throttle-events.js';
import { startTestNode, type TestNode } from '../support/node.js';
import { deleteClusterExchanges } from '../support/rabbitmq-cluster.js';
import { basicAuth, uniqueName } from '../support/oauth-helpers.js';
import { RABBITMQ_URL, rabbitmqAvailable } from '../support/services.js';
import {
  expectGatewayError,
  GatewayClient,
  httpEndpoints,
  startGatewayNode,
  untilRouted,
  type GatewayApi,
  type GatewayContext,
  type GatewayReply,
  type Subscribed,
} from './gateway-support.js';

const available = await rabbitmqAvailable();

// The run's exchanges and the analytics group's durable queue would otherwise stay on the broker.
afterAll(async () => {
  if (available) await deleteClusterExchanges(CLUSTER);
});

/** The suite's own exchanges: other suites' nodes on the broker (traffic managers among them) never mix in. */
const CLUSTER = `throttling-cluster-${randomBytes(4).toString('hex')}`;
const HUB_ENV = {
  PORTCULLIS_EVENT_HUB__TYPE: 'rabbitmq',
  PORTCULLIS_EVENT_HUB__BROKERS: RABBITMQ_URL,
  PORTCULLIS_EVENT_HUB__CLUSTER: CLUSTER,
};
const SUBSCRIPTIONS = '/throttling/policies/subscription';
const LIMIT = 6;
/** The tier whose limit test 6 raises (its own, so that the other tests' tier never changes). */
const RAISED_FROM = 4;
const RAISED_TO = 1000;
const DAY = 86_400_000;
const HOUR = 3_600_000;
/**
 * A decision reaches the observer and each gateway through separate queues of one fanout exchange, so a
 * gateway may read it a moment after the observer does: this much later, every gateway has it.
 */
const DELIVERY_SLACK_MS = 25;
/** How long a probe waits for a traffic manager's answer (which takes a few milliseconds). */
const PROBE_MS = 300;

/**
 * Days per window (windows are aligned to the epoch): one, unless the UTC day ends within the hour; then the
 * fewest days whose window does not end within the hour. No window ends while the suite runs.
 */
function daysPerWindow(now = Date.now()): number {
  for (let days = 1; ; days++) if (now % (days * DAY) < days * DAY - HOUR) return days;
}

const perDay = (requestCount: number, unitTime: number) => ({
  type: 'REQUESTCOUNTLIMIT',
  requestCount: { timeUnit: 'day', unitTime, requestCount },
});

/** What went over the broker's `requests` and `throttleData` topics, as a traffic manager sees it. */
class Observer {
  /** Per throttle key, the last (cumulative) count of each gateway process. */
  readonly counts = new Map<string, Map<string, number>>();
  readonly decisions: (ThrottleDecision & { at: number })[] = [];

  private constructor(readonly hub: RabbitMqEventHub) {}

  static async connect(): Promise<Observer> {
    const hub = await RabbitMqEventHub.connect({
      brokers: [RABBITMQ_URL],
      cluster: CLUSTER,
      nodeId: `throttle-observer-${randomBytes(4).toString('hex')}`,
      logger: createLogger('silent'),
    });
    const observer = new Observer(hub);
    await hub.subscribe('requests', (event) => observer.#counts(event));
    await hub.subscribe('throttleData', (event) => observer.#decisions(event));
    return observer;
  }

  #counts(event: HubEvent): void {
    if (event.type !== THROTTLE_COUNTS) return;
    const { node, counts } = event.payload as { node: string; counts: KeyCount[] };
    for (const [key, , , , count] of counts) {
      let nodes = this.counts.get(key);
      if (!nodes) this.counts.set(key, (nodes = new Map()));
      nodes.set(node, Math.max(count, nodes.get(node) ?? 0));
    }
  }

  #decisions(event: HubEvent): void {
    if (event.type !== THROTTLE_DECISIONS) return;
    const at = Date.now();
    for (const decision of (event.payload as { decisions: ThrottleDecision[] }).decisions)
      this.decisions.push({ ...decision, at });
  }

  /** The gateway processes that counted the key. */
  processes(key: string): string[] {
    return [...(this.counts.get(key)?.keys() ?? [])];
  }

  /** The key's count added up over the gateway processes, as the traffic managers have it. */
  total(key: string): number {
    let total = 0;
    for (const count of this.counts.get(key)?.values() ?? []) total += count;
    return total;
  }

  /** Waits until the gateways' counts of the key add up to `total`. */
  async reported(key: string, total: number): Promise<void> {
    await expect
      .poll(() => this.total(key), { timeout: 2000, interval: 2, message: `counts of ${key}` })
      .toBe(total);
  }

  /** Waits for a decision throttling the key, received at `since` or later; answers when it came. */
  async throttled(key: string, since: number, timeout = 1500): Promise<number> {
    const find = () => this.decisions.find((d) => d.throttleKey === key && d.isThrottled && d.at >= since);
    await expect
      .poll(() => find(), { timeout, interval: 2, message: `a decision throttling ${key}` })
      .toBeDefined();
    return (find() as { at: number }).at;
  }

  /**
   * Whether any traffic manager runs on the broker now: one sends a decision at once for a key whose count
   * reaches its limit, as this probe's does (a key of its own, counted by a made-up gateway).
   */
  async trafficManagerAnswers(): Promise<boolean> {
    const key = `probe-${randomBytes(6).toString('hex')}`;
    const probe: KeyCount = [key, Date.now(), 60_000, 1, 1, 0];
    await this.hub.publish('requests', newEvent(THROTTLE_COUNTS, { node: `${key}/probe`, counts: [probe] }));
    await sleep(PROBE_MS);
    return this.decisions.some((d) => d.throttleKey === key);
  }

  close(): Promise<void> {
    return this.hub.close();
  }
}

describe.runIf(available)('distributed throttling on 2 gateways and 2 traffic managers (RabbitMQ)', () => {
  const suffix = randomBytes(3).toString('hex');
  const names = {
    all: `tc-all-${suffix}`,
    gatewayB: `tc-gw-b-${suffix}`,
    gatewayC: `tc-gw-c-${suffix}`,
    trafficManager: `tc-tm-${suffix}`,
  };
  let ctx: GatewayContext;
  let observer: Observer;
  let api: GatewayApi;
  /** Names of the two tiers. */
  const tier = { limited: uniqueName('Limited'), raised: uniqueName('Raised') };
  let raisedPolicy: Record<string, unknown>;
  /** Nodes started here beside the `all` node, by role; closed (when still open) after the suite. */
  const nodes: { gatewayB?: TestNode; gatewayC?: TestNode; trafficManager?: TestNode } = {};
  const agents: Agent[] = [];
  let gatewayA: GatewayClient;
  let gatewayB: GatewayClient;

  /** A node's own client, registered by DCR with the admin's credentials. */
  async function registerNodeClient(name: string): Promise<{ clientId: string; clientSecret: string }> {
    const response = await ctx.node.fetch(`${ctx.node.baseUrl}/client-registration/v0.17/register`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: basicAuth('admin', ctx.node.adminPassword),
      },
      body: JSON.stringify({ clientName: uniqueName(name), grantType: 'client_credentials' }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { clientId: string; clientSecret: string };
  }

  /** A node of one profile, on the `all` node's CA and certificate, Key Manager and Publisher. */
  async function startClusterNode(profile: 'gateway' | 'traffic-manager', name: string): Promise<TestNode> {
    const client = await registerNodeClient(name);
    const certs = path.join(ctx.node.dataDir, 'certs');
    return startTestNode({
      env: {
        ...HUB_ENV,
        PORTCULLIS_NODE__PROFILE: profile,
        PORTCULLIS_NODE__NAME: name,
        PORTCULLIS_HTTP__CERT_FILE: path.join(certs, 'node.pem'),
        PORTCULLIS_HTTP__KEY_FILE: path.join(certs, 'node-key.pem'),
        PORTCULLIS_HTTP__CA_FILE: path.join(certs, 'ca.pem'),
        PORTCULLIS_SERVICES__KEY_MANAGER_URL: ctx.node.baseUrl,
        PORTCULLIS_SERVICES__PUBLISHER_URL: ctx.node.baseUrl,
        PORTCULLIS_SERVICES__NODE_CLIENT_ID: client.clientId,
        PORTCULLIS_SERVICES__NODE_CLIENT_SECRET: client.clientSecret,
      },
    });
  }

  /** A client of a gateway node's own listeners, serving the suite's API. */
  async function gatewayOf(node: TestNode): Promise<GatewayClient> {
    const urls = node.node.components.find((c) => c.name === 'gateway')?.urls;
    if (!urls?.http || !urls.https) throw new Error('the node runs no gateway');
    const dispatcher = new Agent({ connect: { ca: node.ca }, keepAliveTimeout: 2000 });
    agents.push(dispatcher);
    const gateway = new GatewayClient({ http: urls.http, https: urls.https }, dispatcher);
    await untilRouted(gateway, api.base);
    return gateway;
  }

  /** Closes a gateway node started here (its client's connections first). */
  async function closeGateway(node: TestNode, gateway: GatewayClient): Promise<void> {
    await gateway.dispatcher.destroy();
    await node.close();
  }

  beforeAll(async () => {
    observer = await Observer.connect();
    // Before any node of the suite starts, a traffic manager that answers belongs to someone else.
    expect(await observer.trafficManagerAnswers()).toBe(false);
    ctx = await startGatewayNode({ ...HUB_ENV, PORTCULLIS_NODE__NAME: names.all });
    const days = daysPerWindow();
    for (const [name, limit] of [
      [tier.limited, LIMIT],
      [tier.raised, RAISED_FROM],
    ] as const) {
      const created = await ctx.api.post(SUBSCRIPTIONS, {
        policyName: name,
        defaultLimit: perDay(limit, days),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      if (name === tier.raised) raisedPolicy = created.body;
    }
    const backend = await ctx.backend();
    api = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      overrides: { policies: [tier.limited, tier.raised] },
    });
    gatewayA = ctx.gateway;
    [nodes.gatewayB, nodes.trafficManager] = await Promise.all([
      startClusterNode('gateway', names.gatewayB),
      startClusterNode('traffic-manager', names.trafficManager),
    ]);
    gatewayB = await gatewayOf(nodes.gatewayB);
  });

  afterAll(async () => {
    for (const agent of agents) await agent.destroy();
    for (const node of [nodes.gatewayC, nodes.gatewayB, nodes.trafficManager]) await node?.close();
    await ctx?.close();
    await observer?.close();
  });

  /** A fresh application subscribed at the tier: a throttle key of its own. */
  async function subscribed(tierName = tier.limited): Promise<{ sub: Subscribed; key: string }> {
    const sub = await ctx.subscriber([api.id], { throttlingPolicy: tierName });
    // WSO2's subscription key: application, context with version, version.
    return { sub, key: `${sub.app.applicationId as string}:${api.base}:${api.version}` };
  }

  const call = (gateway: GatewayClient, sub: Subscribed) =>
    gateway.call(`${api.base}/orders`, { token: sub.token() });

  /**
   * The gateway's first answer once it knows the subscription: a gateway learns it from events, and answers
   * 900908 (not subscribed, not counted) until then.
   */
  async function answer(gateway: GatewayClient, sub: Subscribed): Promise<GatewayReply> {
    for (const started = Date.now(); ; await sleep(10)) {
      const reply = await call(gateway, sub);
      if (reply.status !== 403 || reply.body?.code !== '900908' || Date.now() - started > 5000) return reply;
    }
  }

  const expectAdmitted = (reply: GatewayReply) => expect(reply.status, reply.text).toBe(200);

  function expectThrottled(reply: GatewayReply, limit = LIMIT): void {
    expectGatewayError(reply, 429, 900804, 'subscription');
    expect(reply.headers['ratelimit-limit']).toBe(String(limit));
    expect(reply.headers['ratelimit-remaining']).toBe('0');
    // Until the window ends, more than a day away at most: never now.
    expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
  }

  /**
   * Calls alternating between the gateways, each sent once the previous one's count has reached the broker:
   * every one of the first `limit` passes, a decision follows the last of them (and none came before it),
   * and then every gateway refuses the key.
   */
  async function exhaustAlternating(
    gateways: GatewayClient[],
    sub: Subscribed,
    key: string,
    limit = LIMIT,
  ): Promise<void> {
    let lastSentAt = 0;
    for (let i = 0; i < limit; i++) {
      lastSentAt = Date.now();
      expectAdmitted(await answer(gateways[i % gateways.length] as GatewayClient, sub));
      await observer.reported(key, i + 1);
    }
    const decidedAt = await observer.throttled(key, 0);
    expect(decidedAt).toBeGreaterThanOrEqual(lastSentAt);
    await sleep(DELIVERY_SLACK_MS);
    for (let round = 0; round < 2; round++)
      for (const gateway of gateways) expectThrottled(await call(gateway, sub), limit);
    // Refused calls are not counted.
    expect(observer.total(key)).toBe(limit);
  }

  it('runs two traffic managers and two gateways, ready on the broker', async () => {
    for (const node of [ctx.node, nodes.trafficManager as TestNode]) {
      const ready = await node.fetch(`${node.baseUrl}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'UP',
        checks: { eventHub: 'UP', trafficManager: 'UP' },
      });
    }
    // The traffic manager node runs nothing else.
    expect((nodes.trafficManager as TestNode).node.components.map((c) => c.name)).toEqual([
      'traffic-manager',
    ]);
    expect((nodes.gatewayB as TestNode).node.components.map((c) => c.name)).toEqual(['gateway']);
  });

  it('admits exactly the limit across two gateways, then both answer 429 900804', async () => {
    const { sub, key } = await subscribed();
    await exhaustAlternating([gatewayA, gatewayB], sub, key);
    // Both gateways counted their share.
    expect(
      observer
        .processes(key)
        .map((p) => p.split('/')[0])
        .sort(),
    ).toEqual([names.all, names.gatewayB].sort());
  });

  it('a gateway that counted nothing refuses a key used up elsewhere, from the decision alone', async () => {
    const { sub, key } = await subscribed();
    for (let i = 0; i < LIMIT; i++) expectAdmitted(await answer(gatewayA, sub));
    const exhaustedAt = Date.now();
    // A alone: its own count is enough to refuse the next call.
    expectThrottled(await call(gatewayA, sub));

    const decidedAt = await observer.throttled(key, 0, 1000);
    expect(decidedAt - exhaustedAt).toBeLessThan(1000);
    await sleep(DELIVERY_SLACK_MS);
    expectThrottled(await answer(gatewayB, sub));
    // B never counted the key: only A's process did.
    expect(observer.processes(key).map((p) => p.split('/')[0])).toEqual([names.all]);
    expect(observer.total(key)).toBe(LIMIT);
  });

  it('with one traffic manager closed, the other keeps throttling (a new key)', async () => {
    await (nodes.trafficManager as TestNode).close();
    nodes.trafficManager = undefined;
    const { sub, key } = await subscribed();
    await exhaustAlternating([gatewayA, gatewayB], sub, key);
  });

  it('a traffic manager restarted with the other closed too rebuilds the decision; a gateway that joins later learns it', async () => {
    const { sub, key } = await subscribed();
    for (let i = 0; i < LIMIT; i++) expectAdmitted(await answer(gatewayA, sub));
    await observer.throttled(key, 0);

    // TM1 (the `all` node's component) closes too: no traffic manager holds anything about the key now.
    const tm1 = ctx.node.node.components.find((c) => c.name === 'traffic-manager');
    await tm1?.close?.();
    expect(await observer.trafficManagerAnswers()).toBe(false);

    nodes.trafficManager = await startClusterNode('traffic-manager', names.trafficManager);
    const restartedAt = Date.now();
    // Of the suite's traffic managers, only the restarted TM2 runs: it learns the key from the gateways' next
    // full report and decides at once.
    const rebuiltAt = await observer.throttled(key, restartedAt, 2000);
    expect(rebuiltAt - restartedAt).toBeLessThan(1500);

    nodes.gatewayC = await startClusterNode('gateway', names.gatewayC);
    const gatewayC = await gatewayOf(nodes.gatewayC);
    const joinedAt = Date.now();
    // The restarted TM2 announces the throttled key again each second; C hears it.
    await observer.throttled(key, joinedAt, 1500);
    await sleep(DELIVERY_SLACK_MS);
    expectThrottled(await answer(gatewayC, sub));
    expect(observer.processes(key).map((p) => p.split('/')[0])).toEqual([names.all]);
  });

  it("a gateway's restart does not reset the quota: its earlier run's counts stay counted", async () => {
    const { sub, key } = await subscribed();
    const before = LIMIT - 2;
    for (let i = 0; i < before; i++) {
      expectAdmitted(await answer(gatewayB, sub));
      await observer.reported(key, i + 1);
    }
    const [first] = observer.processes(key);

    await closeGateway(nodes.gatewayB as TestNode, gatewayB);
    nodes.gatewayB = await startClusterNode('gateway', names.gatewayB);
    gatewayB = await gatewayOf(nodes.gatewayB);

    let lastSentAt = 0;
    for (let i = before; i < LIMIT; i++) {
      lastSentAt = Date.now();
      expectAdmitted(await answer(gatewayB, sub));
      await observer.reported(key, i + 1);
    }
    // The new process counted only its own calls, yet the total reached the limit.
    const processes = observer.processes(key);
    expect(processes).toHaveLength(2);
    const second = processes.find((p) => p !== first) as string;
    expect(first?.startsWith(`${names.gatewayB}/`)).toBe(true);
    expect(second.startsWith(`${names.gatewayB}/`)).toBe(true);
    expect(observer.counts.get(key)?.get(second)).toBe(LIMIT - before);

    expect(await observer.throttled(key, 0)).toBeGreaterThanOrEqual(lastSentAt);
    await sleep(DELIVERY_SLACK_MS);
    expectThrottled(await call(gatewayB, sub));
    expectThrottled(await call(gatewayA, sub));
  });

  it('raising the tier limit reaches both gateways within 250 ms, and calls pass again on both', async () => {
    const { sub, key } = await subscribed(tier.raised);
    await exhaustAlternating([gatewayA, gatewayB], sub, key, RAISED_FROM);

    const raised = {
      ...raisedPolicy,
      defaultLimit: perDay(
        RAISED_TO,
        (raisedPolicy.defaultLimit as { requestCount: { unitTime: number } }).requestCount.unitTime,
      ),
    };
    const updated = await ctx.api.put(
      `${SUBSCRIPTIONS}/${raisedPolicy.policyId as string}`,
      raised,
      `${SUBSCRIPTIONS}/{policyId}`,
    );
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);

    // Polled on both at once; a probe that passes is the first call under the new limit.
    const passed = await Promise.all(
      [gatewayA, gatewayB].map(async (gateway) => {
        const started = performance.now();
        for (;;) {
          const reply = await call(gateway, sub);
          const elapsed = performance.now() - started;
          if (reply.status === 200 || elapsed > 3000) return { elapsed, reply };
          await sleep(5);
        }
      }),
    );
    for (const { elapsed, reply } of passed) {
      // The limit a refusal names is the gateway's policy: it tells a policy not yet applied from a decision kept.
      const limit = reply.headers['ratelimit-limit'];
      const seen = `${Math.round(elapsed)} ms after the change: ${reply.status} (limit ${String(limit)}) ${reply.text}`;
      expect(reply.status, seen).toBe(200);
      expect(elapsed).toBeLessThan(250);
      expect(limit).toBe(String(RAISED_TO));
    }

    // And they keep passing past a traffic manager's repeat (each second) of what it decided before.
    const until = Date.now() + 1500;
    for (let i = 0; Date.now() < until; i++) {
      expectAdmitted(await call(i % 2 === 0 ? gatewayA : gatewayB, sub));
      await sleep(100);
    }
  });
});
