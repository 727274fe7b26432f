/**
 * Authentication at the gateway, end to end with real tokens from the Key Manager: the bearer token in the
 * API's authorization header (900902 when missing, 900901 when invalid, expired or revoked), operations of
 * authType None open to all, `Application` and `Application User` operations taking only their kind of token
 * (900905), JWT and opaque tokens alike; and the gateway's own /token and /revoke, forwarded to the Key
 * Manager, a revocation there taking effect on the very next call.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm } from '../support/oauth-helpers.js';
import {
  expectForwarded,
  expectGatewayError,
  httpEndpoints,
  timeUntil,
  useGatewayNode,
  type GatewayApi,
  type Subscribed,
  type TestBackend,
} from './gateway-support.js';

const ctx = useGatewayNode();

let backend: TestBackend;
let api: GatewayApi;
let subscriber: Subscribed;
let userToken: string;

beforeAll(async () => {
  backend = await ctx.backend('auth');
  api = await ctx.servedApi({
    endpointConfig: httpEndpoints(backend.url),
    operations: [
      { target: '/any', verb: 'GET', authType: 'Any' },
      { target: '/none', verb: 'GET', authType: 'None' },
      { target: '/app-only', verb: 'GET', authType: 'Application' },
      { target: '/user-only', verb: 'GET', authType: 'Application User' },
      { target: '/both', verb: 'GET', authType: 'Application & Application User' },
    ],
  });
  subscriber = await ctx.subscriber([api.id]);
  userToken = await ctx.userToken(subscriber.keys.PRODUCTION, 'admin', ctx.node.adminPassword);
});

/** A fresh client_credentials token of the subscriber's production keys. */
async function freshToken(params: Record<string, string> = {}): Promise<string> {
  const keys = subscriber.keys.PRODUCTION;
  const reply = await ctx.requestToken(keys.consumerKey, keys.consumerSecret, {
    grant_type: 'client_credentials',
    ...params,
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.access_token as string;
}

describe('bearer tokens', () => {
  it('answers a call with a valid token', async () => {
    expectForwarded(await ctx.gateway.call(`${api.base}/any`, { token: subscriber.token() }), backend);
  });

  it('a call without a token is 900902, with WWW-Authenticate naming the header to use', async () => {
    for (const headers of [{}, { authorization: '' }] as Record<string, string>[]) {
      const reply = await ctx.gateway.call(`${api.base}/any`, { headers });
      expectGatewayError(reply, 401, 900902, 'Authorization');
      expect(reply.headers['www-authenticate']).toMatch(/^Bearer realm=/);
    }
  });

  it('an invalid token is 900901, whatever it looks like', async () => {
    const valid = subscriber.token();
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const tampered = `${header}.${payload}.${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'admin', scope: 'everything' })).toString('base64url')}.${signature}`;
    for (const authorization of [
      'Bearer not-a-token',
      'Bearer a.b.c',
      `Bearer ${tampered}`,
      `Bearer ${forged}`,
      'Bearer',
      'Bearer    ',
      `Basic ${Buffer.from('admin:secret').toString('base64')}`,
      `Token ${valid}`,
      `Bearer ${valid} extra`,
      `Bearer ${'x'.repeat(9000)}`,
    ]) {
      const reply = await ctx.gateway.call(`${api.base}/any`, { headers: { authorization } });
      expectGatewayError(reply, 401, 900901);
      expect(reply.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    }
    // The scheme is case-insensitive.
    expectForwarded(
      await ctx.gateway.call(`${api.base}/any`, { headers: { authorization: `bearer ${valid}` } }),
    );
  });

  it('an expired token is 900901', async () => {
    const keys = subscriber.keys.PRODUCTION;
    const generated = await ctx.portal.generateToken(subscriber.app.applicationId, keys.keyMappingId, {
      consumerSecret: keys.consumerSecret,
      validityPeriod: 1,
      scopes: [],
    });
    expect(generated.status, JSON.stringify(generated.body)).toBe(200);
    const token = generated.body.accessToken as string;
    expectForwarded(await ctx.gateway.call(`${api.base}/any`, { token }));
    const { elapsed } = await timeUntil(
      () => ctx.gateway.call(`${api.base}/any`, { token }),
      (reply) => reply.status === 401,
      4000,
    );
    expect(elapsed).toBeLessThan(3000);
    expectGatewayError(await ctx.gateway.call(`${api.base}/any`, { token }), 401, 900901);
  });

  it('a token revoked at the Key Manager is refused as soon as the revocation event arrives', async () => {
    const token = await freshToken();
    expectForwarded(await ctx.gateway.call(`${api.base}/any`, { token }));
    const keys = subscriber.keys.PRODUCTION;
    const revoked = await postForm(
      ctx.node,
      '/oauth2/revoke',
      { token },
      {
        authorization: basicAuth(keys.consumerKey, keys.consumerSecret),
      },
    );
    expect(revoked.status).toBe(200);
    const { elapsed } = await timeUntil(
      () => ctx.gateway.call(`${api.base}/any`, { token }),
      (reply) => reply.status === 401,
    );
    expect(elapsed).toBeLessThan(250);
    expectGatewayError(await ctx.gateway.call(`${api.base}/any`, { token }), 401, 900901);
    // Other tokens of the same keys still work.
    expectForwarded(await ctx.gateway.call(`${api.base}/any`, { token: subscriber.token() }));
  });

  it('operations of authType None need no token (and ignore a bad one)', async () => {
    expectForwarded(await ctx.gateway.call(`${api.base}/none`), backend);
    expectForwarded(
      await ctx.gateway.call(`${api.base}/none`, { headers: { authorization: 'Bearer junk' } }),
    );
  });

  it('opaque tokens (applications of token type OAUTH) are checked with the Key Manager', async () => {
    const opaque = await ctx.subscriber([api.id], { tokenType: 'OAUTH' });
    const token = opaque.token();
    expect(token.split('.')).toHaveLength(1);
    expectForwarded(await ctx.gateway.call(`${api.base}/any`, { token }), backend);
    const keys = opaque.keys.PRODUCTION;
    const revoked = await postForm(
      ctx.node,
      '/oauth2/revoke',
      { token },
      {
        authorization: basicAuth(keys.consumerKey, keys.consumerSecret),
      },
    );
    expect(revoked.status).toBe(200);
    await timeUntil(
      () => ctx.gateway.call(`${api.base}/any`, { token }),
      (reply) => reply.status === 401,
      1000,
    );
    expectGatewayError(await ctx.gateway.call(`${api.base}/any`, { token }), 401, 900901);
  });
});

describe('token types per operation', () => {
  it("'Application' takes application tokens only", async () => {
    expectForwarded(await ctx.gateway.call(`${api.base}/app-only`, { token: subscriber.token() }));
    const reply = await ctx.gateway.call(`${api.base}/app-only`, { token: userToken });
    expectGatewayError(reply, 403, 900905);
  });

  it("'Application User' takes users' tokens only", async () => {
    expectForwarded(await ctx.gateway.call(`${api.base}/user-only`, { token: userToken }));
    const reply = await ctx.gateway.call(`${api.base}/user-only`, { token: subscriber.token() });
    expectGatewayError(reply, 403, 900905);
  });

  it('opaque tokens are told apart the same way', async () => {
    const opaque = await ctx.subscriber([api.id], { tokenType: 'OAUTH' });
    const opaqueUser = await ctx.userToken(opaque.keys.PRODUCTION, 'admin', ctx.node.adminPassword);
    expect(opaqueUser.split('.')).toHaveLength(1);
    expectForwarded(await ctx.gateway.call(`${api.base}/app-only`, { token: opaque.token() }));
    expectForwarded(await ctx.gateway.call(`${api.base}/user-only`, { token: opaqueUser }));
    expectGatewayError(await ctx.gateway.call(`${api.base}/app-only`, { token: opaqueUser }), 403, 900905);
    expectGatewayError(
      await ctx.gateway.call(`${api.base}/user-only`, { token: opaque.token() }),
      403,
      900905,
    );
  });

  it("'Application & Application User' and 'Any' take both", async () => {
    for (const path of ['/both', '/any']) {
      expectForwarded(await ctx.gateway.call(`${api.base}${path}`, { token: userToken }));
      expectForwarded(await ctx.gateway.call(`${api.base}${path}`, { token: subscriber.token() }));
    }
  });
});

describe('/token and /revoke on the gateway', () => {
  const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const formHeaders = (keys: { consumerKey: string; consumerSecret: string }) => ({
    'content-type': 'application/x-www-form-urlencoded',
    authorization: basicAuth(keys.consumerKey, keys.consumerSecret),
  });

  it('/token issues a token from the Key Manager that the gateway takes', async () => {
    const keys = subscriber.keys.PRODUCTION;
    for (const https of [false, true]) {
      const reply = await ctx.gateway.call('/token', {
        method: 'POST',
        https,
        headers: formHeaders(keys),
        body: form({ grant_type: 'client_credentials' }),
      });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(reply.headers['cache-control']).toBe('no-store');
      expect(reply.body).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer' });
      expectForwarded(await ctx.gateway.call(`${api.base}/any`, { token: reply.body.access_token }), backend);
    }
  });

  it("/token passes on the Key Manager's refusals as they are", async () => {
    const keys = subscriber.keys.PRODUCTION;
    const reply = await ctx.gateway.call('/token', {
      method: 'POST',
      headers: formHeaders({ consumerKey: keys.consumerKey, consumerSecret: 'wrong-secret' }),
      body: form({ grant_type: 'client_credentials' }),
    });
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ error: 'invalid_client' });
  });

  it('/token and /revoke take POST only', async () => {
    for (const path of ['/token', '/revoke']) {
      const reply = await ctx.gateway.call(path);
      expect(reply.status).toBe(405);
      expect(reply.headers['allow']).toBe('POST');
    }
  });

  it('after POST /revoke, the very next call with the token is 900901', async () => {
    const keys = subscriber.keys.PRODUCTION;
    const token = await freshToken();
    expectForwarded(await ctx.gateway.call(`${api.base}/any`, { token }));
    const revoked = await ctx.gateway.call('/revoke', {
      method: 'POST',
      headers: formHeaders(keys),
      body: form({ token, token_type_hint: 'access_token' }),
    });
    expect(revoked.status, revoked.text).toBe(200);
    expectGatewayError(await ctx.gateway.call(`${api.base}/any`, { token }), 401, 900901);
    // The Key Manager revoked it too: it is not only this gateway that forgot it.
    expect(await ctx.isActive(token)).toBe(false);
  });

  it('after POST /revoke of an opaque token, the very next call with it is 900901', async () => {
    const opaque = await ctx.subscriber([api.id], { tokenType: 'OAUTH' });
    const token = opaque.token();
    expectForwarded(await ctx.gateway.call(`${api.base}/any`, { token }));
    const revoked = await ctx.gateway.call('/revoke', {
      method: 'POST',
      headers: formHeaders(opaque.keys.PRODUCTION),
      body: form({ token }),
    });
    expect(revoked.status, revoked.text).toBe(200);
    expectGatewayError(await ctx.gateway.call(`${api.base}/any`, { token }), 401, 900901);
  });
});
