/**
 * Keeps a gateway's state fresh from `notification` events. Deployments are fetched from the internal data
 * API (an event says which revision, not what it holds), and fetched again when an API of the same name
 * changes (another version may have become the default); the rest is applied from the event itself. A fetch
 * overtaken by a newer deployment or removal of the same API is dropped, so late answers never undo newer
 * changes; a lifecycle change that overtakes a fetch is applied to what the fetch brings. A change the events
 * cannot express precisely (throttling policies) pulls a whole snapshot.
 */
import { Compile } from 'typebox/compile';
import { ApplicationEventSchema, KeyMappingEventSchema } from '../../events/application-events.js';
import type { HubEvent } from '../../events/topics.js';
import { SubscriptionEventSchema } from '../../events/subscription-events.js';
import type { Logger } from '../../platform/logger.js';
import { DenyPolicySchema } from '../../publisher/admin/deny-policy-schemas.js';
import type { RuntimeState } from './runtime-state.js';
import type { SnapshotSource } from './snapshot-source.js';

/** Compiled once: checked on every event received. */
const ApplicationEventValidator = Compile(ApplicationEventSchema);
const KeyMappingEventValidator = Compile(KeyMappingEventSchema);
const SubscriptionEventValidator = Compile(SubscriptionEventSchema);
const DenyPolicyValidator = Compile(DenyPolicySchema);

interface ApiEvent {
  apiId?: unknown;
  name?: unknown;
  environment?: unknown;
  lifecycleStatus?: unknown;
}

export class EventFollower {
  /** Per API, deployments and removals seen: a fetch applies only if none came since it started. */
  readonly #generation = new Map<string, number>();
  /** Per API, the last lifecycle state an event announced, and when (in event order). */
  readonly #lifecycle = new Map<string, { status: string; seq: number }>();
  #seq = 0;

  constructor(
    private readonly state: RuntimeState,
    private readonly source: SnapshotSource,
    private readonly refresh: () => void,
    private readonly logger: Logger,
  ) {}

  async apply(event: HubEvent): Promise<void> {
    const payload = event.payload;
    switch (event.type) {
      case 'DEPLOY_API_IN_GATEWAY':
        if (this.#forUs(payload as ApiEvent) && typeof payload.apiId === 'string')
          return this.#fetch(payload.apiId);
        return;
      case 'REMOVE_API_FROM_GATEWAY':
        if (this.#forUs(payload as ApiEvent)) this.#remove(payload as ApiEvent);
        return;
      case 'API_DELETE':
        this.#remove(payload as ApiEvent);
        return;
      case 'API_LIFECYCLE_CHANGE': {
        const { apiId, lifecycleStatus: status } = payload as ApiEvent;
        if (typeof apiId !== 'string' || typeof status !== 'string') return;
        this.#lifecycle.set(apiId, { status, seq: ++this.#seq });
        this.state.setLifecycle(apiId, status);
        return;
      }
      case 'API_CREATE':
      case 'API_UPDATE': {
        // A new default version changes which deployed version answers on the bare context.
        const { name } = payload as ApiEvent;
        const named = [...this.state.apis.values()].filter((d) => d.api.name === name);
        await Promise.all(named.map((d) => this.#fetch(d.apiId)));
        return;
      }
      case 'APPLICATION_CREATE':
      case 'APPLICATION_UPDATE':
        if (ApplicationEventValidator.Check(payload))
          this.state.applications.set(payload.applicationId, payload);
        return;
      case 'APPLICATION_DELETE':
        if (ApplicationEventValidator.Check(payload)) this.state.removeApplication(payload.applicationId);
        return;
      case 'APPLICATION_REGISTRATION_CREATE':
        if (KeyMappingEventValidator.Check(payload)) this.state.keyMappings.set(payload.consumerKey, payload);
        return;
      case 'REMOVE_APPLICATION_KEYMAPPING':
        if (KeyMappingEventValidator.Check(payload)) this.state.keyMappings.delete(payload.consumerKey);
        return;
      case 'SUBSCRIPTIONS_CREATE':
      case 'SUBSCRIPTIONS_UPDATE':
        if (SubscriptionEventValidator.Check(payload)) this.state.setSubscription(payload);
        return;
      case 'SUBSCRIPTIONS_DELETE':
        if (SubscriptionEventValidator.Check(payload)) this.state.removeSubscription(payload);
        return;
      case 'DENY_POLICY_CREATE':
      case 'DENY_POLICY_UPDATE':
        if (DenyPolicyValidator.Check(payload)) this.state.setDenyPolicy(payload);
        return;
      case 'DENY_POLICY_DELETE':
        if (typeof payload.conditionId === 'string') this.state.removeDenyPolicy(payload.conditionId);
        return;
      case 'POLICY_CREATE':
      case 'POLICY_UPDATE':
      case 'POLICY_DELETE':
        this.refresh();
        return;
      default:
        return;
    }
  }

  #forUs(payload: ApiEvent): boolean {
    return payload.environment === this.state.environment;
  }

  #remove(payload: ApiEvent): void {
    if (typeof payload.apiId !== 'string') return;
    this.#generation.set(payload.apiId, (this.#generation.get(payload.apiId) ?? 0) + 1);
    this.state.removeApi(payload.apiId);
  }

  /** Fetches the API as deployed to this environment now, and serves it (or stops, if it is not). */
  async #fetch(apiId: string): Promise<void> {
    const generation = (this.#generation.get(apiId) ?? 0) + 1;
    this.#generation.set(apiId, generation);
    const startedAt = this.#seq;
    try {
      const deployed = await this.source.deployedApi(apiId);
      if (this.#generation.get(apiId) !== generation) return;
      if (!deployed) {
        this.state.removeApi(apiId);
        return;
      }
      const lifecycle = this.#lifecycle.get(apiId);
      const status = lifecycle && lifecycle.seq > startedAt ? lifecycle.status : deployed.api.lifeCycleStatus;
      this.state.setApi({
        ...deployed,
        api: { ...deployed.api, lifeCycleStatus: status as typeof deployed.api.lifeCycleStatus },
      });
    } catch (err) {
      // The deployment is not lost: the next snapshot (pulled now) carries it.
      this.logger.error({ err, apiId }, 'could not fetch a deployed API; pulling a snapshot instead');
      this.refresh();
    }
  }
}
