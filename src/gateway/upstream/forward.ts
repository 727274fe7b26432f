/**
 * Forwards a request to a backend with undici's `Pool.stream` (one keep-alive pool per backend origin):
 * the request body streams up, the response streams back into the client's response. Hop-by-hop headers are
 * dropped (RFC 9110 §7.6.1), the credential header is stripped, and X-Forwarded-For/-Proto/-Host are set.
 * A backend that refuses the connection moves a failover on to the next endpoint while the request body has
 * not been read; one that does not answer in time is a 504, one that cannot be reached a 502.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header.js';
import { errors, GatewayError } from '../gateway-errors.js';
import type { Backend } from './endpoints.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

export interface ForwardRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** Path after the API's context, with the query string. */
  pathAndQuery: string;
  /** Lower-case header name of the credential to strip. */
  credentialHeader: string;
  clientIp: string;
  protocol: 'http' | 'https';
  extraHeaders: Record<string, string>;
  /** Set on the response before it starts (CORS). */
  responseHeaders: Record<string, string>;
}

export interface ForwardResult {
  status: number;
  /** Milliseconds from sending to the response headers. */
  backendLatency: number;
  responseBytes: number;
}

function requestHeaders(f: ForwardRequest): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  const { req } = f;
  const connectionTokens = (req.headers.connection ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === f.credentialHeader) continue;
    if (connectionTokens.includes(name)) continue;
    headers[name] = value;
  }
  const forwardedFor = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwardedFor ? `${String(forwardedFor)}, ${f.clientIp}` : f.clientIp;
  headers['x-forwarded-proto'] = f.protocol;
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  return { ...headers, ...f.extraHeaders };
}

function responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || (HOP_BY_HOP.has(name) && name !== 'host')) continue;
    out[name] = value;
  }
  return out;
}

const isTimeout = (err: unknown) =>
  err instanceof Error &&
  ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'].includes(
    (err as { code?: string }).code ?? '',
  );

const isConnectFailure = (err: unknown) =>
  err instanceof Error &&
  [
    'ECONNREFUSED',
    'ECONNRESET',
    'EHOSTUNREACH',
    'ENOTFOUND',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_SOCKET',
  ].includes((err as { code?: string }).code ?? '');

export class Upstream {
  readonly #pools = new Map<string, Pool>();

  pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  /** Tries the backends in order; answers the client with the first that answers. */
  async forward(backends: Backend[], f: ForwardRequest): Promise<ForwardResult> {
    let last: unknown;
    for (const [i, backend] of backends.entries()) {
      try {
        return await this.#once(backend, f);
      } catch (err) {
        last = err;
        const canRetry =
          i < backends.length - 1 &&
          !f.res.headersSent &&
          !f.req.readableDidRead &&
          (isConnectFailure(err) || isTimeout(err));
        if (!canRetry) break;
      }
    }
    if (last instanceof GatewayError) throw last;
    throw isTimeout(last) ? errors.backendTimeout() : errors.backendUnreachable();
  }

  async #once(backend: Backend, f: ForwardRequest): Promise<ForwardResult> {
    const { req, res } = f;
    const started = performance.now();
    let backendLatency = 0;
    let status = 0;
    let responseBytes = 0;
    const hasBody =
      req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    await this.pool(backend.origin).stream(
      {
        path: `${backend.basePath}${f.pathAndQuery}`,
        method: req.method as 'GET',
        headers: requestHeaders(f),
        body: hasBody ? req : null,
        headersTimeout: backend.timeout,
        bodyTimeout: backend.timeout,
      },
      ({ statusCode, headers }) => {
        backendLatency = performance.now() - started;
        status = statusCode;
        res.writeHead(statusCode, { ...responseHeaders(headers), ...f.responseHeaders });
        const length = Number(headers['content-length']);
        if (Number.isFinite(length)) {
          responseBytes = length;
          return res;
        }
        // A streamed (chunked) body is counted as it passes.
        const write = res.write.bind(res);
        res.write = ((chunk: Buffer, ...rest: never[]) => {
          responseBytes += chunk.length;
          return write(chunk, ...rest);
        }) as typeof res.write;
        return res;
      },
    );
    return { status, backendLatency, responseBytes };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.close()));
  }
}
