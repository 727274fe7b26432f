/**
 * Distributed throttling on the local cluster, watched from its broker: an observer bound to the cluster's
 * exchanges (as one more node would be) reads the gateways' counts (`requests`) and the traffic managers'
 * decisions (`throttleData`). With it a test sends each call once the previous one's count has left its
 * gateway, and waits for the decision instead of sleeping, so the counts it asserts are exact.
 *
 * `exhaustAcross` is the check the story and the traffic-manager faults share: calls alternating between the
 * two gateways' own listeners admit exactly the limit, then both refuse the key with 429 900804.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { EVENT_HUB_CLUSTER, RABBITMQ_URL } from '../../../deploy/local-cluster/topology.js';
import { RabbitMqEventHub } from '../../../src/events/rabbitmq.js';
import type { HubEvent } from '../../../src/events/topics.js';
import { createLogger } from '../../../src/platform/logger.js';
import {
  THROTTLE_COUNTS,
  THROTTLE_DECISIONS,
  type ThrottleCounts,
  type ThrottleDecision,
} from '../../../src/throttle/throttle-events.js';
import { expectGatewayError, type GatewayClient } from '../gateway-support.js';
import { requests } from '../throttling-support.js';
import {
  bothPulledSince,
  firstAnswer,
  type Cluster,
  type ClusterApi,
  type ClusterSubscriber,
} from './cluster-support.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/**
 * A decision reaches the observer and each gateway through separate queues of one fanout exchange: a gateway
 * may read it a moment after the observer does. This much later, every gateway has it.
 */
const DELIVERY_SLACK_MS = 25;

export class ThrottleWatch {
  /** Per throttle key, the last cumulative count of each gateway process. */
  readonly #counts = new Map<string, Map<string, number>>();
  readonly #decisions: { key: string; throttled: boolean; at: number }[] = [];

  private constructor(readonly hub: RabbitMqEventHub) {}

  static async connect(): Promise<ThrottleWatch> {
    const hub = await RabbitMqEventHub.connect({
      brokers: [RABBITMQ_URL],
      cluster: EVENT_HUB_CLUSTER,
      nodeId: `cluster-suite-watch-${randomBytes(4).toString('hex')}`,
      logger: createLogger('silent'),
    });
    const watch = new ThrottleWatch(hub);
    await hub.subscribe('requests', (event) => watch.#count(event));
    await hub.subscribe('throttleData', (event) => watch.#decide(event));
    return watch;
  }

  #count(event: HubEvent): void {
    if (event.type !== THROTTLE_COUNTS) return;
    const { node, counts } = event.payload as ThrottleCounts;
    for (const [key, , , , count] of counts) {
      const byProcess = this.#counts.get(key) ?? new Map<string, number>();
      byProcess.set(node, Math.max(count, byProcess.get(node) ?? 0));
      this.#counts.set(key, byProcess);
    }
  }

  #decide(event: HubEvent): void {
    if (event.type !== THROTTLE_DECISIONS) return;
    const at = Date.now();
    for (const d of (event.payload as { decisions: ThrottleDecision[] }).decisions)
      this.#decisions.push({ key: d.throttleKey, throttled: d.isThrottled, at });
  }

  /** The key's count over every gateway process, as the traffic managers add it up. */
  total(key: string): number {
    return [...(this.#counts.get(key)?.values() ?? [])].reduce((sum, n) => sum + n, 0);
  }

  /** The gateway nodes (names, without the per-start suffix) that counted the key. */
  counters(key: string): string[] {
    return [...new Set([...(this.#counts.get(key)?.keys() ?? [])].map((p) => p.replace(/\/.*/, '')))].sort();
  }

  /** When a decision throttling the key first came (at `since` or later), if one did. */
  throttledAt(key: string, since = 0): number | undefined {
    return this.#decisions.find((d) => d.key === key && d.throttled && d.at >= since)?.at;
  }

  async reported(key: string, total: number): Promise<void> {
    await expect
      .poll(() => this.total(key), { timeout: 3000, interval: 2, message: `counts of ${key}` })
      .toBe(total);
  }

  /** Waits for a decision throttling the key (at `since` or later); when it came. */
  async throttled(key: string, since = 0, timeout = 3000): Promise<number> {
    await expect
      .poll(() => this.throttledAt(key, since), { timeout, interval: 2, message: `decision on ${key}` })
      .toBeDefined();
    return this.throttledAt(key, since) as number;
  }

  close(): Promise<void> {
    return this.hub.close();
  }
}

/**
 * Days per window (windows are aligned to the epoch): one, unless the UTC day ends within the hour; then the
 * fewest days whose window does not. No window ends while the suite runs.
 */
function daysPerWindow(now = Date.now()): number {
  for (let days = 1; ; days++) if (now % (days * DAY) < days * DAY - HOUR) return days;
}

/**
 * A subscription tier of `limit` calls per day-long window, made through the Admin API on the Publisher, and
 * known to both gateways (with the snapshot its POLICY_CREATE event makes them pull).
 */
export async function dailyTier(cluster: Cluster, limit: number): Promise<string> {
  const madeAt = Date.now();
  const policyName = `cluster-${randomBytes(4).toString('hex')}`;
  const reply = await cluster.admin.post('/throttling/policies/subscription', {
    policyName,
    defaultLimit: requests(limit, 'day', daysPerWindow()),
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  await bothPulledSince(madeAt);
  return policyName;
}

/** WSO2's subscription throttle key: application, context with version, version. */
export const subscriptionKey = (sub: ClusterSubscriber, api: ClusterApi) =>
  `${sub.app.applicationId as string}:${api.base}:${api.version}`;

export function expectThrottled(reply: Awaited<ReturnType<GatewayClient['call']>>, limit: number): void {
  expectGatewayError(reply, 429, 900804, 'subscription');
  expect(reply.headers['ratelimit-limit']).toBe(String(limit));
  expect(reply.headers['ratelimit-remaining']).toBe('0');
}

/**
 * Calls alternating between the two gateways' own listeners, each sent once the previous one's count has
 * reached the broker: each of the first `limit` passes; a decision follows the last of them (none came
 * before it); then both gateways refuse the key, twice each, and the refused calls are not counted.
 * Exact, no tolerance: no call races a decision, so what is asserted is the cluster's behaviour.
 */
export async function exhaustAcross(
  watch: ThrottleWatch,
  gateways: readonly GatewayClient[],
  path: string,
  token: string,
  key: string,
  limit: number,
): Promise<void> {
  let lastSentAt = 0;
  for (let i = 0; i < limit; i++) {
    lastSentAt = Date.now();
    const reply = await firstAnswer(gateways[i % gateways.length] as GatewayClient, path, token);
    expect(reply.status, `call ${i + 1} of ${limit}: ${reply.text}`).toBe(200);
    await watch.reported(key, i + 1);
  }
  const decidedAt = await watch.throttled(key);
  expect(decidedAt).toBeGreaterThanOrEqual(lastSentAt);
  await sleep(DELIVERY_SLACK_MS);
  for (let round = 0; round < 2; round++)
    for (const gateway of gateways) expectThrottled(await gateway.call(path, { token }), limit);
  expect(watch.total(key)).toBe(limit);
}
