/**
 * Builders shared by the gateway's unit suites: deployed APIs and snapshots shaped like the internal data API's,
 * requests with only what the pipeline reads, a silent logger, and a promise resolved from outside.
 */
import type { IncomingMessage } from 'node:http';
import type { Api } from '../../src/publisher/apis/api-schemas.js';
import type { DeployedApi, Snapshot } from '../../src/publisher/internal/internal-data-schemas.js';
import { createLogger } from '../../src/platform/logger.js';

export const silentLogger = () => createLogger('silent');

let counter = 0;

/** A deployed API (PUBLISHED, one GET /* operation, on Default at localhost) with `api` fields overridden. */
export function deployedApi(
  api: Partial<Api> = {},
  deployment: Partial<Omit<DeployedApi, 'api'>> = {},
): DeployedApi {
  counter += 1;
  const name = api.name ?? `api${counter}`;
  return {
    apiId: `id-${name}`,
    revisionId: `rev-${counter}`,
    environment: 'Default',
    vhost: 'localhost',
    deployedAt: 1_700_000_000_000 + counter,
    ...deployment,
    api: {
      name,
      context: `/${name}`,
      version: '1.0.0',
      lifeCycleStatus: 'PUBLISHED',
      operations: [{ target: '/*', verb: 'GET', authType: 'Any' }],
      endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://backend.test/x' } },
      ...api,
    },
  };
}

export function snapshotOf(parts: Partial<Snapshot> = {}): Snapshot {
  return {
    environment: 'Default',
    generatedAt: 1_700_000_000_000,
    apis: [],
    applications: [],
    keyMappings: [],
    subscriptions: [],
    policies: { application: [], subscription: [], advanced: [] },
    denyPolicies: [],
    ...parts,
  };
}

/** A request as far as CORS and routing read it. */
export function requestOf(method: string, headers: Record<string, string> = {}): IncomingMessage {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, headers: lower } as unknown as IncomingMessage;
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run. */
export const flushPromises = () => new Promise((resolve) => setImmediate(resolve));
