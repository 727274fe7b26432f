/**
 * APIs: create, read, update, delete, list, and move through the lifecycle. Each change is announced on
 * `notification` (WSO2's API_CREATE, API_UPDATE, API_DELETE, API_LIFECYCLE_CHANGE).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventHub } from '../../events/hub.js';
import { notify } from '../../events/notify.js';
import { matches } from './api-query.js';
import { BadRequest, Conflict, NotFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { Tables } from '../../store/tables.js';
import { isUniqueViolation } from '../../store/constraint-violations.js';
import type { PolicyService } from '../admin/policy-service.js';
import type { RevisionService } from './revision-service.js';
import { checkApi, normaliseContext } from './api-checks.js';
import type { Api, ApiInfo, ApiListQuery } from './api-schemas.js';
import { definitionFor, inStep, operationsFrom, type Definition } from './openapi.js';
import { allowedActions, displayState, transition, type LifecycleStatus } from './lifecycle.js';

type ApiRow = Tables['apis'];

/** WSO2 gives an API without operations one resource per verb on `/*`. */
const DEFAULT_OPERATIONS: NonNullable<Api['operations']> = (
  ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'] as const
).map((verb) => ({
  target: '/*',
  verb,
  authType: 'Application & Application User',
  throttlingPolicy: 'Unlimited',
  scopes: [],
}));

/** The fields kept in columns, not in the JSON body. */
type ColumnFields =
  | 'id'
  | 'name'
  | 'context'
  | 'version'
  | 'provider'
  | 'lifeCycleStatus'
  | 'isDefaultVersion'
  | 'createdTime'
  | 'lastUpdatedTime';

function body(api: Api): string {
  const {
    id: _i,
    name: _n,
    context: _c,
    version: _v,
    provider: _p,
    lifeCycleStatus: _l,
    isDefaultVersion: _d,
    createdTime: _ct,
    lastUpdatedTime: _u,
    ...rest
  } = api;
  return JSON.stringify(rest);
}

/** The API object of a stored row. */
export function toApi(row: ApiRow): Api {
  return {
    id: row.id,
    name: row.name,
    context: row.context,
    version: row.version,
    provider: row.provider,
    lifeCycleStatus: row.lifecycle_status as LifecycleStatus,
    ...(JSON.parse(row.body) as Omit<Api, ColumnFields>),
    isDefaultVersion: row.is_default_version === 1,
    createdTime: String(row.created_at),
    lastUpdatedTime: String(row.updated_at),
  };
}

function toInfo(api: Api): ApiInfo {
  return {
    id: api.id as string,
    name: api.name,
    ...(api.description !== undefined ? { description: api.description } : {}),
    context: api.context,
    version: api.version,
    provider: api.provider as string,
    type: api.type ?? 'HTTP',
    lifeCycleStatus: api.lifeCycleStatus as string,
    securityScheme: api.securityScheme ?? [],
    createdTime: api.createdTime as string,
    updatedTime: api.lastUpdatedTime as string,
  };
}

const SORT_KEYS: Record<ApiListQuery['sortBy'], (api: Api) => string | number> = {
  apiName: (api) => api.name.toLowerCase(),
  version: (api) => api.version,
  createdTime: (api) => Number(api.createdTime),
  status: (api) => api.lifeCycleStatus ?? '',
};

