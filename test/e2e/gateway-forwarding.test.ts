/**
 * What the gateway sends to the backend and back, end to end: the path after the context and the query
 * string, the request's end-to-end headers without hop-by-hop ones and without the API's credential header,
 * X-Forwarded-For/-Proto/-Host; the backend's status, headers and body as they are; bodies streamed both ways
 * (5 MB each way, and a body whose first bytes reach the other side before the last are sent).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { PassThrough } from 'node:stream';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
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

/** A request with node:http, which sends any header it is given (undici refuses hop-by-hop ones). */
function rawCall(
  url: string,
  options: { method?: string; headers?: http.OutgoingHttpHeaders } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: false,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('forwarding', () => {
  let backend: TestBackend;
  let api: GatewayApi;
  let subscriber: Subscribed;

  beforeAll(async () => {
    backend = await ctx.backend('forwarding');
    api = await ctx.servedApi({
      endpointConfig: httpEndpoints(`${backend.url}/base/`),
      operations: [
        ...['GET', 'POST', 'PUT', 'HEAD'].map((verb) => ({ target: '/open/*', verb, authType: 'None' })),
        { target: '/secure/*', verb: 'GET', authType: 'Any' },
      ],
    });
    subscriber = await ctx.subscriber([api.id]);
  });

  const last = () => backend.requests.at(-1)!;

  it('sends the path after the context and the query string as they came', async () => {
    const query = '?x=1&y=a%20b&x=2&empty=&flag&enc=%2F%3F%26';
    expectForwarded(await ctx.gateway.call(`${api.base}/open/a/b%20c/d.json${query}`), backend);
    expect(last().url).toBe(`/base/open/a/b%20c/d.json${query}`);
    expect(last().method).toBe('GET');
  });

  it('sends the root of the API to the endpoint’s own path, with the query string', async () => {
    const root = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      operations: [{ target: '/*', verb: 'GET', authType: 'None' }],
    });
    expectForwarded(await ctx.gateway.call(`${root.base}/`), backend);
    expect(last().url).toBe('/');
    expectForwarded(await ctx.gateway.call(root.base), backend);
    expect(last().url).toBe('/');
    expectForwarded(await ctx.gateway.call(`${root.base}?q=1`), backend);
    expect(last().url).toBe('/?q=1');
  });

  it('drops hop-by-hop headers, those the Connection header names included, and keeps the others', async () => {
    const reply = await rawCall(`${ctx.gateway.urls.http}${api.base}/open/hop`, {
      headers: {
        connection: 'keep-alive, x-drop-me',
        'keep-alive': 'timeout=5',
        'x-drop-me': 'hop-by-hop',
        'proxy-authorization': 'Basic c2VjcmV0OnNlY3JldA==',
        'proxy-connection': 'keep-alive',
        te: 'trailers',
        'x-keep-me': 'end-to-end',
        accept: 'application/json',
        'user-agent': 'gateway-tests',
      },
    });
    expect(reply.status, reply.text).toBe(200);
    const seen = last().headers;
    for (const name of [
      'keep-alive',
      'x-drop-me',
      'proxy-authorization',
      'proxy-connection',
      'te',
      'trailer',
      'transfer-encoding',
      'upgrade',
    ]) {
      expect(seen[name], name).toBeUndefined();
    }
    expect(String(seen['connection'] ?? '')).not.toMatch(/x-drop-me/i);
    expect(seen).toMatchObject({
      'x-keep-me': 'end-to-end',
      accept: 'application/json',
      'user-agent': 'gateway-tests',
    });
    // The backend is called as itself, not as the gateway's host.
    expect(seen['host']).toBe(new URL(backend.url).host);
  });

  it('sets X-Forwarded-For, -Proto and -Host, appending to an incoming X-Forwarded-For', async () => {
    await ctx.gateway.call(`${api.base}/open/fwd`);
    const gatewayHost = new URL(ctx.gateway.urls.http).host;
    expect(last().headers).toMatchObject({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': gatewayHost,
    });
    await ctx.gateway.call(`${api.base}/open/fwd`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(last().headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    const overHttps = await ctx.gateway.call(`${api.base}/open/fwd`, { https: true });
    expectForwarded(overHttps, backend);
    expect(last().headers).toMatchObject({
      'x-forwarded-proto': 'https',
      'x-forwarded-host': new URL(ctx.gateway.urls.https).host,
    });
  });

  it('never passes the credential to the backend', async () => {
    const reply = await ctx.gateway.call(`${api.base}/secure/x`, { token: subscriber.token() });
    expectForwarded(reply, backend);
    expect(last().headers['authorization']).toBeUndefined();
  });

  it('with a custom authorization header, strips that header and passes Authorization on', async () => {
    const custom = await ctx.servedApi({
      endpointConfig: httpEndpoints(backend.url),
      operations: [{ target: '/*', verb: 'GET', authType: 'Any' }],
      overrides: { authorizationHeader: 'X-Gateway-Auth' },
    });
    const app = await ctx.subscriber([custom.id]);
    // The token in Authorization is not looked at.
    const wrongHeader = await ctx.gateway.call(`${custom.base}/x`, { token: app.token() });
    expectGatewayError(wrongHeader, 401, 900902, 'X-Gateway-Auth');
    const reply = await ctx.gateway.call(`${custom.base}/x`, {
      token: app.token(),
      authHeader: 'x-gateway-auth',
      headers: { authorization: 'Basic YmFja2VuZDpzZWNyZXQ=' },
    });
    expectForwarded(reply, backend);
    expect(last().headers['x-gateway-auth']).toBeUndefined();
    expect(last().headers['authorization']).toBe('Basic YmFja2VuZDpzZWNyZXQ=');
  });

  it("returns the backend's status, headers and body as they are", async () => {
    const reply = await ctx.gateway.call(`${api.base}/open/teapot?status=418`);
    expect(reply.status).toBe(418);
    expect(reply.headers).toMatchObject({
      'content-type': 'application/json',
      'x-backend': backend.name,
      'cache-control': 'no-store',
      'set-cookie': ['first=1; Path=/', 'second=2; Path=/'],
    });
    expect(reply.body).toMatchObject({ backend: backend.name, url: '/base/open/teapot?status=418' });
    const unavailable = await ctx.gateway.call(`${api.base}/open/x?status=503`);
    expect(unavailable.status).toBe(503);
    expect(unavailable.body).toMatchObject({ backend: backend.name });
  });

  it("drops the backend's hop-by-hop response headers", async () => {
    const reply = await rawCall(`${ctx.gateway.urls.http}${api.base}/open/x?hop=1`);
    expect(reply.status).toBe(200);
    expect(reply.headers['x-backend-end-to-end']).toBe('kept');
    expect(reply.headers['keep-alive']).toBeUndefined();
    // Named by the backend's Connection header: hop-by-hop too (RFC 9110 §7.6.1).
    expect(reply.headers['x-backend-hop']).toBeUndefined();
  });

  it('answers HEAD without a body', async () => {
    const reply = await ctx.gateway.call(`${api.base}/open/head`, { method: 'HEAD' });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');
    expect(last().method).toBe('HEAD');
  });

  it('streams a 5 MB request body to the backend, every byte of it', async () => {
    const body = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 4096) body.writeUInt32BE(i, i);
    const reply = await ctx.gateway.call(`${api.base}/open/upload`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expectForwarded(reply, backend);
    expect(reply.body).toMatchObject({ bytes: body.length, sha256: sha256(body) });
    expect(last().headers['content-length']).toBe(String(body.length));
  });

  it('streams a chunked request body of 5 MB', async () => {
    const stream = new PassThrough();
    const chunk = Buffer.alloc(256 * 1024, 3);
    const replying = ctx.gateway.call(`${api.base}/open/chunked`, { method: 'PUT', body: stream });
    for (let i = 0; i < 20; i++) stream.write(chunk);
    stream.end();
    const reply = await replying;
    expectForwarded(reply, backend);
    expect(reply.body).toMatchObject({
      bytes: 20 * chunk.length,
      sha256: sha256(Buffer.concat(Array.from({ length: 20 }, () => chunk))),
    });
  });

  it('streams a 5 MB response body back', async () => {
    const size = 5 * 1024 * 1024;
    const reply = await ctx.gateway.call(`${api.base}/open/download?size=${size}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/octet-stream');
    expect(Buffer.byteLength(reply.text, 'latin1')).toBe(size);
  });

  it('does not hold the request body back: the backend reads its first bytes before the client sends the rest', async () => {
    const stream = new PassThrough();
    const before = backend.requests.length;
    const replying = ctx.gateway.call(`${api.base}/open/progressive`, { method: 'POST', body: stream });
    stream.write(Buffer.alloc(1000, 1));
    // If the gateway buffered the body, the backend would see nothing until the end: this would time out.
    await timeUntil(
      async () => backend.requests[before]?.bytes ?? 0,
      (bytes) => bytes >= 1000,
      3000,
    );
    stream.end(Buffer.alloc(500, 2));
    expect((await replying).body).toMatchObject({ bytes: 1500 });
  });

  it('does not hold the response body back: the client reads the first chunk before the backend sends the rest', async () => {
    const response = await request(`${ctx.gateway.urls.http}${api.base}/open/drip`, {
      dispatcher: ctx.gateway.dispatcher,
    });
    expect(response.statusCode).toBe(200);
    const reader = response.body[Symbol.asyncIterator]();
    const first = await reader.next();
    expect(Buffer.from(first.value as Buffer).toString()).toBe('first-chunk;');
    backend.release();
    let rest = '';
    for (let next = await reader.next(); !next.done; next = await reader.next()) {
      rest += Buffer.from(next.value as Buffer).toString();
    }
    expect(rest).toBe('last-chunk');
  });
});
