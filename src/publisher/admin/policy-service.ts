/**
 * Throttling policies of the three kinds: stored as their Admin-API JSON, validated beyond the schema
 * (unique names, IP addresses, burst settings), announced on `notification` for gateways and traffic managers.
 */
import { randomUUID } from 'node:crypto';
import { checkIp, checkIpRange } from './ip-address.js';
import type { Kysely } from 'kysely';
import type { EventHub } from '../../events/hub.js';
import { notify } from '../../events/notify.js';
import { BadRequest, Conflict, NotFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { Tables } from '../../store/tables.js';
import { isUniqueViolation } from '../../store/constraint-violations.js';
import { POLICY_KINDS, type AdvancedPolicy, type Policy, type PolicyKind } from './policy-schemas.js';

/** WSO2's policyType in policy events. */
const EVENT_POLICY_TYPE: Record<PolicyKind, string> = {
  application: 'APPLICATION',
  subscription: 'SUBSCRIPTION',
  advanced: 'API',
};

/** Policies every deployment relies on (the defaults of an API, an application, anonymous calls). */
const PROTECTED: Record<PolicyKind, string[]> = {
  application: ['Unlimited'],
  subscription: ['Unlimited', 'Unauthenticated'],
  advanced: ['Unlimited'],
};

/** What the schema cannot say. */
function checkPolicy(policy: Policy): void {
  const burst = 'burstLimit' in policy ? policy.burstLimit : 'rateLimitCount' in policy ? policy : undefined;
  if (burst?.rateLimitCount && !burst.rateLimitTimeUnit) {
    throw new BadRequest('rateLimitTimeUnit is required when rateLimitCount (burst control) is set.');
  }
  for (const [g, group] of ((policy as AdvancedPolicy).conditionalGroups ?? []).entries()) {
    for (const [c, condition] of group.conditions.entries()) {
      if (condition.type !== 'IPCONDITION') continue;
      const at = `conditionalGroups[${g}].conditions[${c}].ipCondition`;
      const ip = condition.ipCondition;
      if (ip.ipConditionType === 'IPSPECIFIC') checkIp(`${at}.specificIP`, ip.specificIP);
      else checkIpRange(`${at}.startingIP`, ip.startingIP, `${at}.endingIP`, ip.endingIP);
    }
  }
}

export class PolicyService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly hub: EventHub,
    private readonly logger: Logger,
  ) {}

  async list(kind: PolicyKind): Promise<Policy[]> {
    const rows = await this.db
      .selectFrom('throttling_policies')
      .selectAll()
      .where('kind', '=', kind)
      .orderBy('name')
      .execute();
    return rows.map((row) => this.#toPolicy(kind, row));
  }

  /** The names of the policies of a kind, to check references to them. */
  async names(kind: PolicyKind): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('throttling_policies')
      .select('name')
      .where('kind', '=', kind)
      .execute();
    return new Set(rows.map((r) => r.name));
  }

  async get(kind: PolicyKind, id: string): Promise<Policy> {
    const row = await this.db
      .selectFrom('throttling_policies')
      .selectAll()
      .where('kind', '=', kind)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFound(`No ${kind} throttling policy with id ${id}.`);
    return this.#toPolicy(kind, row);
  }

  async create(kind: PolicyKind, policy: Policy): Promise<Policy> {
    checkPolicy(policy);
    await this.#checkNameFree(kind, policy.policyName);
    const id = randomUUID();
    const now = Date.now();
    await this.db
      .insertInto('throttling_policies')
      .values({
        id,
        kind,
        name: policy.policyName,
        body: this.#body(policy),
        created_at: now,
        updated_at: now,
      })
      .execute()
      .catch((err: unknown) => {
        if (isUniqueViolation(err))
          throw new Conflict(`A ${kind} policy named "${policy.policyName}" already exists.`);
        throw err;
      });
    const created = await this.get(kind, id);
    this.#announce('POLICY_CREATE', kind, created);
    return created;
  }

  async update(kind: PolicyKind, id: string, policy: Policy): Promise<Policy> {
    const before = await this.get(kind, id);
    if (policy.policyName !== before.policyName) {
      throw new BadRequest(
        `policyName cannot change (it is "${before.policyName}"): it is how APIs and subscriptions refer to it.`,
      );
    }
    checkPolicy(policy);
    await this.db
      .updateTable('throttling_policies')
      .set({ body: this.#body(policy), updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
    const updated = await this.get(kind, id);
    this.#announce('POLICY_UPDATE', kind, updated);
    return updated;
  }

  async delete(kind: PolicyKind, id: string): Promise<void> {
    const policy = await this.get(kind, id);
    if (PROTECTED[kind].includes(policy.policyName)) {
      throw new Conflict(
        `The ${kind} policy "${policy.policyName}" is a default policy and cannot be deleted.`,
      );
    }
    const users = await this.#usersOf(kind, policy.policyName);
    if (users.length > 0) {
      throw new Conflict(
        `The ${kind} policy "${policy.policyName}" is used by ${users.slice(0, 10).join(', ')}${users.length > 10 ? ` and ${users.length - 10} more` : ''}: change them first.`,
      );
    }
    await this.db.deleteFrom('throttling_policies').where('id', '=', id).execute();
    this.#announce('POLICY_DELETE', kind, policy);
  }

  /** Adds the given policies that do not exist yet (the defaults on first start). */
  async seed(kind: PolicyKind, policies: Policy[]): Promise<void> {
    for (const policy of policies) {
      const exists = await this.db
        .selectFrom('throttling_policies')
        .select('id')
        .where('kind', '=', kind)
        .where('name', '=', policy.policyName)
        .executeTakeFirst();
      if (exists) continue;
      const now = Date.now();
      await this.db
        .insertInto('throttling_policies')
        .values({
          id: randomUUID(),
          kind,
          name: policy.policyName,
          body: this.#body(policy),
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['kind', 'name']).doNothing())
        .execute();
    }
  }

  /**
   * Who refers to a policy: applications (application policies); APIs offering it as a tier and subscriptions
   * at it (subscription policies); APIs and operations (advanced policies).
   */
  async #usersOf(kind: PolicyKind, name: string): Promise<string[]> {
    if (kind === 'application') {
      const applications = await this.db
        .selectFrom('applications')
        .select(['owner', 'name'])
        .where('throttling_policy', '=', name)
        .execute();
      return applications.map((a) => `application ${a.owner}/${a.name}`);
    }
    const subscribers =
      kind === 'subscription'
        ? await this.db
            .selectFrom('subscriptions')
            .innerJoin('applications', 'applications.id', 'subscriptions.application_id')
            .select(['applications.owner', 'applications.name'])
            .where('subscriptions.throttling_policy', '=', name)
            .orderBy('applications.owner')
            .orderBy('applications.name')
            .execute()
        : [];
    const rows = await this.db.selectFrom('apis').select(['name', 'version', 'body']).execute();
    return rows
      .filter((row) => {
        const api = JSON.parse(row.body) as {
          policies?: string[];
          apiThrottlingPolicy?: string;
          operations?: { throttlingPolicy?: string }[];
        };
        return kind === 'subscription'
          ? (api.policies ?? []).includes(name)
          : api.apiThrottlingPolicy === name ||
              (api.operations ?? []).some((o) => o.throttlingPolicy === name);
      })
      .map((row) => `${row.name} ${row.version}`)
      .concat(subscribers.map((a) => `the subscription of application ${a.owner}/${a.name}`));
  }

  async #checkNameFree(kind: PolicyKind, name: string): Promise<void> {
    const clash = await this.db
      .selectFrom('throttling_policies')
      .select('id')
      .where('kind', '=', kind)
      .where('name', '=', name)
      .executeTakeFirst();
    if (clash) throw new Conflict(`A ${kind} policy named "${name}" already exists.`);
  }

  #body(policy: Policy): string {
    const { policyId: _id, isDeployed: _deployed, type: _type, ...rest } = policy;
    return JSON.stringify(rest);
  }

  #toPolicy(kind: PolicyKind, row: Tables['throttling_policies']): Policy {
    return {
      policyId: row.id,
      ...(JSON.parse(row.body) as Policy),
      isDeployed: true,
      type: POLICY_KINDS[kind].type,
    } as Policy;
  }

  #announce(type: string, kind: PolicyKind, policy: Policy): void {
    const payload = {
      policyId: policy.policyId,
      policyName: policy.policyName,
      policyType: EVENT_POLICY_TYPE[kind],
    };
    notify(this.hub, this.logger, type, payload);
  }
}
