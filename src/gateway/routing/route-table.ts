/**
 * The gateway's routing table, built once per change of the deployed APIs and swapped in whole: a request
 * never sees half a deployment. Routes are found by host (the vhost an API is deployed on), context (longest
 * first) and version; the default version of an API also answers on its context without the version. A host
 * that is no API's vhost (an IP address, a load balancer's name) reaches the APIs of every vhost.
 */
import { invocationContext } from '../../publisher/apis/api-context.js';
import type { Api, Operation } from '../../publisher/apis/api-schemas.js';
import type { DeployedApi } from '../../publisher/internal/internal-data-schemas.js';
import { throttleKeys } from '../../throttle/throttle-keys.js';
import { corsPolicyOf, type CorsPolicy } from '../pipeline/cors.js';
import { backendSet, type BackendSet, type KeyType } from '../upstream/endpoints.js';
import { compileTemplate, type CompiledTemplate } from './uri-template.js';

export interface CompiledOperation {
  readonly operation: Operation;
  readonly verb: string;
  readonly template: CompiledTemplate;
  /** `GET /menu/{id}`: how request events name the operation. */
  readonly label: string;
  /** WSO2's resource-level throttle key, `{context}/{version}{uri}:{verb}`. */
  readonly throttleKey: string;
}

export interface Route {
  readonly deployed: DeployedApi;
  readonly api: Api;
  /** The context this route answers on: `/pizza/1.0.0`, or `/pizza` for the default version. */
  readonly context: string;
  /** The context with its version, whichever way it is called: what deny policies and events name. */
  readonly versionedContext: string;
  /** The header that carries the credentials, as the API names it, and in lower case (Node's headers). */
  readonly authorizationHeader: string;
  readonly credentialHeader: string;
  readonly operations: readonly CompiledOperation[];
  /**
   * The API's backends per key type (none: the API has no endpoint for it). Shared by the versioned and the
   * default-version route, so that load balancing takes turns across both.
   */
  readonly backends: Readonly<Partial<Record<KeyType, BackendSet>>>;
  /** WSO2's API-level throttle key (`{context}:{version}`) and the backend-TPS keys per key type. */
  readonly throttleKeys: { readonly api: string; readonly backend: Readonly<Record<KeyType, string>> };
  /** How it answers cross-origin requests; undefined: it does not. */
  readonly cors: CorsPolicy | undefined;
  /** The transports the API lists (`transport`; both when it lists none). */
  readonly transports: Readonly<Record<'http' | 'https', boolean>>;
}

export interface RouteMatch {
  route: Route;
  /** The path after the context, starting with `/` (or empty). */
  resourcePath: string;
}

function transportsOf(api: Api): Route['transports'] {
  const listed = api.transport ?? ['http', 'https'];
  return { http: listed.includes('http'), https: listed.includes('https') };
}

export class RouteTable {
  /** Routes by context, longest context first. */
  readonly #routes: Route[];
  readonly #vhosts: Set<string>;
  /**
   * Whether the host can change which API a path reaches: only when APIs are deployed on more than one vhost.
   * Otherwise the gateway need not read the Host header at all. Known when the table is built.
   */
  readonly byHost: boolean;

  /**
   * `backendTimeout`: milliseconds, for endpoints without their own actionDuration; `defaultCors`: the
   * gateway's CORS policy for APIs whose own is off.
   */
  constructor(apis: Iterable<DeployedApi>, backendTimeout: number, defaultCors?: CorsPolicy) {
    const routes: Route[] = [];
    for (const deployed of apis) {
      const { api } = deployed;
      const versionedContext = invocationContext(api.context, api.version);
      const operations = (api.operations ?? [])
        .map((operation) => ({
          operation,
          verb: operation.verb,
          template: compileTemplate(operation.target),
          label: `${operation.verb} ${operation.target}`,
          throttleKey: throttleKeys.resource(versionedContext, api.version, operation.target, operation.verb),
        }))
        .sort((a, b) => b.template.specificity - a.template.specificity);
      const authorizationHeader = api.authorizationHeader ?? 'Authorization';
      const shared = {
        deployed,
        api,
        versionedContext,
        authorizationHeader,
        credentialHeader: authorizationHeader.toLowerCase(),
        operations,
        backends: backendsOf(api, backendTimeout),
        cors: corsPolicyOf(api, defaultCors),
        transports: transportsOf(api),
        throttleKeys: {
          api: throttleKeys.api(versionedContext, api.version),
          backend: {
            PRODUCTION: throttleKeys.backend(versionedContext, api.version, 'PRODUCTION'),
            SANDBOX: throttleKeys.backend(versionedContext, api.version, 'SANDBOX'),
          },
        },
      };
      routes.push({ ...shared, context: shared.versionedContext });
      if (api.isDefaultVersion) routes.push({ ...shared, context: api.context.replace('/{version}', '') });
    }
    this.#routes = routes.sort((a, b) => b.context.length - a.context.length);
    this.#vhosts = new Set(routes.map((r) => r.deployed.vhost));
    this.byHost = this.#vhosts.size > 1;
  }

  get size(): number {
    return this.#routes.length;
  }

  /**
   * The API whose context the path starts with (a whole segment), on this host, if any. A host that no API
   * is deployed on reaches the APIs of every vhost.
   */
  find(host: string, path: string): RouteMatch | undefined {
    const anyHost = !this.byHost || !this.#vhosts.has(host);
    for (const route of this.#routes) {
      if (!path.startsWith(route.context) || (!anyHost && route.deployed.vhost !== host)) continue;
      const rest = path.slice(route.context.length);
      if (rest === '' || rest.startsWith('/')) return { route, resourcePath: rest };
    }
    return undefined;
  }
}

function backendsOf(api: Api, backendTimeout: number): Partial<Record<KeyType, BackendSet>> {
  const backends: Partial<Record<KeyType, BackendSet>> = {};
  for (const keyType of ['PRODUCTION', 'SANDBOX'] as const) {
    const set = backendSet(api.endpointConfig, keyType, backendTimeout);
    if (set) backends[keyType] = set;
  }
  return backends;
}

/** The operation of a route matching the verb and resource path (`''` is `/`). */
export function matchOperation(
  route: Route,
  verb: string,
  resourcePath: string,
): { operation: CompiledOperation; params: Record<string, string> } | undefined {
  const path = resourcePath === '' ? '/' : resourcePath;
  for (const operation of route.operations) {
    if (operation.verb !== verb) continue;
    const params = operation.template.match(path);
    if (params) return { operation, params };
  }
  return undefined;
}
