/**
 * What the API schema cannot say: a well-formed context, endpoint URLs, unique operations, declared scopes,
 * and references to throttling policies that exist. Each failure names the field.
 */
import { BadRequest } from '../../platform/errors.js';
import type { Api, Endpoint, EndpointConfig } from './api-schemas.js';

export interface PolicyNames {
  subscription: Set<string>;
  advanced: Set<string>;
}

/** `/pizzashack`, `/shop/orders`, `/t/{version}/x`: segments of URL-safe characters, no trailing slash. */
const CONTEXT = /^(\/[A-Za-z0-9._~-]+|\/\{version\})+$/;

export function normaliseContext(context: string): string {
  return context.startsWith('/') ? context : `/${context}`;
}

/** WHATWG URL parsing drops tabs and line breaks; a stored URL must be exactly what was checked. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007F]/;

export function checkUrl(field: string, url: string): void {
  if (CONTROL_OR_SPACE.test(url))
    throw new BadRequest(`${field} must not contain spaces or control characters.`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadRequest(`${field} must be an absolute URL, not "${url}".`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BadRequest(`${field} must be an http or https URL, not "${url}".`);
  }
  if (parsed.username || parsed.password) throw new BadRequest(`${field} must not carry credentials.`);
}

function endpointList(value: Endpoint | Endpoint[] | undefined): Endpoint[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function checkTimeout(field: string, value: unknown): void {
  if (value === undefined) return;
  const ok =
    (typeof value === 'number' && Number.isInteger(value) && value > 0) ||
    (typeof value === 'string' && /^[1-9][0-9]{0,8}$/.test(value));
  if (!ok)
    throw new BadRequest(`${field} must be a positive number of milliseconds, not ${JSON.stringify(value)}.`);
}

function checkEndpoints(config: EndpointConfig): void {
  for (const key of [
    'production_endpoints',
    'sandbox_endpoints',
    'production_failovers',
    'sandbox_failovers',
  ] as const) {
    endpointList(config[key]).forEach((endpoint, i) => {
      checkUrl(`endpointConfig.${key}[${i}].url`, endpoint.url);
      checkTimeout(`endpointConfig.${key}[${i}].config.actionDuration`, endpoint.config?.actionDuration);
    });
  }
  if (!config.production_endpoints && !config.sandbox_endpoints) {
    throw new BadRequest('endpointConfig needs production_endpoints or sandbox_endpoints.');
  }
  if (config.endpoint_type === 'http') {
    for (const key of ['production_endpoints', 'sandbox_endpoints'] as const) {
      if (Array.isArray(config[key])) {
        throw new BadRequest(
          `endpointConfig.${key} of an http endpoint is one endpoint; use load_balance for several.`,
        );
      }
    }
  }
}

export function checkApi(api: Api, policies: PolicyNames): void {
  if (!CONTEXT.test(normaliseContext(api.context))) {
    throw new BadRequest(
      `context "${api.context}" is invalid: it must be "/" followed by segments of letters, digits, ".", "_", "~", "-" (or {version}), without a trailing "/".`,
    );
  }
  for (const policy of api.policies ?? []) {
    if (!policies.subscription.has(policy))
      throw new BadRequest(`policies: no subscription policy named "${policy}".`);
  }
  if (api.apiThrottlingPolicy && !policies.advanced.has(api.apiThrottlingPolicy)) {
    throw new BadRequest(`apiThrottlingPolicy: no advanced policy named "${api.apiThrottlingPolicy}".`);
  }
  if (api.visibility === 'RESTRICTED' && !api.visibleRoles?.length) {
    throw new BadRequest('visibleRoles must name at least one role when visibility is RESTRICTED.');
  }
  if (api.endpointConfig) checkEndpoints(api.endpointConfig);
  const scopeNames = new Set<string>();
  for (const { scope } of api.scopes ?? []) {
    if (scopeNames.has(scope.name)) throw new BadRequest(`scopes: "${scope.name}" is declared twice.`);
    scopeNames.add(scope.name);
  }
  const seen = new Set<string>();
  for (const [i, operation] of (api.operations ?? []).entries()) {
    const key = `${operation.verb} ${operation.target}`;
    if (seen.has(key)) throw new BadRequest(`operations[${i}]: ${key} is defined twice.`);
    seen.add(key);
    if (operation.throttlingPolicy && !policies.advanced.has(operation.throttlingPolicy)) {
      throw new BadRequest(
        `operations[${i}].throttlingPolicy: no advanced policy named "${operation.throttlingPolicy}".`,
      );
    }
    for (const scope of operation.scopes ?? []) {
      if (!scopeNames.has(scope))
        throw new BadRequest(`operations[${i}].scopes: "${scope}" is not declared in the API's scopes.`);
    }
  }
}
