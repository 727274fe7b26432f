/**
 * Revisions freeze an API; deployments put a revision on gateway environments. A gateway runs the deployed
 * revision, never the working copy. Deploying and undeploying announce DEPLOY_API_IN_GATEWAY and
 * REMOVE_API_FROM_GATEWAY on `notification`.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventHub } from '../../events/hub.js';
import { notify } from '../../events/notify.js';
import { BadRequest, Conflict, NotFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { Tables } from '../../store/tables.js';
import { isUniqueViolation } from '../../store/constraint-violations.js';
import type { EnvironmentService } from '../admin/environment-service.js';
import { toApi } from './api-service.js';
import { MAX_REVISIONS, type Deployment, type Revision } from './revision-schemas.js';

type RevisionRow = Tables['api_revisions'];
type DeploymentRow = Tables['api_deployments'];

function toDeployment(row: DeploymentRow): Deployment {
  const time = new Date(row.deployed_at).toISOString();
  return {
    revisionUuid: row.revision_id,
    name: row.environment,
    status: 'APPROVED',
    vhost: row.vhost,
    displayOnDevportal: row.display_on_devportal === 1,
    deployedTime: time,
    successDeployedTime: time,
  };
}

export class RevisionService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly environments: EnvironmentService,
    private readonly hub: EventHub,
    private readonly logger: Logger,
  ) {}

  async create(apiId: string, description: string | undefined): Promise<Revision> {
    const api = await this.#api(apiId);
    const rows = await this.db
      .selectFrom('api_revisions')
      .select('number')
      .where('api_id', '=', apiId)
      .execute();
    if (rows.length >= MAX_REVISIONS) {
      throw new BadRequest(
        `An API keeps at most ${MAX_REVISIONS} revisions: delete one that is not deployed first.`,
      );
    }
    const number = Math.max(0, ...rows.map((r) => r.number)) + 1;
    const id = randomUUID();
    await this.db
      .insertInto('api_revisions')
      .values({
        id,
        api_id: apiId,
        number,
        description: description ?? '',
        // The definition too: a gateway (and the Developer Portal) must see what was deployed, not the working copy.
        snapshot: JSON.stringify({ api: toApi(api), definition: await this.#definition(apiId) }),
        created_at: Date.now(),
      })
      .execute()
      .catch((err: unknown) => {
        if (isUniqueViolation(err))
          throw new Conflict('Another revision of this API was created at the same moment; try again.');
        throw err;
      });
    return this.get(apiId, id);
  }

  async list(apiId: string, deployed?: boolean): Promise<Revision[]> {
    await this.#api(apiId);
    const rows = await this.db
      .selectFrom('api_revisions')
      .selectAll()
      .where('api_id', '=', apiId)
      .orderBy('number')
      .execute();
    const deployments = await this.#deployments(apiId);
    return rows
      .map((row) => this.#toRevision(row, deployments))
      .filter((r) => deployed === undefined || (r.deploymentInfo?.length ?? 0) > 0 === deployed);
  }

  async get(apiId: string, revisionId: string): Promise<Revision> {
    const row = await this.#row(apiId, revisionId);
    return this.#toRevision(row, await this.#deployments(apiId));
  }

  /** Deletes a revision that is not deployed; returns the remaining ones. */
  async delete(apiId: string, revisionId: string): Promise<Revision[]> {
    await this.#row(apiId, revisionId);
    const deployed = (await this.#deployments(apiId)).filter((d) => d.revision_id === revisionId);
    if (deployed.length > 0) {
      throw new Conflict(
        `The revision is deployed to ${deployed.map((d) => d.environment).join(', ')}: undeploy it first.`,
      );
    }
    await this.db.deleteFrom('api_revisions').where('id', '=', revisionId).execute();
    return this.list(apiId);
  }

  async deploy(apiId: string, revisionId: string, targets: Deployment[]): Promise<Deployment[]> {
    const api = await this.#api(apiId);
    if (api.lifecycle_status === 'RETIRED') throw new BadRequest('A retired API cannot be deployed.');
    await this.#row(apiId, revisionId);
    const environments = new Map((await this.environments.list()).map((e) => [e.name, e]));
    const resolved = targets.map((target, i) => {
      const environment = environments.get(target.name);
      if (!environment) throw new BadRequest(`[${i}].name: no gateway environment named "${target.name}".`);
      const hosts = environment.vhosts.map((v) => v.host);
      const vhost = target.vhost ?? (hosts[0] as string);
      if (!hosts.includes(vhost)) {
        throw new BadRequest(
          `[${i}].vhost: "${vhost}" is not a vhost of ${target.name} (${hosts.join(', ')}).`,
        );
      }
      return { environment: target.name, vhost, display: target.displayOnDevportal ?? true };
    });
    if (new Set(resolved.map((r) => r.environment)).size !== resolved.length) {
      throw new BadRequest('An environment is named twice: an API runs one revision per environment.');
    }
    const now = Date.now();
    for (const target of resolved) {
      // Replace atomically: a concurrent deploy to the same environment gets a 409, not a 500.
      await this.db
        .transaction()
        .execute(async (trx) => {
          await trx
            .deleteFrom('api_deployments')
            .where('api_id', '=', apiId)
            .where('environment', '=', target.environment)
            .execute();
          await trx
            .insertInto('api_deployments')
            .values({
              api_id: apiId,
              revision_id: revisionId,
              environment: target.environment,
              vhost: target.vhost,
              display_on_devportal: target.display ? 1 : 0,
              deployed_at: now,
            })
            .execute();
        })
        .catch((err: unknown) => {
          if (isUniqueViolation(err)) {
            throw new Conflict(
              `Another deployment to ${target.environment} happened at the same moment; try again.`,
            );
          }
          throw err;
        });
      this.#announce('DEPLOY_API_IN_GATEWAY', apiId, revisionId, target.environment, target.vhost);
    }
    return (await this.#deployments(apiId)).filter((d) => d.revision_id === revisionId).map(toDeployment);
  }

  /** Undeploys the revision from the named environments, or from all of them. */
  async undeploy(
    apiId: string,
    revisionId: string,
    targets: Deployment[],
    all: boolean,
  ): Promise<Deployment[]> {
    await this.#row(apiId, revisionId);
    const current = (await this.#deployments(apiId)).filter((d) => d.revision_id === revisionId);
    const names = all ? current.map((d) => d.environment) : targets.map((t) => t.name);
    for (const [i, name] of names.entries()) {
      const deployment = current.find((d) => d.environment === name);
      if (!deployment) throw new BadRequest(`[${i}].name: the revision is not deployed to "${name}".`);
    }
    return this.#remove(
      apiId,
      current.filter((d) => names.includes(d.environment)),
    );
  }

  async deployments(apiId: string): Promise<Deployment[]> {
    await this.#api(apiId);
    return (await this.#deployments(apiId)).map(toDeployment);
  }

  /** Takes the API off every gateway: on retirement and before deletion. */
  async undeployAll(apiId: string): Promise<void> {
    await this.#remove(apiId, await this.#deployments(apiId));
  }

  async #remove(apiId: string, deployments: DeploymentRow[]): Promise<Deployment[]> {
    for (const d of deployments) {
      await this.db
        .deleteFrom('api_deployments')
        .where('api_id', '=', apiId)
        .where('environment', '=', d.environment)
        .execute();
      this.#announce('REMOVE_API_FROM_GATEWAY', apiId, d.revision_id, d.environment, d.vhost);
    }
    return deployments.map(toDeployment);
  }

  async #definition(apiId: string): Promise<unknown> {
    const row = await this.db
      .selectFrom('api_definitions')
      .select('definition')
      .where('api_id', '=', apiId)
      .executeTakeFirst();
    return row ? (JSON.parse(row.definition) as unknown) : null;
  }

  async #api(apiId: string): Promise<Tables['apis']> {
    const row = await this.db.selectFrom('apis').selectAll().where('id', '=', apiId).executeTakeFirst();
    if (!row) throw new NotFound(`No API with id ${apiId}.`);
    return row;
  }

  async #row(apiId: string, revisionId: string): Promise<RevisionRow> {
    const row = await this.db
      .selectFrom('api_revisions')
      .selectAll()
      .where('api_id', '=', apiId)
      .where('id', '=', revisionId)
      .executeTakeFirst();
    if (!row) throw new NotFound(`No revision ${revisionId} of API ${apiId}.`);
    return row;
  }

  #deployments(apiId: string): Promise<DeploymentRow[]> {
    return this.db.selectFrom('api_deployments').selectAll().where('api_id', '=', apiId).execute();
  }

  #toRevision(row: RevisionRow, deployments: DeploymentRow[]): Revision {
    return {
      displayName: `Revision ${row.number}`,
      id: row.id,
      description: row.description,
      createdTime: new Date(row.created_at).toISOString(),
      apiInfo: { id: row.api_id },
      deploymentInfo: deployments.filter((d) => d.revision_id === row.id).map(toDeployment),
    };
  }

  #announce(type: string, apiId: string, revisionId: string, environment: string, vhost: string): void {
    const payload = { apiId, revisionId, environment, vhost };
    notify(this.hub, this.logger, type, payload);
  }
}
