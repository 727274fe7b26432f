/**
 * Row (2) of `npm run bench -- gateway`: the least a Node reverse proxy can do, as the yardstick for
 * Portcullis's gateway: node:http in front, undici `Pool.stream` behind (the same undici and the same pool
 * settings as Portcullis's `src/gateway/upstream/forward.ts`), hop-by-hop headers dropped both ways, the
 * response streamed straight into the client's. No routing, no authentication, no events, no metrics.
 * Like every Portcullis node, it holds one of nextTick's objects (src/platform/next-tick-shape.ts): without
 * that, V8 may take a slow path in nextTick after the idle wait while the benchmark sets up Portcullis, and the
 * yardstick would be slower than it can be, in some runs and not others.
 *
 * Usage: node --import tsx bench/gateway/undici-proxy.ts <port> <backend origin>.
 */
import http from 'node:http';
import { Pool } from 'undici';
import { keepNextTickFast } from '../../src/platform/next-tick-shape.js';

const port = Number(process.argv[2]);
const origin = process.argv[3];
if (!Number.isInteger(port) || port <= 0 || !origin) {
  throw new Error('usage: undici-proxy.ts <port> <backend origin>');
}

void keepNextTickFast();

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
]);
const pool = new Pool(origin, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });

function withoutHopByHop(headers: Record<string, string | string[] | undefined>) {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

const server = http.createServer((req, res) => {
  const hasBody =
    req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  pool
    .stream(
      {
        path: req.url ?? '/',
        method: (req.method ?? 'GET') as 'GET',
        headers: withoutHopByHop(req.headers),
        body: hasBody ? req : null,
      },
      ({ statusCode, headers }) => {
        res.writeHead(statusCode, withoutHopByHop(headers));
        return res;
      },
    )
    .catch(() => {
      if (!res.headersSent) res.writeHead(502, { 'content-length': 0 });
      res.end();
    });
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));

process.once('SIGTERM', () => {
  server.close(() => void pool.close().then(() => process.exit(0)));
  server.closeAllConnections();
});
