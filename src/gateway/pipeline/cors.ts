/**
 * CORS at the gateway: an API's own corsConfiguration when it enables it, else the gateway's default
 * (`gateway.cors*`, WSO2's `[apim.cors]`), resolved once per deployment into a policy; per request only the
 * Origin is looked at. Preflight answers and the headers of actual responses (errors included).
 */
import type { IncomingMessage } from 'node:http';
import type { Config } from '../../config/schema.js';
import type { Api } from '../../publisher/apis/api-schemas.js';

export interface CorsPolicy {
  readonly origins: readonly string[];
  readonly credentials: boolean;
  /** Joined once: `GET, POST, …`. */
  readonly methods: string;
  readonly headers: string;
}

/** WSO2's defaults for the methods and headers a preflight allows. */
const DEFAULT_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'];
const DEFAULT_HEADERS = ['authorization', 'Access-Control-Allow-Origin', 'Content-Type', 'SOAPAction'];

/** The gateway's default, or undefined when `gateway.cors` is off. */
export function gatewayCorsPolicy(config: Config['gateway']): CorsPolicy | undefined {
  if (!config.cors) return undefined;
  return {
    origins: config.cors_allow_origins,
    credentials: false,
    methods: config.cors_allow_methods.join(', '),
    headers: config.cors_allow_headers.join(', '),
  };
}

/** The policy an API answers with: its own when enabled, else the gateway's default (if any). */
export function corsPolicyOf(api: Api, fallback: CorsPolicy | undefined): CorsPolicy | undefined {
  const cors = api.corsConfiguration;
  if (!cors?.corsConfigurationEnabled) return fallback;
  return {
    origins: cors.accessControlAllowOrigins ?? ['*'],
    credentials: cors.accessControlAllowCredentials ?? false,
    methods: (cors.accessControlAllowMethods ?? DEFAULT_METHODS).join(', '),
    headers: (cors.accessControlAllowHeaders ?? DEFAULT_HEADERS).join(', '),
  };
}

/** Shared by every response without CORS headers: never written to. */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

function allowedOrigin(policy: CorsPolicy | undefined, origin: string | undefined): string | undefined {
  if (!policy || origin === undefined) return undefined;
  if (policy.origins.includes(origin)) return origin;
  // With credentials a wildcard cannot be answered literally (Fetch standard): echo the origin.
  if (policy.origins.includes('*')) return policy.credentials ? origin : '*';
  return undefined;
}

/** Headers for an actual response to a cross-origin request (none when CORS is off or the origin unknown). */
export function corsHeaders(policy: CorsPolicy | undefined, req: IncomingMessage): Record<string, string> {
  const origin = allowedOrigin(policy, req.headers.origin);
  if (!origin) return NO_HEADERS;
  return {
    'access-control-allow-origin': origin,
    ...(origin !== '*' ? { vary: 'Origin' } : {}),
    ...(policy?.credentials ? { 'access-control-allow-credentials': 'true' } : {}),
  };
}

/** The answer to a preflight (OPTIONS with Access-Control-Request-Method), or undefined if it is not one. */
export function preflight(
  policy: CorsPolicy | undefined,
  req: IncomingMessage,
): Record<string, string> | undefined {
  if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined)
    return undefined;
  const headers = corsHeaders(policy, req);
  if (!headers['access-control-allow-origin'] || !policy) return {};
  return {
    ...headers,
    'access-control-allow-methods': policy.methods,
    'access-control-allow-headers': policy.headers,
    'access-control-max-age': '3600',
  };
}
