/**
 * The seed's story on the local cluster (npm run cluster:up), each step on the node that owns it: an API
 * published on the Publisher node (created, a revision deployed to Default, published), an application
 * subscribed with production and sandbox keys on the Developer Portal node, tokens from the Key Manager load
 * balancer, calls through the gateway load balancer answered by both gateways (each gateway's request counter
 * in /metrics rises, and together they rose by exactly the calls made), a revocation through the load
 * balancer's /revoke refused by both gateways' own listeners within a second, and one subscription's daily
 * limit holding across both gateways (calls alternating between them admit exactly the limit; the counts
 * and the traffic managers' decision are watched on the broker, so no call races the decision).
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectGatewayError, httpEndpoints, timeUntil } from '../gateway-support.js';
import { basicAuth } from '../../support/oauth-helpers.js';
import {
  answeredByEach,
  firstAnswer,
  freshToken,
  GATEWAYS,
  servedApi,
  subscriber,
  useCluster,
  type ClusterApi,
  type ClusterSubscriber,
} from './cluster-support.js';
import {
  dailyTier,
  exhaustAcross,
  expectThrottled,
  subscriptionKey,
  ThrottleWatch,
} from './throttle-watch.js';

const LIMIT = 5;
const CALLS = 20;

describe.runIf(inject('clusterUp'))('the story on the local cluster', () => {
  const cluster = useCluster();
  let watch: ThrottleWatch;
  let tier: string;
  let api: ClusterApi;
  let sub: ClusterSubscriber;

  beforeAll(async () => {
    watch = await ThrottleWatch.connect();
  });

  afterAll(async () => {
    await watch?.close();
  });

  it('publishes an API on the Publisher node: created, deployed to Default, published; both gateways route it', async () => {
    tier = await dailyTier(cluster, LIMIT);
    api = await servedApi(cluster, {
      endpoints: (url) => httpEndpoints(`${url}/production`, `${url}/sandbox`),
      policies: ['Gold', tier],
    });
    // The Developer Portal node shows it with the gateway load balancer's URLs (the Default environment's).
    const shown = await cluster.portal.getApi(api.id);
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body.endpointURLs)).toContain(`${new URL(cluster.file.gateway).host}`);
  });

  it('subscribes and gets production and sandbox keys on the Developer Portal node; tokens from the Key Manager LB work through the gateway LB', async () => {
    sub = await subscriber(cluster, api.id, { keyTypes: ['PRODUCTION', 'SANDBOX'] });
    for (const [keyType, path] of [
      ['PRODUCTION', '/production'],
      ['SANDBOX', '/sandbox'],
    ] as const) {
      const token = await freshToken(cluster, sub.keys[keyType]);
      // Every Key Manager issues the load balancer's issuer.
      expect(decodeJwt(token)).toMatchObject({
        iss: `${cluster.file.keyManager}/oauth2/token`,
        client_id: sub.keys[keyType].consumerKey,
      });
      const reply = await firstAnswer(cluster.lb, `${api.base}/orders?key=${keyType}`, token);
      expect(reply.status, reply.text).toBe(200);
      expect(reply.headers['x-backend']).toBe(api.backend.name);
      expect(reply.body.url).toBe(`${path}/orders?key=${keyType}`);
    }
  });

  it('spreads calls through the gateway load balancer over both gateways', async () => {
    const token = await freshToken(cluster, sub.keys.PRODUCTION);
    for (const name of GATEWAYS) await firstAnswer(cluster.gateways[name], `${api.base}/warm`, token);
    const before = await answeredByEach(api.name);
    for (let i = 0; i < CALLS; i++) {
      const reply = await cluster.lb.call(`${api.base}/spread/${i}`, { token, https: i % 2 === 1 });
      expect(reply.status, reply.text).toBe(200);
    }
    const after = await answeredByEach(api.name);
    const served = GATEWAYS.map((name) => after[name] - before[name]);
    console.log(
      `story: ${CALLS} calls through the load balancer, answered by gw-1/gw-2: ${served.join('/')}`,
    );
    for (const count of served) expect(count).toBeGreaterThan(0);
    expect(served.reduce((a, b) => a + b)).toBe(CALLS);
  });

  it("refuses a token revoked through the gateway load balancer's /revoke on both gateways within 1 s", async () => {
    const keys = sub.keys.PRODUCTION;
    const token = await freshToken(cluster, keys);
    // Both gateways have verified (and remember) the token before it is revoked.
    for (const name of GATEWAYS) {
      const reply = await firstAnswer(cluster.gateways[name], `${api.base}/before-revoke`, token);
      expect(reply.status, reply.text).toBe(200);
    }
    const revoked = await cluster.fetch(`${cluster.file.gateway}/revoke`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(keys.consumerKey, keys.consumerSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(revoked.status, await revoked.text()).toBe(200);
    const refused = await Promise.all(
      GATEWAYS.map((name) =>
        timeUntil(
          () => cluster.gateways[name].call(`${api.base}/after-revoke`, { token }),
          (reply) => reply.status === 401,
          1000,
        ),
      ),
    );
    console.log(
      `story: revoked token refused by gw-1/gw-2 after ${refused.map((r) => Math.round(r.elapsed)).join('/')} ms`,
    );
    for (const { elapsed, value } of refused) {
      expectGatewayError(value, 401, 900901);
      expect(elapsed).toBeLessThan(1000);
    }
  });

  it('holds one subscription limit across both gateways: exactly the limit is admitted, then both answer 429', async () => {
    const limited = await subscriber(cluster, api.id, { tier });
    const key = subscriptionKey(limited, api);
    const path = `${api.base}/limited`;
    await exhaustAcross(
      watch,
      [cluster.gateways['gw-1'], cluster.gateways['gw-2']],
      path,
      limited.token(),
      key,
      LIMIT,
    );
    // Both gateways counted their share of the calls.
    expect(watch.counters(key)).toEqual(['gw-1', 'gw-2']);
    // And the load balancer, whichever gateway it picks, refuses it too.
    for (let i = 0; i < 2; i++)
      expectThrottled(await cluster.lb.call(path, { token: limited.token() }), LIMIT);
  });
});
