/**
 * PostgreSQL stopped under the local cluster (pg_ctlcluster … stop, then start). While it is down the gateways,
 * which never open the database, keep serving deployed APIs to valid JWTs (one they had seen, one they had
 * not: verified against the JWKS they hold), directly and through the load balancer; the control plane
 * answers 503 with a JSON error naming the database within seconds instead of hanging: the Publisher's REST
 * API, the Developer Portal's, and the Key Manager's token endpoint through its load balancer (RFC 6749's
 * temporarily_unavailable); the nodes that use the database report not ready. Once PostgreSQL is back,
 * everything recovers without a node restart (same processes). PostgreSQL is started again whatever happens
 * (finally and afterAll).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { nodePid } from '../../../deploy/local-cluster/processes.js';
import { NODES } from '../../../deploy/local-cluster/topology.js';
import {
  allReady,
  firstAnswer,
  freshToken,
  GATEWAYS,
  readiness,
  servedApi,
  subscriber,
  timedCall,
  tokenRequest,
  useCluster,
  waitFor,
  type ClusterApi,
  type ClusterSubscriber,
  type TimedReply,
} from './cluster-support.js';
import { postgres, restorePostgres } from './infrastructure.js';

/** The longest a control-plane call may take to say that the database is down. */
const ANSWER_WITHIN_MS = 10_000;
const DATABASE_NODES = ['km-1', 'km-2', 'publisher-1', 'devportal-1'];

describe.runIf(inject('clusterUp'))('PostgreSQL stopped under the local cluster', () => {
  const cluster = useCluster();
  let api: ClusterApi;
  let sub: ClusterSubscriber;

  beforeAll(async () => {
    api = await servedApi(cluster);
    sub = await subscriber(cluster, api.id);
  });

  afterAll(async () => {
    await restorePostgres();
  });

  it('gateways keep serving, the control plane answers 503 quickly; restarted, everything recovers without a node restart', async () => {
    const path = `${api.base}/no-database`;
    const seen = await freshToken(cluster, sub.keys.PRODUCTION);
    const unseen = await freshToken(cluster, sub.keys.PRODUCTION);
    for (const name of GATEWAYS)
      expect((await firstAnswer(cluster.gateways[name], path, seen)).status).toBe(200);
    const pids = NODES.map((n) => nodePid(n.name));
    // The admin's token (every scope): a JWT, checked by the Publisher and the Developer Portal on their own.
    const bearer = { authorization: `Bearer ${cluster.apis.token ?? ''}` };

    let stoppedAt = 0;
    let startMs = 0;
    try {
      const stopMs = await postgres('stop');
      stoppedAt = performance.now();

      for (const token of [seen, unseen]) {
        for (const name of GATEWAYS)
          expect((await cluster.gateways[name].call(path, { token })).status).toBe(200);
        expect((await cluster.lb.call(path, { token, https: true })).status).toBe(200);
      }

      const publisher = await timedCall(() =>
        cluster.fetch(`${cluster.file.publisher}/api/am/publisher/v4/apis`, { headers: bearer }),
      );
      const devportal = await timedCall(() =>
        cluster.fetch(`${cluster.file.devportal}/api/am/devportal/v3/applications`, { headers: bearer }),
      );
      // Three in a row through the Key Manager LB: nginx moves a 503 to the other Key Manager, and each
      // answer must still be the Key Managers' JSON, not one of the load balancer's own.
      const tokens = [];
      for (let i = 0; i < 3; i++) tokens.push(await tokenRequest(cluster, sub.keys.PRODUCTION));
      const said = (reply: TimedReply) => `${reply.status} after ${Math.round(reply.elapsed)} ms`;
      console.log(
        `PostgreSQL stop: pg_ctlcluster stop took ${Math.round(stopMs)} ms; the Publisher answered` +
          ` ${said(publisher)}, the Developer Portal ${said(devportal)}, the Key Manager LB` +
          ` ${tokens.map(said).join(', ')}`,
      );
      for (const reply of [publisher, devportal]) {
        expect(reply.status, JSON.stringify(reply.body)).toBe(503);
        expect(reply.contentType).toMatch(/^application\/json/);
        expect(reply.body).toMatchObject({ code: 503, description: expect.stringContaining('database') });
        expect(reply.elapsed).toBeLessThan(ANSWER_WITHIN_MS);
      }
      // Soft: what follows (readiness, recovery) is still checked and reported when these fail.
      for (const reply of tokens) {
        expect.soft(reply.status, JSON.stringify(reply.body)).toBe(503);
        expect.soft(reply.contentType).toMatch(/^application\/json/);
        expect.soft(reply.body).toMatchObject({ error: 'temporarily_unavailable' });
        expect.soft(reply.elapsed).toBeLessThan(ANSWER_WITHIN_MS);
      }
      for (const name of DATABASE_NODES)
        expect(await readiness(name)).toMatchObject({ status: 503, checks: { database: 'DOWN' } });
    } finally {
      startMs = await postgres('start');
    }
    const startedAt = performance.now();
    const readyMs = await allReady();
    const servedMs = await waitFor(
      'the Publisher and the Key Manager LB answering again',
      async () => {
        const apis = await cluster.apis.get(api.id);
        const issued = await tokenRequest(cluster, sub.keys.PRODUCTION);
        return [apis.status, issued.status];
      },
      (statuses) => statuses.every((s) => s === 200),
      30_000,
    );
    console.log(
      `PostgreSQL stop: down ${Math.round(startedAt - stoppedAt)} ms (start took ${Math.round(startMs)} ms);` +
        ` every node ready ${Math.round(readyMs)} ms after the start, Publisher and token endpoint answering` +
        ` ${Math.round(readyMs + servedMs)} ms after it`,
    );
    expect(NODES.map((n) => nodePid(n.name))).toEqual(pids);
  });
});
