/**
 * The gateway facing what clients really send, end to end: garbage credentials, oversized headers (431),
 * absolute- and asterisk-form request targets, requests without Host, unknown methods, clients that give up
 * half-way; none of it stops it answering the next call. And its Prometheus metrics on the management port.
 */
import net from 'node:net';
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

let backend: TestBackend;
let api: GatewayApi;
let subscriber: Subscribed;
let port: number;

beforeAll(async () => {
  backend = await ctx.backend('robust');
  api = await ctx.servedApi({
    endpointConfig: httpEndpoints(backend.url),
    operations: [
      { target: '/*', verb: 'GET', authType: 'Any' },
      { target: '/open/*', verb: 'GET', authType: 'None' },
      { target: '/open/*', verb: 'POST', authType: 'None' },
    ],
  });
  subscriber = await ctx.subscriber([api.id]);
  port = Number(new URL(ctx.gateway.urls.http).port);
});

/** Writes raw bytes to the gateway's HTTP port and reads what comes back until it closes the connection. */
function rawExchange(bytes: string | Buffer, timeout = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no complete answer in ${timeout} ms: ${Buffer.concat(chunks).toString().slice(0, 300)}`),
      );
    }, timeout);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.write(bytes);
  });
}

const statusLine = (answer: string) => answer.split('\r\n')[0] ?? '';
const bodyOf = (answer: string) => answer.slice(answer.indexOf('\r\n\r\n') + 4);

/** The gateway still serves normally. */
async function stillServing(): Promise<void> {
  expectForwarded(await ctx.gateway.call(`${api.base}/health`, { token: subscriber.token() }), backend);
}

describe('malformed and hostile requests', () => {
  it('garbage in the Authorization header is 401, never a crash', async () => {
    for (const authorization of [
      'Bearer \u00ff\u00fe',
      'Bearer ....',
      'Bearer =',
      'Bearer a=b=c',
      `Bearer ${'A'.repeat(8193)}`,
      `Bearer ${'A.'.repeat(2000)}A`,
      'Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnagMDAuBgkqhkiC9xIBAgIGCSqGSIb3EgECAgYKKwYBBAGCNwICHgYKKwYBBAGCNwICCqKCBkAEggY8',
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsImp0aSI6IngiLCJleHAiOjk5OTk5OTk5OTl9.',
      'Bearer eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJhZG1pbiIsImp0aSI6IngiLCJleHAiOjk5OTk5OTk5OTl9.x',
    ]) {
      const reply = await ctx.gateway.call(`${api.base}/x`, { headers: { authorization } });
      expect(reply.status, authorization.slice(0, 40)).toBe(401);
      expect(['900901', '900902']).toContain(reply.body?.code);
    }
    // Control characters never reach the gateway's code: Node's parser answers 400.
    const answer = await rawExchange(
      `GET ${api.base}/x HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \u0001\u0002\r\nConnection: close\r\n\r\n`,
    );
    expect(statusLine(answer)).toMatch(/^HTTP\/1\.1 400/);
    await stillServing();
  });

  it('headers too large are 431', async () => {
    const answer = await rawExchange(
      `GET ${api.base}/x HTTP/1.1\r\nHost: localhost\r\nX-Huge: ${'h'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
    );
    expect(statusLine(answer)).toMatch(/^HTTP\/1\.1 431/);
    const manyHeaders = Array.from({ length: 400 }, (_, i) => `X-Header-${i}: ${'v'.repeat(50)}\r\n`).join(
      '',
    );
    const many = await rawExchange(`GET ${api.base}/x HTTP/1.1\r\nHost: localhost\r\n${manyHeaders}\r\n`);
    expect(statusLine(many)).toMatch(/^HTTP\/1\.1 431/);
    const longUrl = await rawExchange(
      `GET ${api.base}/${'u'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    );
    expect(statusLine(longUrl)).toMatch(/^HTTP\/1\.1 (414|431)/);
    await stillServing();
  });

  it('an absolute-form request target gets a JSON answer, not a crash', async () => {
    const target = `${ctx.gateway.urls.http}${api.base}/open/abs`;
    const answer = await rawExchange(
      `GET ${target} HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`,
    );
    const status = Number(statusLine(answer).split(' ')[1]);
    // Either routed as the path it names (RFC 9112 §3.2.2), or refused as a bad request.
    expect([200, 400]).toContain(status);
    if (status === 400) expect(JSON.parse(bodyOf(answer))).toMatchObject({ code: '400' });
    else expect(backend.requests.at(-1)?.url).toBe('/open/abs');
    const proxyStyle = await rawExchange(
      `GET http://evil.example.com/steal HTTP/1.1\r\nHost: evil.example.com\r\nConnection: close\r\n\r\n`,
    );
    expect(statusLine(proxyStyle)).toMatch(/^HTTP\/1\.1 (400|404)/);
    await stillServing();
  });

  it('an asterisk-form request (OPTIONS *) gets an answer', async () => {
    const answer = await rawExchange(`OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    expect(statusLine(answer)).toMatch(/^HTTP\/1\.1 [24]\d\d/);
    await stillServing();
  });

  it('a request without Host (HTTP/1.0) is served', async () => {
    const answer = await rawExchange(`GET ${api.base}/open/old-client HTTP/1.0\r\n\r\n`);
    expect(statusLine(answer)).toMatch(/^HTTP\/1\.[01] 200/);
    expect(backend.requests.at(-1)?.url).toBe('/open/old-client');
  });

  it('a malformed request line is 400', async () => {
    for (const line of ['GARBAGE\r\n\r\n', 'GET /x HTTP/9.9\r\n\r\n', '\u0000\u0001\u0002\r\n\r\n']) {
      const answer = await rawExchange(line);
      expect(statusLine(answer), JSON.stringify(line)).toMatch(/^HTTP\/1\.1 (400|505)/);
    }
    await stillServing();
  });

  it('unknown methods are refused as WSO2 errors', async () => {
    for (const method of ['PROPFIND', 'TRACE', 'CONNECT-ME']) {
      const reply = await ctx.gateway.call(`${api.base}/x`, { method }).catch(() => undefined);
      if (reply) expect(reply.status, method).toBeGreaterThanOrEqual(400);
    }
    const propfind = await ctx.gateway.call(`${api.base}/x`, { method: 'PROPFIND' });
    expectGatewayError(propfind, 405, 900906);
    await stillServing();
  });

  it('a client that gives up while the backend works does not disturb the gateway', async () => {
    const controller = new AbortController();
    const pending = request(`${ctx.gateway.urls.http}${api.base}/open/slow?delay=300`, {
      dispatcher: ctx.gateway.dispatcher,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow();
    // A body announced but never finished.
    const body = new PassThrough();
    const upload = ctx.gateway
      .call(`${api.base}/open/upload`, {
        method: 'POST',
        headers: { 'content-length': '100000' },
        body,
      })
      .catch((err: unknown) => err);
    body.write(Buffer.alloc(1000));
    setTimeout(() => body.destroy(new Error('client gave up')), 50);
    await upload;
    // Half a request line, then the client goes away.
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(`GET ${api.base}/x HT`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await stillServing();
  });

  it('keeps answering under a burst of concurrent bad and good requests', async () => {
    const calls = Array.from({ length: 60 }, (_, i) => {
      const kind = i % 4;
      if (kind === 0) return ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() });
      if (kind === 1)
        return ctx.gateway.call(`${api.base}/x`, { headers: { authorization: `Bearer junk-${i}` } });
      if (kind === 2) return ctx.gateway.call(`/nowhere/${i}`);
      return ctx.gateway.call(`${api.base}/x`, { method: 'DELETE' });
    });
    const replies = await Promise.all(calls);
    expect(replies.map((r) => r.status)).toEqual(
      Array.from({ length: 60 }, (_, i) => [200, 401, 404, 405][i % 4]),
    );
  });
});

describe('metrics', () => {
  it('GET /metrics on the management HTTP port counts requests per API and status class', async () => {
    await ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() });
    await ctx.gateway.call(`${api.base}/x`);
    await ctx.gateway.call('/nowhere/1.0.0');
    const response = await ctx.node.fetch(`${ctx.node.httpUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain('# TYPE portcullis_gateway_requests_total counter');
    const count = (labels: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`portcullis_gateway_requests_total{${labels}}`));
      return Number(line?.split(' ').at(-1) ?? 0);
    };
    expect(count(`api="${api.name}",status="2xx"`)).toBeGreaterThanOrEqual(1);
    expect(count(`api="${api.name}",status="4xx"`)).toBeGreaterThanOrEqual(1);
    expect(count(`api="(none)",status="4xx"`)).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/portcullis_gateway_request_duration_seconds_bucket\{le="0.005",api="[^"]+"\}/);
    expect(text).toMatch(/^portcullis_gateway_deployed_apis [1-9]\d*$/m);
    expect(text).toMatch(/^portcullis_gateway_snapshot_age_seconds \d+(\.\d+)?$/m);
  });

  it('counts the calls it answers, one by one', async () => {
    const read = async () => {
      const text = await (await ctx.node.fetch(`${ctx.node.httpUrl}/metrics`)).text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`portcullis_gateway_requests_total{api="${api.name}",status="2xx"}`));
      return Number(line?.split(' ').at(-1) ?? 0);
    };
    // A call is counted once its response has gone out, a moment after the client has it: let the earlier
    // tests' last calls land before taking the starting figure.
    let before = await read();
    for (let settled = false; !settled;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = await read();
      settled = now === before;
      before = now;
    }
    for (let i = 0; i < 5; i++) await ctx.gateway.call(`${api.base}/open/count`);
    await timeUntil(read, (n) => n >= before + 5, 1000);
    expect(await read()).toBe(before + 5);
  });

  it('counts backends that cannot be reached', async () => {
    const down = await ctx.servedApi({
      endpointConfig: httpEndpoints('http://127.0.0.1:9'),
      operations: [{ target: '/*', verb: 'GET', authType: 'None' }],
    });
    const read = async () => {
      const text = await (await ctx.node.fetch(`${ctx.node.httpUrl}/metrics`)).text();
      const prefix = `portcullis_gateway_upstream_errors_total{api="${down.name}",kind="unreachable"}`;
      return Number(
        text
          .split('\n')
          .find((l) => l.startsWith(prefix))
          ?.split(' ')
          .at(-1) ?? 0,
      );
    };
    const before = await read();
    expectGatewayError(await ctx.gateway.call(`${down.base}/x`), 502, 101503);
    expect(await read()).toBe(before + 1);
  });
});
