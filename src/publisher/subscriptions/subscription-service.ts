/**
 * Subscriptions as API providers see them: who subscribed to which API at which tier, and blocking a
 * subscription (wholly, or its production keys only) or unblocking it. Blocks are announced as
 * SUBSCRIPTIONS_UPDATE, so gateways refuse the application at once.
 */
import { sql, type Kysely } from 'kysely';
import type { EventHub } from '../../events/hub.js';
import { notify } from '../../events/notify.js';
import { subscriptionEvent } from '../../events/subscription-events.js';
import { NotFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { Tables } from '../../store/tables.js';
import type { ProviderSubscription, ProviderSubscriptionListQuery } from './subscription-schemas.js';

export class ProviderSubscriptionService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly hub: EventHub,
    private readonly logger: Logger,
  ) {}

  async list(query: ProviderSubscriptionListQuery): Promise<{ total: number; list: ProviderSubscription[] }> {
    if (query.apiId) {
      const api = await this.db
        .selectFrom('apis')
        .select('id')
        .where('id', '=', query.apiId)
        .executeTakeFirst();
      if (!api) throw new NotFound(`There is no API ${query.apiId}.`);
    }
    let select = this.db
      .selectFrom('subscriptions')
      .innerJoin('applications', 'applications.id', 'subscriptions.application_id');
    if (query.apiId) select = select.where('subscriptions.api_id', '=', query.apiId);
    const term = query.query?.trim().toLowerCase();
    if (term) {
      const pattern = `%${term.replace(/[\\%_]/g, '\\$&')}%`;
      select = select.where(
        sql<boolean>`(lower(applications.name) like ${pattern} escape '\\' or lower(applications.owner) like ${pattern} escape '\\')`,
      );
    }
    const counted = await select.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await select
      .select([
        'subscriptions.id',
        'subscriptions.throttling_policy',
        'subscriptions.status',
        'applications.id as application_id',
        'applications.name',
        'applications.owner',
        (eb) =>
          eb
            .selectFrom('subscriptions as s')
            .select((e) => e.fn.countAll<number>().as('n'))
            .whereRef('s.application_id', '=', 'applications.id')
            .as('subscription_count'),
      ])
      .orderBy('subscriptions.created_at')
      .orderBy('subscriptions.id')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
    return {
      total: Number(counted?.n ?? 0),
      list: rows.map((row) => ({
        subscriptionId: row.id,
        applicationInfo: {
          applicationId: row.application_id,
          name: row.name,
          subscriber: row.owner,
          subscriptionCount: Number(row.subscription_count ?? 0),
        },
        throttlingPolicy: row.throttling_policy,
        subscriptionStatus: row.status,
      })),
    };
  }

  /** Sets a subscription's status (BLOCKED, PROD_ONLY_BLOCKED or UNBLOCKED). */
  async setStatus(id: string, status: 'BLOCKED' | 'PROD_ONLY_BLOCKED' | 'UNBLOCKED'): Promise<void> {
    const row = await this.db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound(`There is no subscription ${id}.`);
    if (row.status === status) return;
    await this.db
      .updateTable('subscriptions')
      .set({ status, updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
    // Announced as it is now: a tier changed meanwhile must not be undone at the gateways.
    const after = await this.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (after) notify(this.hub, this.logger, 'SUBSCRIPTIONS_UPDATE', subscriptionEvent(after));
  }
}
