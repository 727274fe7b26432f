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
  /** The address the request came from, added to X-Forwarded-For. */
  peerIp: string;
  /** How the client reached the gateway, sent as X-Forwarded-Proto. */
  protocol: 'http' | 'https';
  /** Lower-case headers to set on the forwarded request; undefined removes a client's header of that name. */
  extraHeaders: Record<string, string | undefined> | undefined;
  /** Set on the response before it starts (CORS). */
  responseHeaders: Record<string, string> | undefined;
  stats: ForwardStats;
}

const NONE: ReadonlySet<string> = new Set();

/** The header names a `Connection` header lists: hop-by-hop too (RFC 9110 §7.6.1). */
function connectionTokens(value: string | string[] | undefined): ReadonlySet<string> {
  // The usual values name no other header: no set to build.
  if (value === undefined || value === 'keep-alive' || value === 'close') return NONE;
  const text = Array.isArray(value) ? value.join(',') : value;
  return new Set(
    text
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

// These run once per request: plain loops over the header objects, no intermediate arrays.
function requestHeaders(f: ForwardRequest): Record<string, string | string[]> {
  const source = f.req.headers;
  const listed = connectionTokens(source.connection);
  const headers: Record<string, string | string[]> = {};
  for (const name in source) {
    const value = source[name];
    if (value === undefined || HOP_BY_HOP.has(name) || name === f.credentialHeader || listed.has(name)) {
      continue;
    }
    headers[name] = value;
  }
  const forwardedFor = source['x-forwarded-for'];
  headers['x-forwarded-for'] = forwardedFor ? `${String(forwardedFor)}, ${f.peerIp}` : f.peerIp;
  headers['x-forwarded-proto'] = f.protocol;
  if (source.host) headers['x-forwarded-host'] = source.host;
  const extra = f.extraHeaders;
  for (const name in extra) {
    const value = extra[name];
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return headers;
}

function responseHeaders(
  headers: IncomingHttpHeaders,
  added: Record<string, string> | undefined,
): Record<string, string | string[]> {
  const listed = connectionTokens(headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || (HOP_BY_HOP.has(name) && name !== 'host') || listed.has(name)) continue;
    out[name] = value;
  }
  for (const name in added) out[name] = added[name] as string;
  return out;
}

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);
const codeOf = (err: unknown) => (err instanceof Error ? ((err as { code?: string }).code ?? '') : '');
const isTimeout = (err: unknown) => TIMEOUTS.has(codeOf(err));
const isConnectFailure = (err: unknown) => CONNECT_FAILURES.has(codeOf(err));

/** What the client is told of a backend that failed. */
function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return isTimeout(err) ? errors.backendTimeout() : errors.backendUnreachable();
}

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

  /**
   * Tries the backends in order; answers the client with the first that answers. Calls `done` once the
   * response has been handed to the client, or with the GatewayError to answer. Callbacks rather than
   * promises: every API call passes here.
   */
  forward(backends: Backend[], f: ForwardRequest, done: (err?: GatewayError) => void): void {
    this.#try(backends, 0, f, done);
  }

  /** Backend `i`; when it fails, the next one while the request can still be sent again. */
  #try(backends: Backend[], i: number, f: ForwardRequest, done: (err?: GatewayError) => void): void {
    const { req, res, stats } = f;
    const backend = backends[i] as Backend;
    const started = performance.now();
    const hasBody =
      req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    this.pool(backend.origin).stream(
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
        res.writeHead(statusCode, responseHeaders(headers, f.responseHeaders));
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
      (err) => {
        if (!err) return done();
        const canRetry =
          i + 1 < backends.length &&
          !res.headersSent &&
          !req.readableDidRead &&
          (isConnectFailure(err) || isTimeout(err));
        if (canRetry) this.#try(backends, i + 1, f, done);
        else done(toGatewayError(err));
      },
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.close()));
  }
}
