/** Gateway environments: where APIs are deployed. Changes are announced for the gateways. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventHub } from '../../events/hub.js';
import { notify } from '../../events/notify.js';
import { BadRequest, Conflict, NotFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { Tables } from '../../store/tables.js';
import { isUniqueViolation } from '../../store/constraint-violations.js';
import { DEFAULT_ENVIRONMENT, type Environment } from './environment-schemas.js';

export class EnvironmentService {
  /** Names of the environments the configuration defines: read-only here, as WSO2's deployment.toml ones. */
  readonly #configured: ReadonlySet<string>;

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly hub: EventHub,
    private readonly logger: Logger,
    private readonly configured: readonly Environment[] = [],
  ) {
    this.#configured = new Set(configured.map((e) => e.name));
  }

  async list(): Promise<Environment[]> {
    const rows = await this.db.selectFrom('environments').selectAll().orderBy('name').execute();
    return rows.map((row) => this.#toEnvironment(row));
  }

  async get(id: string): Promise<Environment> {
    const row = await this.db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound(`No gateway environment with id ${id}.`);
    return this.#toEnvironment(row);
  }

  async create(environment: Environment): Promise<Environment> {
    const clash = await this.db
      .selectFrom('environments')
      .select('id')
      .where('name', '=', environment.name)
      .executeTakeFirst();
    if (clash) throw new Conflict(`A gateway environment named "${environment.name}" already exists.`);
    const id = randomUUID();
    const now = Date.now();
    await this.db
      .insertInto('environments')
      .values({ id, name: environment.name, body: body(environment), created_at: now, updated_at: now })
      .execute()
      .catch((err: unknown) => {
        if (isUniqueViolation(err))
          throw new Conflict(`A gateway environment named "${environment.name}" already exists.`);
        throw err;
      });
    const created = await this.get(id);
    this.#announce('ENVIRONMENT_CREATE', created);
    return created;
  }

  async update(id: string, environment: Environment): Promise<Environment> {
    const before = await this.get(id);
    this.#assertWritable(before);
    if (environment.name !== before.name) {
      throw new BadRequest(`name cannot change (it is "${before.name}"): deployments refer to it.`);
    }
    await this.db
      .updateTable('environments')
      .set({ body: body(environment), updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
    const updated = await this.get(id);
    this.#announce('ENVIRONMENT_UPDATE', updated);
    return updated;
  }

  async delete(id: string): Promise<void> {
    const environment = await this.get(id);
    this.#assertWritable(environment);
    if (environment.name === DEFAULT_ENVIRONMENT.name) {
      throw new Conflict('The Default environment cannot be deleted.');
    }
    const deployed = await this.db
      .selectFrom('api_deployments')
      .innerJoin('apis', 'apis.id', 'api_deployments.api_id')
      .select(['apis.name', 'apis.version'])
      .where('api_deployments.environment', '=', environment.name)
      .execute();
    if (deployed.length > 0) {
      const names = deployed.map((d) => `${d.name} ${d.version}`).join(', ');
      throw new Conflict(`The environment "${environment.name}" runs APIs (${names}): undeploy them first.`);
    }
    await this.db.deleteFrom('environments').where('id', '=', id).execute();
    this.#announce('ENVIRONMENT_DELETE', environment);
  }

  /**
   * Makes the configured environments what the configuration says (announcing those that changed); without
   * any, creates the Default environment when there is none.
   */
  async seed(): Promise<void> {
    const now = Date.now();
    const wanted = this.configured.length > 0 ? this.configured : [DEFAULT_ENVIRONMENT];
    for (const environment of wanted) {
      const row = await this.db
        .selectFrom('environments')
        .selectAll()
        .where('name', '=', environment.name)
        .executeTakeFirst();
      if (!row) {
        await this.db
          .insertInto('environments')
          .values({
            id: randomUUID(),
            name: environment.name,
            body: body(environment),
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) => oc.column('name').doNothing())
          .execute();
      } else if (this.#configured.has(environment.name) && row.body !== body(environment)) {
        await this.db
          .updateTable('environments')
          .set({ body: body(environment), updated_at: now })
          .where('id', '=', row.id)
          .execute();
        this.#announce('ENVIRONMENT_UPDATE', await this.get(row.id));
      }
    }
  }

  #assertWritable(environment: Environment): void {
    if (environment.isReadOnly) {
      throw new Conflict(
        `The environment "${environment.name}" is defined in the Publisher's configuration (publisher.environments): change it there.`,
      );
    }
  }

  #toEnvironment(row: Tables['environments']): Environment {
    return {
      id: row.id,
      ...(JSON.parse(row.body) as Environment),
      isReadOnly: this.#configured.has(row.name),
    };
  }

  #announce(type: string, environment: Environment): void {
    const payload = { id: environment.id, name: environment.name };
    notify(this.hub, this.logger, type, payload);
  }
}

function body(environment: Environment): string {
  const { id: _id, isReadOnly: _readOnly, ...rest } = environment;
  return JSON.stringify({ type: 'hybrid', gatewayType: 'Regular', ...rest });
}
