/**
 * Keeps a gateway's state fresh from `notification` events. Deployments are fetched from the internal data
 * API (an event says which revision, not what it holds); the rest is applied from the event itself. A fetch
 * that an event for the same API has overtaken is dropped, so late answers never undo newer changes. A
 * change the events cannot express precisely (throttling policies) pulls a whole snapshot.
 */
import { Value } from 'typebox/value';
import { ApplicationEventSchema, KeyMappingEventSchema } from '../../events/application-events.js';
import type { HubEvent } from '../../events/topics.js';
import { SubscriptionEventSchema } from '../../events/subscription-events.js';
import type { Logger } from '../../platform/logger.js';
import { DenyPolicySchema } from '../../publisher/admin/deny-policy-schemas.js';
import type { RuntimeState } from './runtime-state.js';
import type { SnapshotSource } from './snapshot-source.js';

interface ApiEvent {
  apiId?: unknown;
  environment?: unknown;
  lifecycleStatus?: unknown;
}

export class EventFollower {
  /** Per API, how many events have touched it: a fetch applies only if none came since it started. */
  readonly #generation = new Map<string, number>();

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
        return this.#deploy(payload as ApiEvent);
      case 'REMOVE_API_FROM_GATEWAY':
        if (this.#forUs(payload as ApiEvent))
          this.#touch(payload as ApiEvent, (id) => this.state.removeApi(id));
        return;
      case 'API_DELETE':
        this.#touch(payload as ApiEvent, (id) => this.state.removeApi(id));
        return;
      case 'API_LIFECYCLE_CHANGE': {
        const status = (payload as ApiEvent).lifecycleStatus;
        if (typeof status === 'string')
          this.#touch(payload as ApiEvent, (id) => this.state.setLifecycle(id, status));
        return;
      }
      case 'APPLICATION_CREATE':
      case 'APPLICATION_UPDATE':
        if (Value.Check(ApplicationEventSchema, payload))
          this.state.applications.set(payload.applicationId, payload);
        return;
      case 'APPLICATION_DELETE':
        if (Value.Check(ApplicationEventSchema, payload)) this.state.removeApplication(payload.applicationId);
        return;
      case 'APPLICATION_REGISTRATION_CREATE':
        if (Value.Check(KeyMappingEventSchema, payload))
          this.state.keyMappings.set(payload.consumerKey, payload);
        return;
      case 'REMOVE_APPLICATION_KEYMAPPING':
        if (Value.Check(KeyMappingEventSchema, payload)) this.state.keyMappings.delete(payload.consumerKey);
        return;
      case 'SUBSCRIPTIONS_CREATE':
      case 'SUBSCRIPTIONS_UPDATE':
        if (Value.Check(SubscriptionEventSchema, payload)) this.state.setSubscription(payload);
        return;
      case 'SUBSCRIPTIONS_DELETE':
        if (Value.Check(SubscriptionEventSchema, payload)) this.state.removeSubscription(payload);
        return;
      case 'DENY_POLICY_CREATE':
      case 'DENY_POLICY_UPDATE':
        if (Value.Check(DenyPolicySchema, payload)) this.state.setDenyPolicy(payload);
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

  /** Counts an event for the API and applies a change to it. */
  #touch(payload: ApiEvent, change: (apiId: string) => void): string | undefined {
    if (typeof payload.apiId !== 'string') return undefined;
    this.#generation.set(payload.apiId, (this.#generation.get(payload.apiId) ?? 0) + 1);
    change(payload.apiId);
    return payload.apiId;
  }

  async #deploy(payload: ApiEvent): Promise<void> {
    if (!this.#forUs(payload)) return;
    const apiId = this.#touch(payload, () => undefined);
    if (!apiId) return;
    const generation = this.#generation.get(apiId);
    try {
      const deployed = await this.source.deployedApi(apiId);
      if (this.#generation.get(apiId) !== generation) return;
      if (deployed) this.state.setApi(deployed);
      else this.state.removeApi(apiId);
    } catch (err) {
      // The deployment is not lost: the next snapshot (pulled now) carries it.
      this.logger.error({ err, apiId }, 'could not fetch a deployed API; pulling a snapshot instead');
      this.refresh();
    }
  }
}
