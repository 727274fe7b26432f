/**
 * Subscriptions: an application's right to call an API at one of its tiers. A subscriber subscribes their own
 * applications to APIs they can see in the catalogue; the tier must be one the API offers, and only
 * Published APIs take new subscriptions. Changes are announced (SUBSCRIPTIONS_CREATE|UPDATE|DELETE).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventHub } from '../../events/hub.js';
import { notify } from '../../events/notify.js';
import { subscriptionEvent } from '../../events/subscription-events.js';
import { callerOf } from '../../platform/auth/bearer.js';
import { BadRequest, Conflict, NotFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { Api } from '../../publisher/apis/api-schemas.js';
import { toApi } from '../../publisher/apis/api-service.js';
import type { Tables } from '../../store/tables.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../store/constraint-violations.js';
import {
  beingDeleted,
  DELETE_PENDING,
  type ApplicationService,
} from '../applications/application-service.js';
import { toPortalInfo, type CatalogueService, type Viewer } from '../catalogue/catalogue-service.js';
import type { ApplicationInfo } from '../applications/application-schemas.js';
import type { Subscription, SubscriptionListQuery, SubscriptionStatus } from './subscription-schemas.js';

type SubscriptionRow = Tables['subscriptions'];

function checkTier(api: Api, tier: string): void {
  const tiers = api.policies ?? [];
  if (!tiers.includes(tier)) {
    throw new BadRequest(
      `throttlingPolicy: "${tier}" is not a tier of ${api.name} ${api.version}; choose one of ${tiers.join(', ') || '(none offered)'}.`,
      [{ code: '400', message: 'throttlingPolicy', description: `not one of ${tiers.join(', ')}` }],
    );
  }
}

export class SubscriptionService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly applications: ApplicationService,
    private readonly catalogue: CatalogueService,
    private readonly hub: EventHub,
    private readonly logger: Logger,
  ) {}

  async create(viewer: Viewer, input: Subscription): Promise<Subscription> {
    const owner = callerOf(viewer);
    const application = await this.applications.get(owner, input.applicationId);
    const api = await this.catalogue.api(viewer, input.apiId);
    if (api.lifeCycleStatus !== 'PUBLISHED') {
      throw new BadRequest(
        `API ${api.name} ${api.version} is ${api.lifeCycleStatus}: only PUBLISHED APIs take new subscriptions.`,
      );
    }
    checkTier(api, input.throttlingPolicy);
    const now = Date.now();
    const row: SubscriptionRow = {
      id: randomUUID(),
      application_id: application.applicationId as string,
      api_id: api.id as string,
      throttling_policy: input.throttlingPolicy,
      requested_throttling_policy: input.throttlingPolicy,
      status: 'UNBLOCKED',
      created_at: now,
      updated_at: now,
    };
    if (application.status === DELETE_PENDING) throw beingDeleted(application.name);
    try {
      await this.db.insertInto('subscriptions').values(row).execute();
    } catch (err) {
      // The application or the API was deleted meanwhile.
      if (isForeignKeyViolation(err)) throw new NotFound('The application or the API no longer exists.');
      if (!isUniqueViolation(err)) throw err;
      throw new Conflict(
        `Application ${application.name} is already subscribed to ${api.name} ${api.version}.`,
      );
    }
    notify(this.hub, this.logger, 'SUBSCRIPTIONS_CREATE', subscriptionEvent(row));
    return this.get(viewer, row.id);
  }

  async list(viewer: Viewer, query: SubscriptionListQuery): Promise<{ total: number; list: Subscription[] }> {
    const owner = callerOf(viewer);
    // An application named must be the caller's: someone else's is "not found", not an empty list.
    if (query.applicationId) await this.applications.get(owner, query.applicationId);
    let select = this.db
      .selectFrom('subscriptions')
      .innerJoin('applications', 'applications.id', 'subscriptions.application_id')
      .where('applications.owner', '=', owner);
    if (query.applicationId) select = select.where('subscriptions.application_id', '=', query.applicationId);
    if (query.apiId) select = select.where('subscriptions.api_id', '=', query.apiId);
    const counted = await select.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await select
      .selectAll('subscriptions')
      .orderBy('subscriptions.created_at')
      .orderBy('subscriptions.id')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
    return { total: Number(counted?.n ?? 0), list: await this.#views(owner, rows) };
  }

  async get(viewer: Viewer, id: string): Promise<Subscription> {
    const owner = callerOf(viewer);
    const [view] = await this.#views(owner, [await this.#row(owner, id)]);
    return view as Subscription;
  }

  /** Changes the tier; a blocked subscription stays as the publisher left it. */
  async update(viewer: Viewer, id: string, input: Subscription): Promise<Subscription> {
    const owner = callerOf(viewer);
    const row = await this.#row(owner, id);
    if (input.applicationId !== row.application_id || input.apiId !== row.api_id) {
      throw new BadRequest(
        'applicationId and apiId of a subscription cannot change: subscribe anew instead.',
      );
    }
    const notUnblocked = (status: string) =>
      new BadRequest(`The subscription is ${status}: only an UNBLOCKED subscription can change tier.`);
    if (row.status !== 'UNBLOCKED') throw notUnblocked(row.status);
    checkTier(await this.#api(row.api_id), input.throttlingPolicy);
    const changes = {
      throttling_policy: input.throttlingPolicy,
      requested_throttling_policy: input.throttlingPolicy,
      updated_at: Date.now(),
    };
    // Only while it is still unblocked: a block that came meanwhile stands, and the event says it as it is.
    const updated = await this.db
      .updateTable('subscriptions')
      .set(changes)
      .where('id', '=', id)
      .where('status', '=', 'UNBLOCKED')
      .executeTakeFirst();
    const after = await this.#row(owner, id);
    if (Number(updated.numUpdatedRows) === 0) throw notUnblocked(after.status);
    notify(this.hub, this.logger, 'SUBSCRIPTIONS_UPDATE', subscriptionEvent(after));
    return this.get(viewer, id);
  }

  async delete(viewer: Viewer, id: string): Promise<void> {
    const row = await this.#row(callerOf(viewer), id);
    await this.db.deleteFrom('subscriptions').where('id', '=', id).execute();
    notify(this.hub, this.logger, 'SUBSCRIPTIONS_DELETE', subscriptionEvent(row));
  }

  async #row(owner: string, id: string): Promise<SubscriptionRow> {
    const row = await this.db
      .selectFrom('subscriptions')
      .innerJoin('applications', 'applications.id', 'subscriptions.application_id')
      .selectAll('subscriptions')
      .where('subscriptions.id', '=', id)
      .where('applications.owner', '=', owner)
      .executeTakeFirst();
    if (!row) throw new NotFound(`There is no subscription ${id}.`);
    return row;
  }

  async #api(id: string): Promise<Api> {
    const row = await this.db.selectFrom('apis').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return toApi(row);
  }

  /** Subscriptions with their API and application, in a fixed number of queries. */
  async #views(owner: string, rows: SubscriptionRow[]): Promise<Subscription[]> {
    if (rows.length === 0) return [];
    const apiIds = [...new Set(rows.map((r) => r.api_id))];
    const [apiRows, applications] = await Promise.all([
      this.db.selectFrom('apis').selectAll().where('id', 'in', apiIds).execute(),
      this.applications.infos(
        owner,
        rows.map((r) => r.application_id),
      ),
    ]);
    const apis = new Map(apiRows.map((row) => [row.id, toApi(row)]));
    return rows.map((row) => ({
      subscriptionId: row.id,
      applicationId: row.application_id,
      apiId: row.api_id,
      apiInfo: toPortalInfo(apis.get(row.api_id) as Api),
      applicationInfo: applications.get(row.application_id) as ApplicationInfo,
      throttlingPolicy: row.throttling_policy,
      ...(row.requested_throttling_policy
        ? { requestedThrottlingPolicy: row.requested_throttling_policy }
        : {}),
      status: row.status as SubscriptionStatus,
    }));
  }
}
