/**
 * The catalogue: the APIs a consumer may find and subscribe to. Only Published, Prototyped and Deprecated
 * APIs appear, and only to those they are visible to: PUBLIC to anyone, PRIVATE to signed-in users,
 * RESTRICTED to users holding one of `visibleRoles` (admins see everything). An API the caller may not
 * see is "not found", exactly like one that does not exist.
 *
 * The catalogue reads the control plane's shared database through the Publisher's API model; gateway URLs
 * come from the environments the API is deployed to (those marked to be shown on the Developer Portal).
 */
import type { Kysely } from 'kysely';
import type { BearerToken } from '../../platform/auth/bearer.js';
import { NotFound } from '../../platform/errors.js';
import type { Environment } from '../../publisher/admin/environment-schemas.js';
import { invocationContext } from '../../publisher/apis/api-context.js';
import { matches } from '../../publisher/apis/api-query.js';
import type { Api } from '../../publisher/apis/api-schemas.js';
import { toApi } from '../../publisher/apis/api-service.js';
import type { Definition } from '../../publisher/apis/openapi.js';
import type { Tables } from '../../store/tables.js';
import type { EndpointUrls, PortalApi, PortalApiInfo, PortalApiListQuery } from './catalogue-schemas.js';

export const CATALOGUE_STATES = ['PUBLISHED', 'PROTOTYPED', 'DEPRECATED'] as const;

/** Who asks: anonymous, or a token's user with their roles. */
export type Viewer = BearerToken | undefined;

export function visibleTo(api: Api, viewer: Viewer): boolean {
  const roles = viewer?.roles ?? [];
  if (roles.includes('admin')) return true;
  switch (api.visibility ?? 'PUBLIC') {
    case 'PUBLIC':
      return true;
    case 'PRIVATE':
      return viewer?.username !== undefined;
    case 'RESTRICTED':
      return (api.visibleRoles ?? []).some((role) => roles.includes(role));
  }
}

/** The API's context with its version, as a consumer calls it: `/pizzashack/1.0.0`. */
function versionedContext(api: Api): string {
  return invocationContext(api.context, api.version);
}

export function toPortalInfo(api: Api): PortalApiInfo {
  return {
    id: api.id as string,
    name: api.name,
    ...(api.description !== undefined ? { description: api.description } : {}),
    context: versionedContext(api),
    version: api.version,
    type: api.type ?? 'HTTP',
    createdTime: api.createdTime as string,
    provider: api.provider as string,
    lifeCycleStatus: api.lifeCycleStatus as string,
    tags: api.tags ?? [],
    throttlingPolicies: api.policies ?? [],
    isSubscriptionAvailable: isSubscriptionAvailable(api),
  };
}

export class CatalogueService {
  constructor(private readonly db: Kysely<Tables>) {}

  async list(viewer: Viewer, query: PortalApiListQuery): Promise<{ total: number; list: PortalApiInfo[] }> {
    const rows = await this.db
      .selectFrom('apis')
      .selectAll()
      .where('lifecycle_status', 'in', CATALOGUE_STATES)
      .orderBy('name')
      .orderBy('version')
      .execute();
    const apis = rows.map(toApi).filter((api) => visibleTo(api, viewer) && matches(api, query.query));
    return {
      total: apis.length,
      list: apis.slice(query.offset, query.offset + query.limit).map(toPortalInfo),
    };
  }

  /** An API the viewer may see, in any catalogue state; 404 otherwise. */
  async api(viewer: Viewer, id: string): Promise<Api> {
    const row = await this.db
      .selectFrom('apis')
      .selectAll()
      .where('id', '=', id)
      .where('lifecycle_status', 'in', CATALOGUE_STATES)
      .executeTakeFirst();
    const api = row ? toApi(row) : undefined;
    if (!api || !visibleTo(api, viewer)) throw new NotFound(`There is no API ${id}.`);
    return api;
  }

  async get(viewer: Viewer, id: string): Promise<PortalApi> {
    const api = await this.api(viewer, id);
    const endpointURLs = await this.#endpointUrls(api);
    return {
      id: api.id as string,
      name: api.name,
      ...(api.description !== undefined ? { description: api.description } : {}),
      context: versionedContext(api),
      version: api.version,
      provider: api.provider as string,
      lifeCycleStatus: api.lifeCycleStatus as string,
      isDefaultVersion: api.isDefaultVersion ?? false,
      type: api.type ?? 'HTTP',
      transport: api.transport ?? ['http', 'https'],
      operations: (api.operations ?? []).map((op) => ({
        id: `${op.verb} ${op.target}`,
        target: op.target,
        verb: op.verb,
      })),
      authorizationHeader: api.authorizationHeader ?? 'Authorization',
      securityScheme: api.securityScheme ?? ['oauth2'],
      tags: api.tags ?? [],
      tiers: (api.policies ?? []).map((tierName) => ({ tierName, tierPlan: 'FREE' })),
      hasThumbnail: false,
      endpointURLs,
      environmentList: endpointURLs.map((e) => e.environmentName),
      scopes: (api.scopes ?? []).map(({ scope }) => ({
        key: scope.name,
        name: scope.displayName ?? scope.name,
        roles: scope.bindings ?? [],
      })),
      isSubscriptionAvailable: isSubscriptionAvailable(api),
      createdTime: api.createdTime as string,
      lastUpdatedTime: api.lastUpdatedTime as string,
    };
  }

