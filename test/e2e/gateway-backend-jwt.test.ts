/**
 * The backend JWT end to end (gateway.backend_jwt on): each call forwarded with a token carries
 * X-JWT-Assertion, signed with the gateway's key whose public half the node serves at /gateway/jwks, in WSO2's
 * claims (API, context, version, application, subscriber, tiers, key type, end user). A client's own
 * X-JWT-Assertion never reaches the backend as sent; an operation without authentication gets none. With the
 * feature off (the default), /gateway/jwks is an empty set.
 */
import { createPublicKey } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeJwt,
  jwtVerify,
  type JWK,
  type JWTPayload,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  expectForwarded,
  httpEndpoints,
  timeUntil,
  useGatewayNode,
  type GatewayApi,
  type SeenRequest,
  type Subscribed,
  type TestBackend,
} from './gateway-support.js';

const CLAIM = 'http://wso2.org/claims/';
const ISSUER = 'wso2.org/products/am';
const HEADER = 'x-jwt-assertion';

const ctx = useGatewayNode({ PORTCULLIS_GATEWAY__BACKEND_JWT: 'true' });

/** The node's /gateway/jwks (on its management listener). */
async function fetchJwks(
  node: TestNode,
): Promise<{ status: number; cacheControl: string | null; body: { keys: JWK[] } }> {
  const response = await node.fetch(`${node.baseUrl}/gateway/jwks`);
  return {
    status: response.status,
    cacheControl: response.headers.get('cache-control'),
    body: (await response.json()) as { keys: JWK[] },
  };
}

