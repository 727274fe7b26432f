/**
 * Applications: a subscriber's named consumers of APIs. Each belongs to one user, who alone sees and changes
 * it; another user's application is "not found" rather than "forbidden", so ids reveal nothing.
 * Changes are announced on `notification` (APPLICATION_CREATE|UPDATE|DELETE) for gateways.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { EventHub } from '../../events/hub.js';
import { applicationEvent } from '../../events/application-events.js';
import { notify } from '../../events/notify.js';
import { BadRequest, Conflict, NotFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { Tables } from '../../store/tables.js';
import { isUniqueViolation } from '../../store/constraint-violations.js';
import type { Application, ApplicationInfo, ApplicationListQuery } from './application-schemas.js';

type ApplicationRow = Tables['applications'];

/** What the `body` column holds: the fields without a column of their own. */
interface ApplicationBody {
  description?: string;
  attributes: Record<string, string>;
}

const SORT_COLUMNS = {
  name: 'name',
  throttlingPolicy: 'throttling_policy',
  status: 'status',
  createdTime: 'created_at',
} as const;

/** Applications need no approval workflow here: they are usable at once, as WSO2's default. */
const APPROVED = 'APPROVED';
/** Set first when an application is deleted: no keys or subscriptions may be added from then on. */
export const DELETE_PENDING = 'DELETE_PENDING';

