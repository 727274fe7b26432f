/**
 * RabbitMQ restarted under the local cluster (`rabbitmqctl stop_app`, then `start_app`). While it is down every
 * node reports not ready (eventHub DOWN), the gateways keep serving what they have, and the Publisher still
 * takes changes: a subscription blocked and a new revision of the API deployed. Once the broker is back,
 * every node is ready again by itself (no node restarted: same processes), and both gateways apply the changes
 * they could not hear about: they pull a fresh snapshot when their event hub reconnects. The broker is
 * started again whatever happens (finally and afterAll).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NODES } from '../../../deploy/local-cluster/topology.js';
import { nodePid } from '../../../deploy/local-cluster/processes.js';
import type { GatewayReply } from '../gateway-support.js';
import {
  allReady,
  firstAnswer,
  freshToken,
  GATEWAYS,
  readiness,
  redeployedElsewhere,
  servedApi,
  subscriber,
  untilAnswer,
  useCluster,
  waitFor,
  type ClusterApi,
  type ClusterSubscriber,
} from './cluster-support.js';
import { rabbitmq, restoreRabbitMq } from './infrastructure.js';

describe.runIf(inject('clusterUp'))('RabbitMQ restarted under the local cluster', () => {
  const cluster = useCluster();
  let api: ClusterApi;
  let blocked: ClusterSubscriber;
  let other: ClusterSubscriber;

  beforeAll(async () => {
    api = await servedApi(cluster);
    blocked = await subscriber(cluster, api.id);
    other = await subscriber(cluster, api.id);
  });

  afterAll(async () => {
    await restoreRabbitMq();
  });

  it('every node is ready again by itself, and changes made while it was down reach both gateways', async () => {
    const path = `${api.base}/broker`;
    const blockedToken = await freshToken(cluster, blocked.keys.PRODUCTION);
    const otherToken = await freshToken(cluster, other.keys.PRODUCTION);
    for (const name of GATEWAYS)
      for (const token of [blockedToken, otherToken])
        expect((await firstAnswer(cluster.gateways[name], path, token)).status).toBe(200);
    const pids = NODES.map((n) => nodePid(n.name));

    let startMs = 0;
    let stoppedAt = 0;
    let next = '';
    try {
      const stopMs = await rabbitmq('stop_app');
      stoppedAt = performance.now();
      const noticedMs = await waitFor(
        'every node reporting its event hub down',
        () => Promise.all(NODES.map((n) => readiness(n.name))),
        (all) => all.every((r) => r.status === 503 && r.checks.eventHub === 'DOWN'),
        10_000,
      );
      console.log(
        `RabbitMQ restart: stop_app took ${Math.round(stopMs)} ms; every node reported not ready ${Math.round(noticedMs)} ms later`,
      );

      // Meanwhile the gateways serve what they have, and the Publisher takes changes.
      for (const name of GATEWAYS)
        expect((await cluster.gateways[name].call(path, { token: otherToken })).headers['x-backend']).toBe(
          api.backend.name,
        );
      const block = await cluster.apis.call(
        'POST',
        `/subscriptions/block-subscription?subscriptionId=${blocked.subscriptionId}&blockState=BLOCKED`,
        { template: '/subscriptions/block-subscription' },
      );
      expect(block.status, JSON.stringify(block.body)).toBe(200);
      next = (await redeployedElsewhere(cluster, api)).name;
      // No gateway could hear of them.
      for (const name of GATEWAYS) {
        const reply = await cluster.gateways[name].call(path, { token: blockedToken });
        expect(reply.status, reply.text).toBe(200);
        expect(reply.headers['x-backend']).toBe(api.backend.name);
      }
    } finally {
      startMs = await rabbitmq('start_app');
    }
    const startedAt = performance.now();
    const readyMs = await allReady();
    const isBlocked = (reply: GatewayReply) => reply.status === 403 && reply.body?.code === '900907';
    const isNext = (reply: GatewayReply) => reply.status === 200 && reply.headers['x-backend'] === next;
    await Promise.all(
      GATEWAYS.flatMap((name) => [
        untilAnswer(cluster.gateways[name], path, blockedToken, isBlocked, 10_000),
        untilAnswer(cluster.gateways[name], path, otherToken, isNext, 10_000),
      ]),
    );
    const appliedMs = (performance.now() - startedAt).toFixed(0);
    console.log(
      `RabbitMQ restart: down ${Math.round(startedAt - stoppedAt)} ms, start_app took ${Math.round(startMs)} ms;` +
        ` every node ready again ${Math.round(readyMs)} ms after it; both gateways had applied the block and the` +
        ` new revision ${appliedMs} ms after it`,
    );
    // Nobody restarted a node: the same processes recovered by themselves.
    expect(NODES.map((n) => nodePid(n.name))).toEqual(pids);
  });
});
