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

/** What the request event reports of the backend, written as it answers. */
export interface ForwardStats {
  /** Milliseconds from sending to the response headers; null when no backend answered. */
  backendLatency: number | null;
  responseBytes: number;
}

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
  stats: ForwardStats;
}

function requestHeaders(f: ForwardRequest): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  const { req } = f;
  const listed = connectionTokens(req.headers.connection);
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === f.credentialHeader) continue;
    if (listed.has(name)) continue;
    headers[name] = value;
  }
  const forwardedFor = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwardedFor ? `${String(forwardedFor)}, ${f.clientIp}` : f.clientIp;
  headers['x-forwarded-proto'] = f.protocol;
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  return { ...headers, ...f.extraHeaders };
}

/** The header names a `Connection` header lists: hop-by-hop too (RFC 9110 §7.6.1). */
function connectionTokens(value: string | string[] | undefined): Set<string> {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    text
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

function responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const listed = connectionTokens(headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || (HOP_BY_HOP.has(name) && name !== 'host') || listed.has(name)) continue;
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
  async forward(backends: Backend[], f: ForwardRequest): Promise<void> {
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

  async #once(backend: Backend, f: ForwardRequest): Promise<void> {
    const { req, res, stats } = f;
    const started = performance.now();
    const hasBody =
      req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    await this.pool(backend.origin).stream(
      {
        // The API's root is the endpoint's own path, `/` when it has none (never an empty path).
        path: f.pathAndQuery.startsWith('/')
          ? `${backend.basePath}${f.pathAndQuery}`
          : `${backend.basePath || '/'}${f.pathAndQuery}`,
        method: req.method as 'GET',
        headers: requestHeaders(f),
        body: hasBody ? req : null,
        headersTimeout: backend.timeout,
        bodyTimeout: backend.timeout,
      },
      ({ statusCode, headers }) => {
        stats.backendLatency = performance.now() - started;
        res.writeHead(statusCode, { ...responseHeaders(headers), ...f.responseHeaders });
        const length = Number(headers['content-length']);
        if (Number.isFinite(length)) {
          stats.responseBytes = length;
          return res;
        }
        // A streamed (chunked) body is counted as it passes.
        const write = res.write.bind(res);
        res.write = ((chunk: Buffer, ...rest: never[]) => {
          stats.responseBytes += chunk.length;
          return write(chunk, ...rest);
        }) as typeof res.write;
        return res;
      },
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.close()));
  }
}
