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
import { isUniqueViolation } from '../../store/unique-violation.js';
import type { ApplicationService } from '../applications/application-service.js';
import { toPortalInfo, type CatalogueService, type Viewer } from '../catalogue/catalogue-service.js';
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
    try {
      await this.db.insertInto('subscriptions').values(row).execute();
    } catch (err) {
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
    return { total: Number(counted?.n ?? 0), list: await Promise.all(rows.map((r) => this.#view(owner, r))) };
  }

  async get(viewer: Viewer, id: string): Promise<Subscription> {
    const owner = callerOf(viewer);
    return this.#view(owner, await this.#row(owner, id));
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
    if (row.status !== 'UNBLOCKED') {
      throw new BadRequest(
        `The subscription is ${row.status}: only an UNBLOCKED subscription can change tier.`,
      );
    }
    checkTier(await this.#api(row.api_id), input.throttlingPolicy);
    const changes = {
      throttling_policy: input.throttlingPolicy,
      requested_throttling_policy: input.throttlingPolicy,
      updated_at: Date.now(),
    };
    await this.db.updateTable('subscriptions').set(changes).where('id', '=', id).execute();
    notify(this.hub, this.logger, 'SUBSCRIPTIONS_UPDATE', subscriptionEvent({ ...row, ...changes }));
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

  async #view(owner: string, row: SubscriptionRow): Promise<Subscription> {
    const [api, application] = await Promise.all([
      this.#api(row.api_id),
      this.applications.info(owner, row.application_id),
    ]);
    return {
      subscriptionId: row.id,
      applicationId: row.application_id,
      apiId: row.api_id,
      apiInfo: toPortalInfo(api),
      applicationInfo: application,
      throttlingPolicy: row.throttling_policy,
      ...(row.requested_throttling_policy
        ? { requestedThrottlingPolicy: row.requested_throttling_policy }
        : {}),
      status: row.status as SubscriptionStatus,
    };
  }
}
