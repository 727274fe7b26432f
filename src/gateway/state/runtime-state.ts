/**
 * What a gateway knows, in memory: the deployed APIs of its environment (as a compiled route table),
 * applications, key mappings, subscriptions and deny policies. Filled from a snapshot, then kept fresh by
 * events; every change is idempotent (set or delete by id), so a replayed or duplicated event is harmless.
 */
import type { ApplicationEvent, KeyMappingEvent } from '../../events/application-events.js';
import type { SubscriptionEvent } from '../../events/subscription-events.js';
import type { DenyPolicy } from '../../publisher/admin/deny-policy-schemas.js';
import type { DeployedApi, Snapshot } from '../../publisher/internal/internal-data-schemas.js';
import { compileDenyPolicies, type DenyRules } from '../pipeline/deny.js';
import { ThrottlePolicies } from '../../throttle/policies.js';
import type { CorsPolicy } from '../pipeline/cors.js';
import { RouteTable } from '../routing/route-table.js';

export class RuntimeState {
  readonly apis = new Map<string, DeployedApi>();
  readonly applications = new Map<string, ApplicationEvent>();
  /** By consumer key (client_id). */
  readonly keyMappings = new Map<string, KeyMappingEvent>();
  /**
   * By application, then by API: the gateway looks one up on every call, with ids it holds already (a key made
   * of both would be a new string to hash each time).
   */
  readonly #subscriptions = new Map<string, Map<string, SubscriptionEvent>>();
  denyPolicies: DenyPolicy[] = [];
  /** The deny policies compiled for the request path, anew on each change. */
  denyRules: DenyRules = compileDenyPolicies([]);
  /** Throttling policies as the last snapshot had them (saved with it), and compiled for the request path. */
  policies: Snapshot['policies'] = { application: [], subscription: [], advanced: [] };
  throttlePolicies = new ThrottlePolicies(this.policies);
  routes: RouteTable;
  /** When the last snapshot was made (milliseconds), 0 before the first. */
  snapshotAt = 0;

  constructor(
    readonly environment: string,
    /** Milliseconds to wait for a backend without an actionDuration of its own (`gateway.backend_timeout`). */
    private readonly backendTimeout: number,
    /** The gateway's CORS policy for APIs whose own is off (`gateway.cors`). */
    private readonly defaultCors?: CorsPolicy,
  ) {
    this.routes = new RouteTable([], backendTimeout, defaultCors);
  }

  /** Replaces everything with a snapshot. */
  load(snapshot: Snapshot): void {
    this.apis.clear();
    for (const api of snapshot.apis) this.apis.set(api.apiId, api);
    this.applications.clear();
    for (const app of snapshot.applications) this.applications.set(app.applicationId, app);
    this.keyMappings.clear();
    for (const mapping of snapshot.keyMappings) this.keyMappings.set(mapping.consumerKey, mapping);
    this.#subscriptions.clear();
    for (const sub of snapshot.subscriptions) this.setSubscription(sub);
    this.#setDenyPolicies(snapshot.denyPolicies);
    this.policies = snapshot.policies;
    this.throttlePolicies = new ThrottlePolicies(snapshot.policies, snapshot.generatedAt);
    this.snapshotAt = snapshot.generatedAt;
    this.#rebuild();
  }

  /** Everything known now, as a snapshot (saved to disk so that a restart finds what events brought too). */
  toSnapshot(): Snapshot {
    return {
      environment: this.environment,
      generatedAt: this.snapshotAt,
      apis: [...this.apis.values()],
      applications: [...this.applications.values()],
      keyMappings: [...this.keyMappings.values()],
      subscriptions: [...this.#subscriptions.values()].flatMap((byApi) => [...byApi.values()]),
      policies: this.policies,
      denyPolicies: this.denyPolicies,
    };
  }

  subscription(applicationId: string, apiId: string): SubscriptionEvent | undefined {
    return this.#subscriptions.get(applicationId)?.get(apiId);
  }

  setApi(api: DeployedApi): void {
    this.apis.set(api.apiId, api);
    this.#rebuild();
  }

  removeApi(apiId: string): void {
    if (this.apis.delete(apiId)) this.#rebuild();
  }

  setLifecycle(apiId: string, status: string): void {
    const deployed = this.apis.get(apiId);
    if (!deployed || deployed.api.lifeCycleStatus === status) return;
    this.setApi({
      ...deployed,
      api: { ...deployed.api, lifeCycleStatus: status as DeployedApi['api']['lifeCycleStatus'] },
    });
  }

  removeApplication(applicationId: string): void {
    this.applications.delete(applicationId);
    for (const [key, mapping] of this.keyMappings) {
      if (mapping.applicationId === applicationId) this.keyMappings.delete(key);
    }
    this.#subscriptions.delete(applicationId);
  }

  setSubscription(sub: SubscriptionEvent): void {
    let byApi = this.#subscriptions.get(sub.applicationId);
    if (!byApi) this.#subscriptions.set(sub.applicationId, (byApi = new Map()));
    byApi.set(sub.apiId, sub);
  }

  removeSubscription(sub: SubscriptionEvent): void {
    const byApi = this.#subscriptions.get(sub.applicationId);
    if (byApi?.get(sub.apiId)?.subscriptionId !== sub.subscriptionId) return;
    byApi.delete(sub.apiId);
    if (byApi.size === 0) this.#subscriptions.delete(sub.applicationId);
  }

  setDenyPolicy(policy: DenyPolicy): void {
    this.#setDenyPolicies([...this.denyPolicies.filter((p) => p.conditionId !== policy.conditionId), policy]);
  }

  removeDenyPolicy(conditionId: string): void {
    this.#setDenyPolicies(this.denyPolicies.filter((p) => p.conditionId !== conditionId));
  }

  #setDenyPolicies(policies: DenyPolicy[]): void {
    this.denyPolicies = policies;
    this.denyRules = compileDenyPolicies(policies);
  }

  /** Compiles the routes anew and swaps them in at once. */
  #rebuild(): void {
    this.routes = new RouteTable(this.apis.values(), this.backendTimeout, this.defaultCors);
  }
}
