/**
 * Prometheus metrics of a node, at GET /metrics on its management ports whatever its profile. Each node has a
 * registry of its own, not prom-client's global one: tests run several nodes in one process. Components
 * register their series in it (they get it through the node context); the node adds the process figures and
 * those of its management API.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { App, Handler } from './http-server.js';

export const METRICS_PATH = '/metrics';

/** What a route without a pattern (a 404) is counted as: raw URLs would make one series per typo. */
export const UNMATCHED_ROUTE = '(unmatched)';

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A node's registry, with the process figures (CPU, memory, event loop lag, …) prefixed `portcullis_`. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'portcullis_' });
  return registry;
}

export function registerMetricsRoute(app: App, registry: Registry): void {
  app.get(METRICS_PATH, { logLevel: 'warn' }, async (_request, reply) =>
    reply.header('content-type', registry.contentType).send(await registry.metrics()),
  );
}

/**
 * Serves /metrics in front of another handler: the one that answers while the node waits for its database
 * and event hub, so that a node stuck starting can still be watched.
 */
export function servingMetrics(registry: Registry, next: Handler): Handler {
  return (req, res) => {
    if (req.method !== 'GET' || req.url?.split('?', 1)[0] !== METRICS_PATH) return next(req, res);
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`metrics could not be collected: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  };
}

/**
 * Counts the management API's requests by method, route pattern (never the URL: its ids and query strings
 * would make a series per request) and status. Added before the routes, so that it sees every one of them.
 */
export function observeHttpRequests(app: App, registry: Registry): void {
  const requests = new Counter({
    name: 'portcullis_http_requests_total',
    help: 'Requests answered by the management API (REST APIs, OAuth endpoints, portals, health), by route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'portcullis_http_request_duration_seconds',
    help: 'Time the management API took to answer, by route.',
    labelNames: ['method', 'route'] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const { method } = request;
    requests.inc({ method, route, status: reply.statusCode });
    duration.observe({ method, route }, reply.elapsedTime / 1000);
    done();
  });
}
