/**
 * A traffic manager killed on the local cluster. Each step takes a fresh subscription at a small daily tier (a
 * throttle key of its own) and alternates calls between the two gateways' own listeners, as the story does:
 * exactly the limit is admitted, then both gateways answer 429 (the counts and the decision are watched on
 * the broker: see throttle-watch.ts). With tm-1 killed (kill -9), tm-2 alone keeps the limit; with tm-1
 * restarted, limits still hold; and with tm-2 killed in its turn, the restarted tm-1 alone decides, so it
 * really rejoined. The file ends with every node running.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  killNode,
  readiness,
  restartNode,
  servedApi,
  subscriber,
  useCluster,
  type ClusterApi,
} from './cluster-support.js';
import { dailyTier, exhaustAcross, subscriptionKey, ThrottleWatch } from './throttle-watch.js';

const LIMIT = 4;

describe.runIf(inject('clusterUp'))('a traffic manager killed on the local cluster', () => {
  const cluster = useCluster();
  let watch: ThrottleWatch;
  let tier: string;
  let api: ClusterApi;

  beforeAll(async () => {
    watch = await ThrottleWatch.connect();
    tier = await dailyTier(cluster, LIMIT);
    api = await servedApi(cluster, { policies: ['Gold', tier] });
  });

  afterAll(async () => {
    await watch?.close();
  });

  /** A fresh subscription's key, used up across both gateways: exactly LIMIT calls admitted. */
  async function limitHolds(): Promise<void> {
    const sub = await subscriber(cluster, api.id, { tier });
    const gateways = [cluster.gateways['gw-1'], cluster.gateways['gw-2']];
    await exhaustAcross(
      watch,
      gateways,
      `${api.base}/limited`,
      sub.token(),
      subscriptionKey(sub, api),
      LIMIT,
    );
  }

  it('kill -9 of tm-1: tm-2 keeps the limit; restarted, tm-1 rejoins and decides alone once tm-2 is killed', async () => {
    await killNode('tm-1');
    await limitHolds();

    const tm1Ms = await restartNode('tm-1');
    expect(await readiness('tm-1')).toEqual({
      status: 200,
      checks: { eventHub: 'UP', trafficManager: 'UP' },
    });
    await limitHolds();

    await killNode('tm-2');
    await limitHolds();
    const tm2Ms = await restartNode('tm-2');
    console.log(
      `traffic manager kill -9: tm-1 ready again ${Math.round(tm1Ms)} ms after its restart, tm-2 ${Math.round(tm2Ms)} ms`,
    );
    await limitHolds();
  });
});