describe('backend JWT', () => {
  let backend: TestBackend;
  let api: GatewayApi;
  let subscriber: Subscribed;
  let keys: { keys: JWK[] };

  beforeAll(async () => {
    backend = await ctx.backend('backend-jwt');
    api = await ctx.servedApi({
      endpointConfig: httpEndpoints(`${backend.url}/production`, `${backend.url}/sandbox`),
      operations: [
        { target: '/open/*', verb: 'GET', authType: 'None' },
        { target: '/secure/*', verb: 'GET', authType: 'Any' },
      ],
      overrides: { policies: ['Gold', 'Bronze'] },
    });
    subscriber = await ctx.subscriber([api.id], { keyTypes: ['PRODUCTION', 'SANDBOX'] });
    keys = (await fetchJwks(ctx.node)).body;
  });

  const last = (): SeenRequest => backend.requests.at(-1)!;

  /** The claims of the JWT the backend last received, once verified with the node's JWKS. */
  async function lastAssertion(): Promise<{ token: string; claims: JWTPayload }> {
    const token = last().headers[HEADER];
    if (typeof token !== 'string')
      throw new Error(`the backend got no ${HEADER}: ${JSON.stringify(last().headers)}`);
    const { payload } = await jwtVerify(token, createLocalJWKSet(keys), {
      issuer: ISSUER,
      algorithms: ['ES256'],
    });
    return { token, claims: payload };
  }

  /** Claims every JWT of this API and application says. */
  const common = () => ({
    [`${CLAIM}apiname`]: api.name,
    [`${CLAIM}version`]: api.version,
    [`${CLAIM}apicontext`]: api.base,
    [`${CLAIM}tier`]: 'Gold',
    [`${CLAIM}subscriber`]: 'admin',
    [`${CLAIM}applicationid`]: subscriber.app.applicationId,
    [`${CLAIM}applicationUUId`]: subscriber.app.applicationId,
    [`${CLAIM}applicationname`]: subscriber.app.name,
    [`${CLAIM}applicationtier`]: 'Unlimited',
  });

  it('publishes its generated key at /gateway/jwks, kept in the data dir', async () => {
    const reply = await fetchJwks(ctx.node);
    expect(reply.status).toBe(200);
    expect(reply.cacheControl).toBe('public, max-age=300');
    expect(reply.body.keys).toHaveLength(1);
    const [jwk] = reply.body.keys as [JWK];
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
    expect(jwk.d).toBeUndefined();
    // Over the management listener's HTTP port too.
    const overHttp = await ctx.node.fetch(`${ctx.node.httpUrl}/gateway/jwks`);
    expect(await overHttp.json()).toEqual(reply.body);

    const file = path.join(ctx.node.dataDir, 'gateway-backend-jwt.key.pem');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = createPublicKey(await readFile(file, 'utf8')).export({ format: 'jwk' }) as JWK;
    expect(await calculateJwkThumbprint(saved)).toBe(jwk.kid);
  });

  it("an application's PRODUCTION token: the backend gets a JWT of the API, application, tiers and owner", async () => {
    const token = subscriber.token();
    expectForwarded(await ctx.gateway.call(`${api.base}/secure/orders?x=1`, { token }), backend);
    expect(last().url).toBe('/production/secure/orders?x=1');
    const { claims } = await lastAssertion();
    expect(claims).toEqual({
      iss: ISSUER,
      iat: expect.any(Number),
      exp: expect.any(Number),
      sub: 'admin',
      ...common(),
      [`${CLAIM}keytype`]: 'PRODUCTION',
      [`${CLAIM}usertype`]: 'APPLICATION',
      [`${CLAIM}enduser`]: 'admin',
      [`${CLAIM}client_id`]: subscriber.keys.PRODUCTION!.consumerKey,
    });
    const now = Math.floor(Date.now() / 1000);
    expect(claims.iat).toBeGreaterThanOrEqual(now - 60);
    expect(claims.iat).toBeLessThanOrEqual(now + 1);
    expect(claims.exp! - claims.iat!).toBeGreaterThan(0);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(900);
    // Never past the access token.
    const tokenExp = decodeJwt(token).exp;
    expect(tokenExp).toEqual(expect.any(Number));
    expect(claims.exp).toBeLessThanOrEqual(tokenExp!);
  });

  it('a SANDBOX token: key type SANDBOX and the sandbox client', async () => {
    expectForwarded(
      await ctx.gateway.call(`${api.base}/secure/s`, { token: subscriber.token('SANDBOX') }),
      backend,
    );
    expect(last().url).toBe('/sandbox/secure/s');
    const { claims } = await lastAssertion();
    expect(claims).toMatchObject({
      sub: 'admin',
      ...common(),
      [`${CLAIM}keytype`]: 'SANDBOX',
      [`${CLAIM}usertype`]: 'APPLICATION',
      [`${CLAIM}client_id`]: subscriber.keys.SANDBOX!.consumerKey,
    });
  });

  it("a user's token: the user is the end user and the subject; the application's owner the subscriber", async () => {
    const { credentials } = await ctx.newUser();
    const userToken = await ctx.userToken(
      subscriber.keys.PRODUCTION,
      credentials.username,
      credentials.password,
    );
    expectForwarded(await ctx.gateway.call(`${api.base}/secure/u`, { token: userToken }), backend);
    const { claims } = await lastAssertion();
    expect(claims).toMatchObject({
      sub: credentials.username,
      ...common(),
      [`${CLAIM}keytype`]: 'PRODUCTION',
      [`${CLAIM}usertype`]: 'APPLICATION_USER',
      [`${CLAIM}enduser`]: credentials.username,
      [`${CLAIM}client_id`]: subscriber.keys.PRODUCTION!.consumerKey,
    });
  });

  it('the same token gets the same JWT on the next call', async () => {
    await ctx.gateway.call(`${api.base}/secure/a`, { token: subscriber.token() });
    const first = (await lastAssertion()).token;
    await ctx.gateway.call(`${api.base}/secure/b`, { token: subscriber.token() });
    expect((await lastAssertion()).token).toBe(first);
  });

  it("replaces a client's own X-JWT-Assertion", async () => {
    // A JWT the gateway really signed, for another key type: replayed, it must not reach the backend either.
    await ctx.gateway.call(`${api.base}/secure/s`, { token: subscriber.token('SANDBOX') });
    const sandboxJwt = (await lastAssertion()).token;
    for (const sent of ['forged.by.client', sandboxJwt]) {
      const reply = await ctx.gateway.call(`${api.base}/secure/r`, {
        token: subscriber.token(),
        headers: { 'X-JWT-Assertion': sent },
      });
      expectForwarded(reply, backend);
      const { token, claims } = await lastAssertion();
      expect(token).not.toBe(sent);
      expect(claims[`${CLAIM}keytype`]).toBe('PRODUCTION');
    }
  });

  it('an operation without authentication gets no JWT', async () => {
    expectForwarded(await ctx.gateway.call(`${api.base}/open/x`), backend);
    expect(last().url).toBe('/production/open/x');
    expect(last().headers[HEADER]).toBeUndefined();
    // A token sent anyway changes nothing: the operation does not look at it.
    expectForwarded(await ctx.gateway.call(`${api.base}/open/y`, { token: subscriber.token() }), backend);
    expect(last().headers[HEADER]).toBeUndefined();
  });

  // A backend that trusts the header must never see a client's own, not even a replayed genuine JWT.
  it("an operation without authentication does not pass a client's X-JWT-Assertion on", async () => {
    const reply = await ctx.gateway.call(`${api.base}/open/z`, {
      headers: { 'X-JWT-Assertion': 'forged.by.client' },
    });
    expectForwarded(reply, backend);
    expect(last().url).toBe('/production/open/z');
    expect(last().headers[HEADER]).toBeUndefined();
  });

  it('a new subscription tier is in the next JWT', async () => {
    const portal = ctx.portal;
    const list = await portal.listSubscriptions({ applicationId: subscriber.app.applicationId });
    const subscription = (list.body.list as { subscriptionId: string; apiId: string }[]).find(
      (s) => s.apiId === api.id,
    );
    expect(subscription).toBeDefined();
    const update = await portal.updateSubscription(subscription!.subscriptionId, {
      applicationId: subscriber.app.applicationId,
      apiId: api.id,
      throttlingPolicy: 'Bronze',
    });
    expect(update.status, JSON.stringify(update.body)).toBe(200);
    const { value: claims } = await timeUntil(
      async () => {
        expectForwarded(
          await ctx.gateway.call(`${api.base}/secure/t`, { token: subscriber.token() }),
          backend,
        );
        return (await lastAssertion()).claims;
      },
      (c) => c[`${CLAIM}tier`] === 'Bronze',
      5000,
    );
    expect(claims).toMatchObject({ [`${CLAIM}keytype`]: 'PRODUCTION', [`${CLAIM}apiname`]: api.name });
  });
});

describe('backend JWT off (the default)', () => {
  let node: TestNode;

  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => {
    await node?.close();
  });

  it('/gateway/jwks is an empty set and no key is generated', async () => {
    const reply = await fetchJwks(node);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ keys: [] });
    await expect(stat(path.join(node.dataDir, 'gateway-backend-jwt.key.pem'))).rejects.toThrow(/ENOENT/);
  });
});