export class ApiService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly policies: PolicyService,
    private readonly revisions: RevisionService,
    private readonly hub: EventHub,
    private readonly logger: Logger,
  ) {}

  /** Creates an API; with an imported definition, its operations come from the definition's paths. */
  async create(input: Api, provider: string, imported?: Definition): Promise<Api> {
    const api: Api = {
      type: 'HTTP',
      transport: ['http', 'https'],
      policies: [],
      securityScheme: ['oauth2'],
      visibility: 'PUBLIC',
      authorizationHeader: 'Authorization',
      isDefaultVersion: false,
      tags: [],
      scopes: [],
      ...input,
      operations: imported
        ? operationsFrom(imported, input.operations)
        : input.operations?.length
          ? input.operations
          : DEFAULT_OPERATIONS,
      context: normaliseContext(input.context),
    };
    await this.#check(api, undefined);
    const id = randomUUID();
    const now = Date.now();
    await this.db
      .insertInto('apis')
      .values({
        id,
        name: api.name,
        context: api.context,
        version: api.version,
        provider,
        lifecycle_status: 'CREATED',
        is_default_version: 0,
        body: body(api),
        created_at: now,
        updated_at: now,
      })
      .execute()
      .catch((err: unknown) => {
        // A concurrent create passed the same checks first.
        if (isUniqueViolation(err))
          throw new Conflict(
            `An API named "${api.name}" with version ${api.version} or context ${api.context} already exists.`,
          );
        throw err;
      });
    await this.#saveDefinition(id, imported ? inStep(imported, api.operations ?? []) : definitionFor(api));
    await this.#setDefault(id, api.name, api.isDefaultVersion === true);
    const created = await this.get(id);
    this.#announce('API_CREATE', created);
    return created;
  }

  async get(id: string): Promise<Api> {
    const row = await this.db.selectFrom('apis').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound(`No API with id ${id}.`);
    return toApi(row);
  }

  async list(query: ApiListQuery): Promise<{ total: number; list: ApiInfo[] }> {
    const rows = await this.db.selectFrom('apis').selectAll().execute();
    const key = SORT_KEYS[query.sortBy];
    const direction = query.sortOrder === 'asc' ? 1 : -1;
    const found = rows
      .map(toApi)
      .filter((api) => matches(api, query.query))
      .sort((a, b) => (key(a) < key(b) ? -direction : key(a) > key(b) ? direction : 0));
    return { total: found.length, list: found.slice(query.offset, query.offset + query.limit).map(toInfo) };
  }

  /** Replaces what may change; name, context, version and provider stay (a new version is a new API). */
  async update(id: string, input: Api): Promise<Api> {
    const before = await this.get(id);
    for (const field of ['name', 'version'] as const) {
      if (input[field] !== before[field])
        throw new BadRequest(
          `${field} cannot change (it is "${before[field]}"); create a new version instead.`,
        );
    }
    if (normaliseContext(input.context) !== before.context) {
      throw new BadRequest(`context cannot change (it is "${before.context}"); create a new API instead.`);
    }
    const api: Api = { ...input, context: before.context, operations: input.operations ?? before.operations };
    await this.#check(api, id);
    const definition = await this.definition(id);
    await this.db
      .updateTable('apis')
      .set({ body: body(api), updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
    await this.#saveDefinition(id, inStep(definition, api.operations ?? []));
    await this.#setDefault(id, api.name, api.isDefaultVersion === true);
    const updated = await this.get(id);
    this.#announce('API_UPDATE', updated);
    return updated;
  }

  /**
   * A new version of an API: the same name, context and provider, its operations, definition, settings and
   * documents copied; lifecycle CREATED.
   */
  async copy(id: string, newVersion: string, isDefaultVersion: boolean): Promise<Api> {
    const source = await this.get(id);
    const definition = await this.definition(id);
    const {
      id: _id,
      lifeCycleStatus: _status,
      createdTime: _created,
      lastUpdatedTime: _updated,
      ...fields
    } = source;
    const info = (definition.info ?? {}) as Record<string, unknown>;
    const copy = await this.create(
      { ...fields, version: newVersion, isDefaultVersion },
      source.provider as string,
      {
        ...definition,
        info: { ...info, version: newVersion },
      },
    );
    const documents = await this.db
      .selectFrom('api_documents')
      .selectAll()
      .where('api_id', '=', id)
      .execute();
    for (const document of documents) {
      await this.db
        .insertInto('api_documents')
        .values({ ...document, id: randomUUID(), api_id: copy.id as string })
        .execute();
    }
    return copy;
  }

  /** The API's OpenAPI definition, kept in step with its operations. */
  async definition(id: string): Promise<Definition> {
    const api = await this.get(id);
    const row = await this.db
      .selectFrom('api_definitions')
      .select('definition')
      .where('api_id', '=', id)
      .executeTakeFirst();
    return row ? (JSON.parse(row.definition) as Definition) : definitionFor(api);
  }

  /** Replaces the definition (validated by the caller); the operations follow its paths. */
  async replaceDefinition(id: string, definition: Definition): Promise<Definition> {
    const api = await this.get(id);
    const operations = operationsFrom(definition, api.operations);
    await this.update(id, { ...api, operations });
    await this.#saveDefinition(id, inStep(definition, operations));
    return this.definition(id);
  }

  async delete(id: string): Promise<void> {
    const api = await this.get(id);
    const subscribed = await this.db
      .selectFrom('subscriptions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('api_id', '=', id)
      .executeTakeFirst();
    // As WSO2: subscribers would lose an API they rely on without notice; retire it, or block them, first.
    if (Number(subscribed?.n ?? 0) > 0) {
      throw new Conflict(
        `API ${api.name} ${api.version} has ${Number(subscribed?.n)} subscription(s): it cannot be deleted while applications are subscribed.`,
      );
    }
    await this.revisions.undeployAll(id);
    await this.db.deleteFrom('apis').where('id', '=', id).execute();
    this.#announce('API_DELETE', api);
  }

  async changeLifecycle(id: string, action: string, user: string): Promise<Api> {
    const api = await this.get(id);
    const from = api.lifeCycleStatus as LifecycleStatus;
    const to = transition(from, action);
    if (!to) {
      throw new BadRequest(
        `"${action}" is not allowed from ${displayState(from)}; allowed: ${allowedActions(from).join(', ') || 'none'}.`,
      );
    }
    if (to === 'PUBLISHED' || to === 'PROTOTYPED') {
      if (!api.endpointConfig) throw new BadRequest(`An API needs an endpointConfig before "${action}".`);
      if (to === 'PUBLISHED' && !api.policies?.length) {
        throw new BadRequest(
          'An API needs at least one subscription policy (policies) before it is published.',
        );
      }
    }
    const now = Date.now();
    await this.db.transaction().execute(async (trx) => {
      // Only from the state the decision was made in: a concurrent change wins, this one is refused.
      const changed = await trx
        .updateTable('apis')
        .set({ lifecycle_status: to, updated_at: now })
        .where('id', '=', id)
        .where('lifecycle_status', '=', from)
        .executeTakeFirst();
      if (changed.numUpdatedRows !== 1n) {
        throw new Conflict(
          `The API's lifecycle changed meanwhile (it is no longer ${displayState(from)}); try again.`,
        );
      }
      await trx
        .insertInto('api_lifecycle_history')
        .values({
          id: randomUUID(),
          api_id: id,
          previous_state: from,
          post_state: to,
          username: user,
          updated_at: now,
        })
        .execute();
    });
    // A retired API leaves every gateway.
    if (to === 'RETIRED') await this.revisions.undeployAll(id);
    const changed = await this.get(id);
    this.#announce('API_LIFECYCLE_CHANGE', changed, { previousStatus: from, action });
    return changed;
  }

  async history(
    id: string,
  ): Promise<{ previousState: string; postState: string; user: string; updatedTime: string }[]> {
    await this.get(id);
    const rows = await this.db
      .selectFrom('api_lifecycle_history')
      .selectAll()
      .where('api_id', '=', id)
      .orderBy('updated_at')
      .execute();
    return rows.map((r) => ({
      previousState: displayState(r.previous_state as LifecycleStatus),
      postState: displayState(r.post_state as LifecycleStatus),
      user: r.username,
      updatedTime: new Date(r.updated_at).toISOString(),
    }));
  }

  async #check(api: Api, id: string | undefined): Promise<void> {
    checkApi(api, {
      subscription: await this.policies.names('subscription'),
      advanced: await this.policies.names('advanced'),
    });
    const others = await this.db
      .selectFrom('apis')
      .select(['id', 'name', 'version', 'context'])
      .where((eb) => eb.or([eb('name', '=', api.name), eb('context', '=', api.context)]))
      .execute();
    for (const other of others.filter((o) => o.id !== id)) {
      if (other.name === api.name && other.version === api.version) {
        throw new Conflict(`An API named "${api.name}" with version ${api.version} already exists.`);
      }
      if (other.context === api.context && other.name !== api.name) {
        throw new Conflict(`context ${api.context} is used by the API "${other.name}".`);
      }
    }
  }

  async #saveDefinition(id: string, definition: Definition): Promise<void> {
    const values = { api_id: id, definition: JSON.stringify(definition), updated_at: Date.now() };
    await this.db
      .insertInto('api_definitions')
      .values(values)
      .onConflict((oc) =>
        oc.column('api_id').doUpdateSet({ definition: values.definition, updated_at: values.updated_at }),
      )
      .execute();
  }

  /**
   * Only one version of an API answers on its bare context: one statement sets this version's flag and
   * clears the others', so concurrent requests leave exactly one default (the last).
   */
  async #setDefault(id: string, name: string, isDefault: boolean): Promise<void> {
    if (!isDefault) {
      await this.db.updateTable('apis').set({ is_default_version: 0 }).where('id', '=', id).execute();
      return;
    }
    await this.db
      .updateTable('apis')
      .set((eb) => ({ is_default_version: eb.case().when('id', '=', id).then(1).else(0).end() }))
      .where('name', '=', name)
      .execute();
  }

  #announce(type: string, api: Api, extra: Record<string, unknown> = {}): void {
    const payload = {
      apiId: api.id,
      name: api.name,
      version: api.version,
      context: api.context,
      provider: api.provider,
      lifecycleStatus: api.lifeCycleStatus,
      ...extra,
    };
    notify(this.hub, this.logger, type, payload);
  }
}
