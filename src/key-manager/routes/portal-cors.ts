/**
 * The web portals call some Key Manager endpoints from the browser: token, revocation and sign-up, and the
 * Admin portal the users API. When a portal is served from another origin than the Key Manager (a
 * distributed deployment), those calls are cross-origin: they are allowed for the portals' origins only, and
 * without cookies (the portals send bearer tokens or form credentials, never the Key Manager's cookies).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/http-server.js';

export interface CorsRoute {
  /** A route path; one ending in `/*` covers everything under it too. */
  path: string;
  methods: readonly string[];
  /** Request headers the browser may send besides the CORS-safelisted ones. */
  headers: readonly string[];
}

function covers(route: CorsRoute, pathname: string): boolean {
  if (!route.path.endsWith('/*')) return pathname === route.path;
  const base = route.path.slice(0, -2);
  return pathname === base || pathname.startsWith(`${base}/`);
}

export function allowPortalOrigins(
  app: App,
  routes: readonly CorsRoute[],
  origins: ReadonlySet<string>,
): void {
  const allowed = (request: FastifyRequest) => {
    const origin = request.headers.origin;
    return origin !== undefined && origins.has(origin) ? origin : undefined;
  };
  const headers = (reply: FastifyReply, origin: string) =>
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');

  app.addHook('onRequest', async (request, reply) => {
    const origin = allowed(request);
    const pathname = request.url.split('?')[0] ?? '';
    if (origin && routes.some((route) => covers(route, pathname))) headers(reply, origin);
  });
  for (const route of routes) {
    const preflight = async (request: FastifyRequest, reply: FastifyReply) => {
      const origin = allowed(request);
      if (!origin) return reply.code(403).send();
      return headers(reply, origin)
        .header('access-control-allow-methods', route.methods.join(', '))
        .header('access-control-allow-headers', route.headers.join(', '))
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    };
    if (route.path.endsWith('/*')) app.options(route.path.slice(0, -2), preflight);
    app.options(route.path, preflight);
  }
}
