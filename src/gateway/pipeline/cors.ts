/** CORS per API (its corsConfiguration): preflight answers and the headers of actual responses. */
import type { IncomingMessage } from 'node:http';
import type { Api } from '../../publisher/apis/api-schemas.js';

/** Shared by every response without CORS headers: never written to. */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

function allowedOrigin(api: Api, origin: string | undefined): string | undefined {
  const cors = api.corsConfiguration;
  if (!cors?.corsConfigurationEnabled || origin === undefined) return undefined;
  const origins = cors.accessControlAllowOrigins ?? ['*'];
  if (origins.includes(origin)) return origin;
  // With credentials a wildcard cannot be answered literally (Fetch standard): echo the origin.
  if (origins.includes('*')) return cors.accessControlAllowCredentials ? origin : '*';
  return undefined;
}

/** Headers for an actual response to a cross-origin request (none when CORS is off or the origin unknown). */
export function corsHeaders(api: Api, req: IncomingMessage): Record<string, string> {
  const origin = allowedOrigin(api, req.headers.origin);
  if (!origin) return NO_HEADERS;
  return {
    'access-control-allow-origin': origin,
    ...(origin !== '*' ? { vary: 'Origin' } : {}),
    ...(api.corsConfiguration?.accessControlAllowCredentials
      ? { 'access-control-allow-credentials': 'true' }
      : {}),
  };
}

/** The answer to a preflight (OPTIONS with Access-Control-Request-Method), or undefined if it is not one. */
export function preflight(api: Api, req: IncomingMessage): Record<string, string> | undefined {
  if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined)
    return undefined;
  const headers = corsHeaders(api, req);
  if (!headers['access-control-allow-origin']) return {};
  const cors = api.corsConfiguration ?? {};
  return {
    ...headers,
    'access-control-allow-methods': (
      cors.accessControlAllowMethods ?? ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS']
    ).join(', '),
    'access-control-allow-headers': (
      cors.accessControlAllowHeaders ?? [
        'authorization',
        'Access-Control-Allow-Origin',
        'Content-Type',
        'SOAPAction',
      ]
    ).join(', '),
    'access-control-max-age': '3600',
  };
}
