/**
 * Gateway faults on the local cluster:
 *
 * - kill -9 of gw-1 while several keep-alive clients call through the gateway load balancer (the backend
 *   answers after 20 ms, so calls are in flight at the kill): nginx moves the traffic to gw-2; only calls in
 *   flight at the kill may fail (none sent after it), at most one per client; gw-2 answers at least every call
 *   that passed after the kill. Restarted, gw-1 knows an application made while it was down from its first
 *   answer on, and the load balancer sends it traffic again.
 * - a revision deployed on the Publisher while gw-2 is down: gw-1 serves it at once, and gw-2 serves it from
 *   its first answer once it comes back (not the revision it had saved before it went down).
 *
 * A restarted gateway is watched from before it starts (every answer once its listener accepts connections),
 * so a stale answer between its start and its first pull from the Publisher cannot slip by. Each test
 * restarts what it killed; the file ends with every node running.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from 'undici';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { GatewayClient, type GatewayReply } from '../gateway-support.js';
import {
  answered,
  describeAnswer,
  firstAnswer,
  freshToken,
  GATEWAYS,
  killNode,
  redeployedElsewhere,
  restartNode,
  savedState,
  servedApi,
  subscriber,
  untilAnswer,
  useCluster,
  waitFor,
  type ClusterApi,
  type ClusterSubscriber,
} from './cluster-support.js';

const CLIENTS = 8;
const LOAD_BEFORE_KILL_MS = 1000;
const LOAD_AFTER_KILL_MS = 2500;

interface Outcome {
  startedAt: number;
  endedAt: number;
  ok: boolean;
  detail: string;
}

/**
 * `CLIENTS` clients, each on its own keep-alive connection to the gateway load balancer, calling as fast as
 * answers come until `during` settles; what every call got.
 */
async function underLoad(lb: GatewayClient, path: string, token: string, during: () => Promise<void>) {
  const agents = Array.from(
    { length: CLIENTS },
    () => new Agent({ connections: 1, keepAliveTimeout: 30_000 }),
  );
  const outcomes: Outcome[] = [];
  let running = true;
  const clients = agents.map(async (agent) => {
    const client = new GatewayClient(lb.urls, agent);
    while (running) {
      const startedAt = performance.now();
      const outcome = await client.call(path, { token }).then(
        (reply) => ({ ok: reply.status === 200, detail: `${reply.status} ${reply.text.slice(0, 200)}` }),
        (err: unknown) => ({ ok: false, detail: String(err) }),
      );
      outcomes.push({ startedAt, endedAt: performance.now(), ...outcome });
    }
  });
  try {
    await during();
  } finally {
    running = false;
    await Promise.all(clients);
    await Promise.all(agents.map((a) => a.close()));
  }
  return outcomes;
}

/** Calls the gateway every few milliseconds until stopped; what it answered (connection errors left out). */
function watchAnswers(gateway: GatewayClient, path: string, token: string): { stop(): Promise<string[]> } {
  const answers: string[] = [];
  let watching = true;
  const loop = (async () => {
    while (watching) {
      const reply = await gateway.call(path, { token }).catch(() => undefined);
      if (reply) answers.push(describeAnswer(reply));
      await sleep(5);
    }
  })();
  return {
    async stop() {
      watching = false;
      await loop;
      return answers;
    },
  };
}

