/**
 * A Key Manager killed (kill -9 of km-1) on the local cluster: through the Key Manager load balancer, tokens
 * are still issued (every request of a burst sent right after the kill answers 200) and introspected (by a
 * client of the admin's, which sees every token); both gateways accept new tokens, opaque ones included,
 * which they introspect through the same load balancer with their node client. Restarted, km-1 issues tokens
 * itself again. The file ends with every node running.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { introspect } from '../../support/oauth-helpers.js';
import {
  firstAnswer,
  freshToken,
  GATEWAYS,
  killNode,
  readiness,
  restartNode,
  servedApi,
  subscriber,
  tokenRequest,
  useCluster,
  type ClusterApi,
  type ClusterSubscriber,
} from './cluster-support.js';

const BURST = 20;

describe.runIf(inject('clusterUp'))('a Key Manager killed on the local cluster', () => {
  const cluster = useCluster();
  let api: ClusterApi;
  let jwtApp: ClusterSubscriber;
  let opaqueApp: ClusterSubscriber;

  beforeAll(async () => {
    api = await servedApi(cluster);
    jwtApp = await subscriber(cluster, api.id);
    opaqueApp = await subscriber(cluster, api.id, { tokenType: 'OAUTH' });
  });

  it('kill -9 of km-1: tokens are issued and introspected through the load balancer, gateways accept new ones; restarted, km-1 serves again', async () => {
    await killNode('km-1');

    // A burst of token requests right after the kill: nginx moves each one that km-1 cannot take to km-2.
    const burst = [];
    for (let i = 0; i < BURST; i++) burst.push(await tokenRequest(cluster, jwtApp.keys.PRODUCTION));
    console.log(
      `Key Manager kill -9: ${BURST} token requests through the load balancer, statuses ` +
        `${[...new Set(burst.map((r) => r.status))].join(',')}, slowest ${Math.round(Math.max(...burst.map((r) => r.elapsed)))} ms`,
    );
    expect(burst.map((r) => r.status)).toEqual(Array<number>(BURST).fill(200));

    const jwt = await freshToken(cluster, jwtApp.keys.PRODUCTION);
    const opaque = await freshToken(cluster, opaqueApp.keys.PRODUCTION);
    expect(opaque.split('.')).toHaveLength(1);
    for (const [token, app] of [
      [jwt, jwtApp],
      [opaque, opaqueApp],
    ] as const) {
      const introspected = await introspect(cluster.keyManager, cluster.as, cluster.client, token);
      expect(introspected).toMatchObject({ active: true, client_id: app.keys.PRODUCTION.consumerKey });
      // Both gateways take the token: a JWT against the JWKS, an opaque one introspected through the LB.
      for (const name of GATEWAYS) {
        const reply = await firstAnswer(cluster.gateways[name], `${api.base}/km-down`, token);
        expect(reply.status, `${name}: ${reply.text}`).toBe(200);
      }
    }

    const restartMs = await restartNode('km-1');
    console.log(`Key Manager kill -9: km-1 ready again ${Math.round(restartMs)} ms after its restart`);
    expect(await readiness('km-1')).toEqual({ status: 200, checks: { database: 'UP', eventHub: 'UP' } });
    // km-1 itself issues tokens again (with the load balancer's issuer), and the gateways take them.
    const direct = await tokenRequest(cluster, opaqueApp.keys.PRODUCTION, cluster.node('km-1'));
    expect(direct.status, JSON.stringify(direct.body)).toBe(200);
    for (const name of GATEWAYS) {
      const reply = await firstAnswer(
        cluster.gateways[name],
        `${api.base}/km-back`,
        direct.body.access_token,
      );
      expect(reply.status, `${name}: ${reply.text}`).toBe(200);
    }
  });
});
