/**
 * Reads what the data plane of one gateway environment needs, from the control plane's database: the
 * deployed revisions (never the working copies), applications, key mappings, subscriptions to the deployed
 * APIs, throttling and deny policies.
 */
import type { Kysely } from 'kysely';
import { applicationEvent, keyMappingEvent } from '../../events/application-events.js';
import { subscriptionEvent } from '../../events/subscription-events.js';
import { NotFound } from '../../platform/errors.js';
import type { Tables } from '../../store/tables.js';
import type { DenyPolicyService } from '../admin/deny-policy-service.js';
import type { EnvironmentService } from '../admin/environment-service.js';
import type { AdvancedPolicy, ApplicationPolicy, SubscriptionPolicy } from '../admin/policy-schemas.js';
import type { PolicyService } from '../admin/policy-service.js';
import type { Api } from '../apis/api-schemas.js';
import type { DeployedApi, Snapshot } from './internal-data-schemas.js';

export class InternalDataService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly environments: EnvironmentService,
    private readonly policies: PolicyService,
    private readonly denyPolicies: DenyPolicyService,
  ) {}

  async snapshot(environment: string): Promise<Snapshot> {
    await this.#checkEnvironment(environment);
    const generatedAt = Date.now();
    const apis = await this.#deployed(environment);
    const apiIds = apis.map((a) => a.apiId);
    const [applications, keyMappings, subscriptions, application, subscription, advanced, denyPolicies] =
      await Promise.all([
        this.db.selectFrom('applications').selectAll().orderBy('id').execute(),
        this.db.selectFrom('application_keys').selectAll().orderBy('id').execute(),
        apiIds.length === 0
          ? Promise.resolve([])
          : this.db
              .selectFrom('subscriptions')
              .selectAll()
              .where('api_id', 'in', apiIds)
              .orderBy('id')
              .execute(),
        this.policies.list('application'),
        this.policies.list('subscription'),
        this.policies.list('advanced'),
        this.denyPolicies.list(undefined),
      ]);
    return {
      environment,
      generatedAt,
      apis,
      applications: applications.map(applicationEvent),
      keyMappings: keyMappings.map(keyMappingEvent),
      subscriptions: subscriptions.map(subscriptionEvent),
      policies: {
        application: application as ApplicationPolicy[],
        subscription: subscription as SubscriptionPolicy[],
        advanced: advanced as AdvancedPolicy[],
      },
      denyPolicies,
    };
  }

  /** The revision of an API deployed to the environment: what a gateway fetches on DEPLOY_API_IN_GATEWAY. */
  async deployedApi(environment: string, apiId: string): Promise<DeployedApi> {
    await this.#checkEnvironment(environment);
    const [deployed] = await this.#deployed(environment, apiId);
    if (!deployed) throw new NotFound(`API ${apiId} is not deployed to ${environment}.`);
    return deployed;
  }

  async #deployed(environment: string, apiId?: string): Promise<DeployedApi[]> {
    let select = this.db
      .selectFrom('api_deployments')
      .innerJoin('api_revisions', 'api_revisions.id', 'api_deployments.revision_id')
      .innerJoin('apis', 'apis.id', 'api_deployments.api_id')
      .select([
        'apis.lifecycle_status',
        'apis.is_default_version',
        'api_deployments.api_id',
        'api_deployments.revision_id',
        'api_deployments.vhost',
        'api_deployments.deployed_at',
        'api_revisions.snapshot',
      ])
      .where('api_deployments.environment', '=', environment);
    if (apiId) select = select.where('api_deployments.api_id', '=', apiId);
    const rows = await select.orderBy('api_deployments.api_id').execute();
    return rows.map((row) => ({
      apiId: row.api_id,
      revisionId: row.revision_id,
      environment,
      vhost: row.vhost,
      deployedAt: row.deployed_at,
      // The revision froze the API's definition, not its lifecycle nor which version is the default:
      // a gateway must see it blocked, or another version become the default, now.
      api: {
        ...(JSON.parse(row.snapshot) as { api: Api }).api,
        lifeCycleStatus: row.lifecycle_status as Api['lifeCycleStatus'],
        isDefaultVersion: row.is_default_version === 1,
      },
    }));
  }

  async #checkEnvironment(name: string): Promise<void> {
    const known = (await this.environments.list()).some((e) => e.name === name);
    if (!known) throw new NotFound(`There is no gateway environment named "${name}".`);
  }
}
