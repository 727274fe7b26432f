/**
 * services.revoke_url (the seed's RevokeAPIURL): the Developer Portal revokes an application's token (the
 * revokeToken of generate-token) at that URL instead of the Key Manager's revocation endpoint. Pointed at
 * the all-in-one node's gateway /revoke (through a proxy that counts connections), the revocation reaches
 * the Key Manager (introspection says inactive) and the gateway refuses the token at once. A revoke_url that
 * refuses connections or never answers is a 503, and the old token is left as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectForwarded,
  expectGatewayError,
  httpEndpoints,
  startGatewayNode,
  type GatewayApi,
  type GatewayContext,
  type Subscribed,
} from '../e2e/gateway-support.js';
import { createTcpProxy, freePort, type TcpProxy } from '../support/tcp-proxy.js';
import { expectError } from './devportal-client.js';

describe("services.revoke_url set to the gateway's /revoke", () => {
  let ctx: GatewayContext;
  let proxy: TcpProxy;
  let api: GatewayApi;
  let subscriber: Subscribed;

  beforeAll(async () => {
    const gatewayHttpsPort = await freePort();
    proxy = await createTcpProxy({ host: '127.0.0.1', port: gatewayHttpsPort });
    await proxy.open();
    ctx = await startGatewayNode({
      PORTCULLIS_GATEWAY__HTTPS_PORT: String(gatewayHttpsPort),
      PORTCULLIS_SERVICES__REVOKE_URL: `https://localhost:${proxy.port}/revoke`,
    });
    const backend = await ctx.backend();
    api = await ctx.servedApi({ endpointConfig: httpEndpoints(backend.url) });
    subscriber = await ctx.subscriber([api.id]);
  });
  afterAll(async () => {
    await ctx?.close();
    await proxy?.close();
  });

  /** generate-token for the subscriber's PRODUCTION keys, revoking `revokeToken`. */
  const generateRevoking = (revokeToken: string) => {
    const keys = subscriber.keys.PRODUCTION;
    return ctx.portal.generateToken(subscriber.app.applicationId, keys?.keyMappingId, {
      consumerSecret: keys?.consumerSecret,
      revokeToken,
    });
  };
  /** A new token of the subscriber's keys, which the gateway accepts. */
  const freshToken = async (): Promise<string> => {
    const keys = subscriber.keys.PRODUCTION;
    const reply = await ctx.requestToken(keys?.consumerKey, keys?.consumerSecret);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const token = reply.body.access_token as string;
    expectForwarded(await ctx.gateway.call(`${api.base}/any`, { token }));
    return token;
  };

  it('revokes through revoke_url: the Key Manager says inactive, the gateway refuses the token at once', async () => {
    const old = await freshToken();
    const before = proxy.connections;
    const reply = await generateRevoking(old);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(proxy.connections).toBeGreaterThan(before);
    expectGatewayError(await ctx.gateway.call(`${api.base}/any`, { token: old }), 401, 900901);
    expect(await ctx.isActive(old)).toBe(false);
    expectForwarded(await ctx.gateway.call(`${api.base}/any`, { token: reply.body.accessToken }));
  });

  /**
   * With the proxy to the gateway refusing (closed) or silent, generate-token revoking a fresh token is a 503
   * within `withinMs`, and the token stays valid: nothing was revoked, and no new token was issued.
   */
  async function expectRevocationUnavailable(mode: 'closed' | 'silent', withinMs: number): Promise<void> {
    const old = await freshToken();
    await proxy.close();
    if (mode === 'silent') await proxy.open('silent');
    try {
      const started = performance.now();
      const reply = await generateRevoking(old);
      expectError(reply, 503, 503);
      expect(performance.now() - started).toBeLessThan(withinMs);
      expect(await ctx.isActive(old)).toBe(true);
      expectForwarded(await ctx.gateway.call(`${api.base}/any`, { token: old }));
    } finally {
      await proxy.close();
      await proxy.open();
    }
  }

  it('a revoke_url that refuses connections: 503 at once, and the token is not revoked', async () => {
    await expectRevocationUnavailable('closed', 3000);
  });

  it('a revoke_url that never answers: 503 within the 10 s a node waits for another', async () => {
    await expectRevocationUnavailable('silent', 15_000);
  }, 25_000);
});