  /**
   * The definition consumers call: that of the revision deployed (to `environmentName`, else to the first
   * environment shown on the portal, else to any), its servers pointing at the gateways shown; the working
   * copy only while nothing is deployed.
   */
  async definition(viewer: Viewer, id: string, environmentName?: string): Promise<Definition> {
    const api = await this.api(viewer, id);
    const urls = (await this.#endpointUrls(api)).filter(
      (e) => environmentName === undefined || e.environmentName === environmentName,
    );
    if (environmentName !== undefined && urls.length === 0) {
      throw new NotFound(`API ${id} is not deployed to an environment named "${environmentName}".`);
    }
    const deployments = await this.db
      .selectFrom('api_deployments')
      .innerJoin('api_revisions', 'api_revisions.id', 'api_deployments.revision_id')
      .select(['api_deployments.environment', 'api_revisions.snapshot'])
      .where('api_deployments.api_id', '=', id)
      .orderBy('api_deployments.environment')
      .execute();
    const deployed = deployments.find((d) => d.environment === urls[0]?.environmentName) ?? deployments[0];
    const definition = deployed
      ? (JSON.parse(deployed.snapshot) as { definition: Definition }).definition
      : await this.#workingDefinition(id);
    return withServers(definition, urls);
  }

  async #workingDefinition(id: string): Promise<Definition> {
    const row = await this.db
      .selectFrom('api_definitions')
      .select('definition')
      .where('api_id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFound(`API ${id} has no definition.`);
    return JSON.parse(row.definition) as Definition;
  }

  async #endpointUrls(api: Api): Promise<EndpointUrls[]> {
    const rows = await this.db
      .selectFrom('api_deployments')
      .innerJoin('environments', 'environments.name', 'api_deployments.environment')
      .select(['api_deployments.vhost', 'environments.name', 'environments.body'])
      .where('api_deployments.api_id', '=', api.id as string)
      .where('api_deployments.display_on_devportal', '=', 1)
      .orderBy('environments.name')
      .execute();
    return rows.map((row) => {
      const environment = JSON.parse(row.body) as Omit<Environment, 'name'>;
      const vhost = environment.vhosts.find((v) => v.host === row.vhost) ?? environment.vhosts[0];
      const base = (scheme: 'http' | 'https', port: number | undefined, path: string) =>
        port === undefined
          ? undefined
          : `${scheme}://${vhost?.host ?? row.vhost}:${port}${vhost?.httpContext ? `/${vhost.httpContext.replace(/^\//, '')}` : ''}${path}`;
      // Only the schemes the API is offered over (both by default).
      const transports = api.transport ?? ['http', 'https'];
      const urls = (path: string) => {
        const http = transports.includes('http') ? base('http', vhost?.httpPort, path) : undefined;
        const https = transports.includes('https') ? base('https', vhost?.httpsPort, path) : undefined;
        return { ...(http ? { http } : {}), ...(https ? { https } : {}) };
      };
      return {
        environmentName: row.name,
        environmentDisplayName: environment.displayName ?? row.name,
        environmentType: environment.type ?? 'hybrid',
        URLs: urls(versionedContext(api)),
        defaultVersionURLs: api.isDefaultVersion ? urls(api.context.replace('/{version}', '')) : {},
      };
    });
  }
}

/** Subscriptions are for APIs that are published; prototypes are tried without one, deprecated ones closed. */
function isSubscriptionAvailable(api: Api): boolean {
  return api.lifeCycleStatus === 'PUBLISHED' && (api.policies ?? []).length > 0;
}

/**
 * OpenAPI 3 `servers`, or Swagger 2 `host`/`basePath`/`schemes`, set to the gateway URLs. Whatever named the
 * backend is removed first (servers of paths and operations too): consumers call gateways, never backends.
 */
function withServers(source: Definition, urls: EndpointUrls[]): Definition {
  const all = urls.flatMap((e) => [e.URLs.https, e.URLs.http]).filter((u): u is string => u !== undefined);
  const { servers: _servers, host: _host, basePath: _basePath, schemes: _schemes, ...rest } = source;
  const paths: Definition['paths'] = {};
  for (const [path, item] of Object.entries(source.paths ?? {})) {
    const { servers: _pathServers, ...operations } = item ?? {};
    paths[path] = Object.fromEntries(
      Object.entries(operations).map(([key, value]) => {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return [key, value];
        const { servers: _operationServers, ...operation } = value as Record<string, unknown>;
        return [key, operation];
      }),
    );
  }
  const definition: Definition = { ...rest, ...(source.paths ? { paths } : {}) };
  if ('openapi' in definition) return { ...definition, servers: all.map((url) => ({ url })) };
  const first = all[0] ? new URL(all[0]) : undefined;
  if (!first) return definition;
  // Swagger 2 has one host: the first gateway URL (HTTPS where there is one).
  return {
    ...definition,
    host: first.host,
    basePath: first.pathname,
    schemes: [first.protocol.slice(0, -1)],
  };
}
