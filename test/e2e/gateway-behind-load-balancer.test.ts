/**
 * A gateway behind a load balancer listed in `http.trust_proxy` (here 127.0.0.1, where the tests call from):
 * the caller is the client the load balancer forwarded for, read from X-Forwarded-For past trusted hops, so
 * IP deny policies see the client rather than the load balancer, and a client cannot name another address
 * by sending the header itself. The backend gets the chain with the load balancer added, and the protocol
 * the client used (X-Forwarded-Proto). Without the setting the header names nobody (gateway-access.test.ts,
 * gateway-forwarding.test.ts).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DenyPolicies } from '../publisher/deny-policies-client.js';
import {
  expectForwarded,
  expectGatewayError,
  httpEndpoints,
  useGatewayNode,
  type GatewayApi,
  type Subscribed,
  type TestBackend,
} from './gateway-support.js';

const ctx = useGatewayNode({ PORTCULLIS_HTTP__TRUST_PROXY: '127.0.0.1' });

const CLIENT = '203.0.113.9';
const OTHER = '198.51.100.4';

describe('behind a trusted load balancer', () => {
  let backend: TestBackend;
  let api: GatewayApi;
  let subscriber: Subscribed;
  let deny: DenyPolicies;
  const made: string[] = [];

  beforeAll(async () => {
    backend = await ctx.backend('behind-lb');
    api = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url) });
    subscriber = await ctx.subscriber([api.id]);
    deny = new DenyPolicies(ctx.node, ctx.api.token);
  });

  afterEach(async () => {
    for (const id of made.splice(0)) await deny.delete(id);
  });

  const call = (headers: Record<string, string> = {}) =>
    ctx.gateway.call(`${api.base}/x`, { token: subscriber.token(), headers });
  const last = () => backend.requests.at(-1);

  it('an IP deny policy refuses the client the load balancer forwarded for, not the load balancer', async () => {
    const created = await deny.created({
      conditionType: 'IP',
      conditionValue: { fixedIp: CLIENT, invert: false },
    });
    made.push(created.conditionId as string);
    expectGatewayError(await call({ 'x-forwarded-for': CLIENT }), 403, 900805, CLIENT);
    expectForwarded(await call({ 'x-forwarded-for': OTHER }), backend);
    // Called directly, the caller is the load balancer's own address, which the policy does not name.
    expectForwarded(await call(), backend);
  });

  it('an address the client put in front of the chain itself names nobody', async () => {
    const created = await deny.created({
      conditionType: 'IP',
      conditionValue: { fixedIp: OTHER, invert: false },
    });
    made.push(created.conditionId as string);
    // The client (CLIENT, as the load balancer saw it) claims to be forwarding for OTHER: it is still CLIENT.
    expectForwarded(await call({ 'x-forwarded-for': `${OTHER}, ${CLIENT}` }), backend);
    expectGatewayError(await call({ 'x-forwarded-for': `${CLIENT}, ${OTHER}` }), 403, 900805, OTHER);
  });

  it('tells the backend the whole chain and the protocol the client used', async () => {
    expectForwarded(await call({ 'x-forwarded-for': CLIENT, 'x-forwarded-proto': 'https' }), backend);
    expect(last()?.headers).toMatchObject({
      'x-forwarded-for': `${CLIENT}, 127.0.0.1`,
      'x-forwarded-proto': 'https',
    });
    expectForwarded(await call({ 'x-forwarded-for': CLIENT, 'x-forwarded-proto': 'gopher' }), backend);
    expect(last()?.headers['x-forwarded-proto']).toBe('http');
  });
});
