/**
 * An API's backends for one key type, compiled at deploy time: the endpoints in order (for failover) or in
 * rotation (load_balance), each with its timeout. `http` is one endpoint; `failover` tries the production
 * (sandbox) endpoints, then the `…_failovers`, in order.
 */
import type { Endpoint, EndpointConfig } from '../../publisher/apis/api-schemas.js';

export type KeyType = 'PRODUCTION' | 'SANDBOX';

export interface Backend {
  /** `https://host:port`, the key of its connection pool. */
  origin: string;
  /** The endpoint URL's path, without a trailing slash: prefixed to the resource path. */
  basePath: string;
  /** Milliseconds to wait for the response headers (and between body chunks). */
  timeout: number;
}

export interface BackendSet {
  /** The endpoints to try for one request, in order: one for http and load_balance, all for failover. */
  next(): Backend[];
}

function toBackend(endpoint: Endpoint, defaultTimeout: number): Backend {
  const url = new URL(endpoint.url);
  const duration = Number(endpoint.config?.actionDuration);
  return {
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    timeout: Number.isFinite(duration) && duration > 0 ? duration : defaultTimeout,
  };
}

/**
 * The endpoints of a value, one or many. The Publisher accepts only absolute http(s) URLs; one that does not
 * parse (a snapshot from elsewhere) is left out rather than failing the compilation of every route.
 */
const list = (value: Endpoint | Endpoint[] | undefined): Endpoint[] =>
  (value === undefined ? [] : Array.isArray(value) ? value : [value]).filter((e) => URL.canParse(e.url));

/** The backends of a key type, or undefined when the API has none for it. */
export function backendSet(
  config: EndpointConfig | undefined,
  keyType: KeyType,
  defaultTimeout: number,
): BackendSet | undefined {
  if (!config) return undefined;
  const primary = list(keyType === 'PRODUCTION' ? config.production_endpoints : config.sandbox_endpoints);
  if (primary.length === 0) return undefined;
  const backends = primary.map((e) => toBackend(e, defaultTimeout));
  switch (config.endpoint_type) {
    case 'load_balance': {
      let turn = 0;
      return {
        next: () => {
          const chosen = backends[turn % backends.length] as Backend;
          turn = (turn + 1) % backends.length;
          return [chosen];
        },
      };
    }
    case 'failover': {
      const failovers =
        (keyType === 'PRODUCTION' ? config.production_failovers : config.sandbox_failovers) ?? [];
      const all = [...backends, ...failovers.map((e) => toBackend(e, defaultTimeout))];
      return { next: () => all };
    }
    default: {
      const only = [backends[0] as Backend];
      return { next: () => only };
    }
  }
}