describe.runIf(inject('clusterUp'))('gateway faults on the local cluster', () => {
  const cluster = useCluster();
  let api: ClusterApi;
  let sub: ClusterSubscriber;

  beforeAll(async () => {
    api = await servedApi(cluster);
    sub = await subscriber(cluster, api.id);
  });

  it('kill -9 of a gateway under load: the load balancer moves the traffic, only calls in flight fail; restarted, it rejoins with the current state', async () => {
    const token = await freshToken(cluster, sub.keys.PRODUCTION);
    for (const name of GATEWAYS)
      expect((await firstAnswer(cluster.gateways[name], `${api.base}/warm`, token)).status).toBe(200);

    let killedAt = 0;
    let gw2AtKill = 0;
    const outcomes = await underLoad(cluster.lb, `${api.base}/load?delay=20`, token, async () => {
      await sleep(LOAD_BEFORE_KILL_MS);
      gw2AtKill = await answered('gw-2', api.name);
      killedAt = performance.now();
      await killNode('gw-1');
      await sleep(LOAD_AFTER_KILL_MS);
    });
    const failed = outcomes.filter((o) => !o.ok);
    const after = outcomes.filter((o) => o.startedAt > killedAt);
    const passedAfter = after.filter((o) => o.ok).length;
    console.log(
      `gateway kill -9 under load: ${outcomes.length} calls by ${CLIENTS} clients, ${failed.length} failed` +
        ` (${failed.map((f) => f.detail).join(' | ') || 'none'}); ${after.length} sent after the kill`,
    );
    expect(outcomes.filter((o) => o.startedAt < killedAt).length).toBeGreaterThan(CLIENTS);
    expect(failed.length).toBeLessThanOrEqual(CLIENTS);
    // A call sent after the kill was never in flight on the dead node: none of them may fail.
    expect(after.filter((o) => !o.ok).map((o) => o.detail)).toEqual([]);
    expect(passedAfter).toBeGreaterThan(CLIENTS * 10);
    // gw-2 answered them all (and the calls nginx moved to it from the dead node).
    expect((await answered('gw-2', api.name)) - gw2AtKill).toBeGreaterThanOrEqual(passedAfter);

    // Made while gw-1 is down: a new application, its subscription and keys. gw-1 is watched from before it
    // starts: every answer it gives once its listener accepts connections.
    const late = await subscriber(cluster, api.id);
    const watched = watchAnswers(cluster.gateways['gw-1'], `${api.base}/late`, late.token());
    const restartMs = await restartNode('gw-1');
    const { elapsed } = await untilAnswer(cluster.gateways['gw-1'], `${api.base}/late`, late.token());
    const answers = await watched.stop();
    const wrong = answers.filter((a) => !a.startsWith('200 '));
    console.log(
      `gateway kill -9: gw-1 ready again ${Math.round(restartMs)} ms after the restart; served the application` +
        ` made while it was down ${Math.round(elapsed)} ms later; ${wrong.length} of its ${answers.length} answers` +
        ` did not know it (${wrong.join(', ') || 'none'})`,
    );
    // From its first answer on, the gateway that comes back knows what was made while it was down (soft: the
    // load balancer's part is still checked when this fails).
    expect.soft(wrong).toEqual([]);
    // The load balancer sends it calls again (nginx tries a failed server again 2 s after its failure).
    const directly = await answered('gw-1', api.name);
    const rejoinedMs = await waitFor(
      'gw-1 answering calls through the load balancer',
      async () => {
        const reply = await cluster.lb.call(`${api.base}/rejoined`, { token });
        expect(reply.status, reply.text).toBe(200);
        return answered('gw-1', api.name);
      },
      (count) => count > directly,
      5000,
      20,
    );
    console.log(
      `gateway kill -9: the load balancer sent gw-1 a call again after ${Math.round(rejoinedMs)} ms`,
    );
  });

  it('a revision deployed while a gateway is down is served by it when it comes back', async () => {
    const token = await freshToken(cluster, sub.keys.PRODUCTION);
    const path = `${api.base}/revision`;
    expect((await firstAnswer(cluster.gateways['gw-2'], path, token)).headers['x-backend']).toBe(
      api.backend.name,
    );
    // What gw-2 will restart with: the first revision and the subscription.
    await savedState('gw-2', [api.revisionId, sub.subscriptionId]);
    await killNode('gw-2');

    // On the Publisher: the API's endpoints moved, a new revision made and deployed to Default.
    const next = await redeployedElsewhere(cluster, api);
    const isNext = (reply: GatewayReply) => reply.status === 200 && reply.headers['x-backend'] === next.name;
    const onGw1 = await untilAnswer(cluster.gateways['gw-1'], path, token, isNext);
    // Only gw-1 runs: the load balancer serves the new revision too.
    for (let i = 0; i < 4; i++) expect(isNext(await cluster.lb.call(path, { token }))).toBe(true);

    // gw-2 is watched from before it starts: every answer it gives once its listener accepts connections.
    const watched = watchAnswers(cluster.gateways['gw-2'], path, token);
    const restartMs = await restartNode('gw-2');
    const onGw2 = await untilAnswer(cluster.gateways['gw-2'], path, token, isNext);
    const answers = await watched.stop();
    const stale = answers.filter((a) => a.includes(api.backend.name));
    console.log(
      `deploy while a gateway is down: gw-1 served the new revision after ${Math.round(onGw1.elapsed)} ms;` +
        ` gw-2 was ready ${Math.round(restartMs)} ms after its restart and served it ${Math.round(onGw2.elapsed)} ms` +
        ` later; of its ${answers.length} answers, ${stale.length} came from the replaced revision (${answers.join(', ')})`,
    );
    // From its first answer on, the gateway that comes back serves the revision deployed while it was down
    // (soft: the load balancer's answers are still checked when this fails).
    expect.soft(stale).toEqual([]);
    for (let i = 0; i < 6; i++) expect(isNext(await cluster.lb.call(path, { token }))).toBe(true);
  });
});