export class ApplicationService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly hub: EventHub,
    private readonly logger: Logger,
  ) {}

  async list(
    owner: string,
    query: ApplicationListQuery,
  ): Promise<{ total: number; list: ApplicationInfo[] }> {
    let select = this.db.selectFrom('applications').where('owner', '=', owner);
    const term = query.query?.trim().toLowerCase();
    if (term) {
      const pattern = `%${term.replace(/[\\%_]/g, '\\$&')}%`;
      select = select.where(sql<boolean>`lower(name) like ${pattern} escape '\\'`);
    }
    const counted = await select.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await select
      .selectAll()
      .orderBy(SORT_COLUMNS[query.sortBy], query.sortOrder)
      .orderBy('id')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
    const counts = await this.#subscriptionCounts(rows.map((r) => r.id));
    return { total: Number(counted?.n ?? 0), list: rows.map((row) => toInfo(row, counts.get(row.id) ?? 0)) };
  }

  /** The caller's application, or 404. */
  async get(owner: string, id: string): Promise<Application> {
    return { ...(await this.info(owner, id)), hashEnabled: true };
  }

  async info(owner: string, id: string): Promise<ApplicationInfo> {
    const row = await this.#row(owner, id);
    const counts = await this.#subscriptionCounts([id]);
    return toInfo(row, counts.get(id) ?? 0);
  }

  /** The caller's applications among `ids`, in two queries whatever their number. */
  async infos(owner: string, ids: readonly string[]): Promise<Map<string, ApplicationInfo>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('applications')
      .selectAll()
      .where('owner', '=', owner)
      .where('id', 'in', unique)
      .execute();
    const counts = await this.#subscriptionCounts(unique);
    return new Map(rows.map((row) => [row.id, toInfo(row, counts.get(row.id) ?? 0)]));
  }

  async create(owner: string, input: Application): Promise<Application> {
    await this.#checkPolicy(input.throttlingPolicy);
    const now = Date.now();
    const row: ApplicationRow = {
      id: randomUUID(),
      name: input.name.trim(),
      owner,
      throttling_policy: input.throttlingPolicy,
      token_type: input.tokenType ?? 'JWT',
      status: APPROVED,
      body: JSON.stringify(bodyOf(input)),
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('applications').values(row).execute();
    } catch (err) {
      throw isUniqueViolation(err) ? duplicateName(row.name) : err;
    }
    const created = { ...toInfo(row, 0), hashEnabled: true };
    this.#announce('APPLICATION_CREATE', row);
    return created;
  }

  async update(owner: string, id: string, input: Application): Promise<Application> {
    const before = await this.#row(owner, id);
    if (before.status === DELETE_PENDING) throw beingDeleted(before.name);
    if (input.throttlingPolicy !== before.throttling_policy) await this.#checkPolicy(input.throttlingPolicy);
    const changes = {
      name: input.name.trim(),
      throttling_policy: input.throttlingPolicy,
      token_type: input.tokenType ?? before.token_type,
      body: JSON.stringify(bodyOf(input)),
      updated_at: Date.now(),
    };
    try {
      await this.db.updateTable('applications').set(changes).where('id', '=', id).execute();
    } catch (err) {
      throw isUniqueViolation(err) ? duplicateName(changes.name) : err;
    }
    const updated = await this.get(owner, id);
    this.#announce('APPLICATION_UPDATE', { ...before, ...changes });
    return updated;
  }

  /**
   * The first step of deleting: from now on no key or subscription can be added (they check the status in
   * the same statement that adds them), so the clients removed next are all there will ever be.
   */
  async markDeleting(owner: string, id: string): Promise<void> {
    await this.#row(owner, id);
    await this.db.updateTable('applications').set({ status: DELETE_PENDING }).where('id', '=', id).execute();
  }

  /** Deletes the application with its key mappings and subscriptions (its clients must be gone first). */
  async delete(owner: string, id: string): Promise<void> {
    const row = await this.#row(owner, id);
    await this.db.deleteFrom('applications').where('id', '=', id).execute();
    this.#announce('APPLICATION_DELETE', row);
  }

  /**
   * Removes everything a deleted user owned (their clients went with them at the Key Manager). Only the
   * Key Manager's USER_UPDATED event calls this; the name can never be taken again.
   */
  async removeAllOf(owner: string): Promise<void> {
    const rows = await this.db.selectFrom('applications').selectAll().where('owner', '=', owner).execute();
    for (const row of rows) {
      await this.db.deleteFrom('applications').where('id', '=', row.id).execute();
      this.#announce('APPLICATION_DELETE', row);
    }
    if (rows.length > 0)
      this.logger.info({ owner, applications: rows.length }, "a deleted user's applications removed");
  }

  async #row(owner: string, id: string): Promise<ApplicationRow> {
    const row = await this.db
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', id)
      .where('owner', '=', owner)
      .executeTakeFirst();
    if (!row) throw new NotFound(`There is no application ${id}.`);
    return row;
  }

  async #checkPolicy(name: string): Promise<void> {
    const policy = await this.db
      .selectFrom('throttling_policies')
      .select('id')
      .where('kind', '=', 'application')
      .where('name', '=', name)
      .executeTakeFirst();
    if (!policy) {
      throw new BadRequest(`throttlingPolicy: there is no application policy named "${name}".`, [
        { code: '400', message: 'throttlingPolicy', description: `unknown application policy "${name}"` },
      ]);
    }
  }

  async #subscriptionCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('subscriptions')
      .select(['application_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('application_id', 'in', ids)
      .groupBy('application_id')
      .execute();
    return new Map(rows.map((r) => [r.application_id, Number(r.n)]));
  }

  #announce(type: string, row: ApplicationRow): void {
    notify(this.hub, this.logger, type, applicationEvent(row));
  }
}

export function beingDeleted(name: string): Conflict {
  return new Conflict(`Application ${name} is being deleted.`);
}

function duplicateName(name: string): Conflict {
  return new Conflict(`You already have an application named "${name}".`);
}

function bodyOf(input: Application): ApplicationBody {
  return {
    ...(input.description !== undefined ? { description: input.description } : {}),
    attributes: input.attributes ?? {},
  };
}

function toInfo(row: ApplicationRow, subscriptionCount: number): ApplicationInfo {
  const body = JSON.parse(row.body) as ApplicationBody;
  return {
    applicationId: row.id,
    name: row.name,
    throttlingPolicy: row.throttling_policy,
    ...(body.description !== undefined ? { description: body.description } : {}),
    status: row.status,
    groups: [],
    subscriptionCount,
    attributes: body.attributes,
    owner: row.owner,
    tokenType: row.token_type as ApplicationInfo['tokenType'],
    createdTime: String(row.created_at),
    updatedTime: String(row.updated_at),
  };
}
