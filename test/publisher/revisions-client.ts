/**
 * Shared by the revision suites (revisions*.test.ts): `Revisions` calls the publisher API v4 revision and
 * deployment resources through `PublisherApi` (every response is checked against WSO2's publisher-api.yaml,
 * falling back to its Error schema for the statuses the definition leaves out), plus builders of APIs and
 * gateway environments.
 */
import { expect } from 'vitest';
import { adminCredentials, uniqueName } from '../support/oauth-helpers.js';
import { type PublisherApi, type PublisherContext, type PublisherReply } from './apis-client.js';
import type { Json } from './admin-client.js';

export const REVISIONS = '/apis/{apiId}/revisions';
export const REVISION = '/apis/{apiId}/revisions/{revisionId}';
export const DEPLOY = '/apis/{apiId}/deploy-revision';
export const UNDEPLOY = '/apis/{apiId}/undeploy-revision';
export const DEPLOYMENTS = '/apis/{apiId}/deployments';
export const ENVIRONMENT = '/environments/{environmentId}';

/** An ISO 8601 UTC timestamp with milliseconds, as toISOString writes it. */
export const isoTime = () => expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

/** Expects `value` to be a timestamp within the last minute. */
export function expectRecent(value: string): void {
  expect(Math.abs(Date.now() - Date.parse(value)), value).toBeLessThan(60_000);
}

export interface Target {
  name: string;
  vhost?: string;
  displayOnDevportal?: boolean;
}

const enc = encodeURIComponent;
const query = (params: Record<string, string | boolean>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();

export class Revisions {
  constructor(readonly api: PublisherApi) {}

  withToken(token: string | null): Revisions {
    return new Revisions(this.api.withToken(token));
  }

  list = (apiId: string, filter?: string): Promise<PublisherReply> =>
    this.api.call(
      'GET',
      `/apis/${enc(apiId)}/revisions${filter === undefined ? '' : `?${query({ query: filter })}`}`,
      { template: REVISIONS },
    );
  create = (apiId: string, body: unknown = {}): Promise<PublisherReply> =>
    this.api.call('POST', `/apis/${enc(apiId)}/revisions`, { body, template: REVISIONS });
  get = (apiId: string, revisionId: string): Promise<PublisherReply> =>
    this.api.call('GET', `/apis/${enc(apiId)}/revisions/${enc(revisionId)}`, { template: REVISION });
  delete = (apiId: string, revisionId: string): Promise<PublisherReply> =>
    this.api.call('DELETE', `/apis/${enc(apiId)}/revisions/${enc(revisionId)}`, { template: REVISION });
  deploy = (apiId: string, revisionId: string, targets: unknown): Promise<PublisherReply> =>
    this.api.call('POST', `/apis/${enc(apiId)}/deploy-revision?${query({ revisionId })}`, {
      body: targets,
      template: DEPLOY,
    });
  undeploy = (
    apiId: string,
    revisionId: string,
    targets: unknown,
    allEnvironments?: boolean,
  ): Promise<PublisherReply> =>
    this.api.call(
      'POST',
      `/apis/${enc(apiId)}/undeploy-revision?${query({
        revisionId,
        ...(allEnvironments === undefined ? {} : { allEnvironments }),
      })}`,
      { body: targets, template: UNDEPLOY },
    );
  deployments = (apiId: string): Promise<PublisherReply> =>
    this.api.call('GET', `/apis/${enc(apiId)}/deployments`, { template: DEPLOYMENTS });

  /** Creates a revision and expects 201. */
  async created(apiId: string, description?: string): Promise<Json> {
    const reply = await this.create(apiId, description === undefined ? {} : { description });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  }

  /** Deploys and expects 200. */
  async deployed(apiId: string, revisionId: string, targets: Target[]): Promise<Json[]> {
    const reply = await this.deploy(apiId, revisionId, targets);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body as Json[];
  }

  /** Undeploys and expects 201. */
  async undeployed(
    apiId: string,
    revisionId: string,
    targets: Target[],
    allEnvironments?: boolean,
  ): Promise<Json[]> {
    const reply = await this.undeploy(apiId, revisionId, targets, allEnvironments);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body as Json[];
  }

  /** The current deployments (GET /deployments), expected 200. */
  async current(apiId: string): Promise<Json[]> {
    const reply = await this.deployments(apiId);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.list as Json[];
  }
}

/** `environment → revisionUuid@vhost` of a deployment list, sorted: easy to compare. */
export const summary = (deployments: Json[]): string[] =>
  deployments.map((d) => `${d.name}→${d.revisionUuid}@${d.vhost}`).sort();

/** Creates an API ready to publish (as the brief of these suites has it) and returns its id. */
export async function newApi(ctx: PublisherContext, prefix = 'rev'): Promise<{ id: string; name: string }> {
  const name = uniqueName(prefix);
  const created = await ctx.apis.created({
    name,
    context: `/${name}`,
    version: '1.0.0',
    policies: ['Gold'],
    endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://localhost:9/x' } },
  });
  return { id: created.id as string, name };
}

/** Creates a gateway environment through the admin API with these vhosts; returns its id and name. */
export async function newEnvironment(
  ctx: PublisherContext,
  hosts: string[] = ['gw.example.com'],
): Promise<{ id: string; name: string }> {
  const name = uniqueName('env');
  const reply = await ctx.api.post('/environments', { name, vhosts: hosts.map((host) => ({ host })) });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return { id: reply.body.id as string, name };
}

/** Deletes a gateway environment through the admin API. */
export const deleteEnvironment = (ctx: PublisherContext, id: string) =>
  ctx.api.delete(`/environments/${enc(id)}`, ENVIRONMENT);

/** A token of the admin user holding only `scope`, for the publisher API. */
export async function revisionsWithScope(ctx: PublisherContext, scope: string): Promise<Revisions> {
  const tokens = await ctx.tokenFor(adminCredentials(ctx.node), scope);
  return new Revisions(ctx.apis.withToken(tokens.access_token));
}
