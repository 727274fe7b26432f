/**
 * Deny policies: requests gateways refuse outright, by API, application, user, IP or IP range. A condition
 * names something that exists (an API's `/context/version`, an application's `owner:name`); one condition
 * per type and value. Changes are announced (DENY_POLICY_CREATE|UPDATE|DELETE) for gateways.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { Kysely } from 'kysely';
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { EventHub } from '../../events/hub.js';
import { notify } from '../../events/notify.js';
import { BadRequest, Conflict, NotFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { Tables } from '../../store/tables.js';
import { isUniqueViolation } from '../../store/constraint-violations.js';
import {
  DENY_TYPES,
  IpRangeValueSchema,
  IpValueSchema,
  type DenyPolicy,
  type DenyType,
} from './deny-policy-schemas.js';
import { invocationContext } from '../apis/api-context.js';
import { checkIp, checkIpRange, ipToBigInt } from './ip-address.js';

type DenyRow = Tables['deny_policies'];

function toPolicy(row: DenyRow): DenyPolicy {
  return {
    conditionId: row.id,
    conditionType: row.condition_type as DenyType,
    conditionValue: JSON.parse(row.condition_value) as DenyPolicy['conditionValue'],
    conditionStatus: row.enabled === 1,
  };
}

function stringValue(policy: DenyPolicy): string {
  if (typeof policy.conditionValue !== 'string') {
    throw new BadRequest(`conditionValue of a ${policy.conditionType} deny policy must be a string.`);
  }
  return policy.conditionValue.trim();
}

function objectValue<T extends TSchema>(policy: DenyPolicy, schema: T, shape: string): Static<T> {
  if (!Value.Check(schema, policy.conditionValue)) {
    throw new BadRequest(`conditionValue of a ${policy.conditionType} deny policy must be ${shape}.`);
  }
  return policy.conditionValue as Static<T>;
}

/**
 * `query` terms `conditionType:API` and `conditionValue:…` (WSO2's filter), joined by spaces or by `&` as
 * WSO2's definition and its clients write them.
 */
function filterOf(query: string | undefined): { type?: string; value?: string } {
  const filter: { type?: string; value?: string } = {};
  for (const term of query?.split(/\s*&\s*|\s+/).filter(Boolean) ?? []) {
    const colon = term.indexOf(':');
    const [field, value] = colon > 0 ? [term.slice(0, colon), term.slice(colon + 1)] : ['', term];
    if (field === 'conditionType') filter.type = value.toUpperCase();
    else if (field === 'conditionValue') filter.value = value;
    else
      throw new BadRequest(`query: use conditionType:<type> and/or conditionValue:<value>, not "${term}".`);
  }
  return filter;
}

export class DenyPolicyService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly hub: EventHub,
    private readonly logger: Logger,
  ) {}

  async list(query: string | undefined): Promise<DenyPolicy[]> {
    const filter = filterOf(query);
    let select = this.db.selectFrom('deny_policies').selectAll().orderBy('created_at').orderBy('id');
    if (filter.type) select = select.where('condition_type', '=', filter.type);
    const policies = (await select.execute()).map(toPolicy);
    return filter.value === undefined
      ? policies
      : policies.filter((p) => JSON.stringify(p.conditionValue).includes(filter.value as string));
  }

  async get(id: string): Promise<DenyPolicy> {
    return toPolicy(await this.#row(id));
  }

  async create(policy: DenyPolicy): Promise<DenyPolicy> {
    const { value, key } = await this.#canonical(policy);
    const row: DenyRow = {
      id: randomUUID(),
      condition_type: policy.conditionType,
      condition_value: JSON.stringify(value),
      condition_key: key,
      enabled: policy.conditionStatus === false ? 0 : 1,
      created_at: Date.now(),
    };
    try {
      await this.db.insertInto('deny_policies').values(row).execute();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      throw new Conflict(`A ${policy.conditionType} deny policy for ${key} already exists.`);
    }
    const created = toPolicy(row);
    this.#announce('DENY_POLICY_CREATE', created);
    return created;
  }

  /** Switches a policy on or off (PATCH …/deny-policy/{conditionId}). */
  async setStatus(id: string, enabled: boolean): Promise<DenyPolicy> {
    const row = await this.#row(id);
    await this.db
      .updateTable('deny_policies')
      .set({ enabled: enabled ? 1 : 0 })
      .where('id', '=', id)
      .execute();
    const updated = toPolicy({ ...row, enabled: enabled ? 1 : 0 });
    this.#announce('DENY_POLICY_UPDATE', updated);
    return updated;
  }

  async delete(id: string): Promise<void> {
    const policy = toPolicy(await this.#row(id));
    await this.db.deleteFrom('deny_policies').where('id', '=', id).execute();
    this.#announce('DENY_POLICY_DELETE', policy);
  }

  /** The value as stored and shown, and the key that makes one policy per thing denied. */
  async #canonical(policy: DenyPolicy): Promise<{ value: DenyPolicy['conditionValue']; key: string }> {
    const type: DenyType = policy.conditionType;
    switch (type) {
      case 'API': {
        const context = stringValue(policy);
        const apis = await this.db.selectFrom('apis').select(['context', 'version']).execute();
        if (!apis.some((api) => invocationContext(api.context, api.version) === context)) {
          throw new BadRequest(
            `conditionValue: no API has the context "${context}"; give the context with its version, e.g. /pizza/1.0.0.`,
          );
        }
        return { value: context, key: context };
      }
      case 'APPLICATION': {
        const value = stringValue(policy);
        const colon = value.indexOf(':');
        const found =
          colon > 0 &&
          (await this.db
            .selectFrom('applications')
            .select('id')
            .where('owner', '=', value.slice(0, colon))
            .where('name', '=', value.slice(colon + 1))
            .executeTakeFirst());
        if (!found) {
          throw new BadRequest(
            `conditionValue: no application "${value}"; write it as owner:applicationName.`,
          );
        }
        return { value, key: value };
      }
      case 'USER': {
        const user = stringValue(policy);
        if (!/^[A-Za-z0-9._@-]{1,64}$/.test(user)) {
          throw new BadRequest(`conditionValue: "${user}" is not a user name.`);
        }
        return { value: user, key: user };
      }
      case 'IP': {
        const ip = objectValue(policy, IpValueSchema, '{fixedIp, invert}');
        checkIp('conditionValue.fixedIp', ip.fixedIp);
        const value = { fixedIp: ip.fixedIp, invert: ip.invert ?? false };
        return { value, key: `v${net.isIP(ip.fixedIp)}:${ipToBigInt(ip.fixedIp)}${value.invert ? '!' : ''}` };
      }
      case 'IPRANGE': {
        const range = objectValue(policy, IpRangeValueSchema, '{startingIp, endingIp, invert}');
        checkIpRange(
          'conditionValue.startingIp',
          range.startingIp,
          'conditionValue.endingIp',
          range.endingIp,
        );
        const value = {
          startingIp: range.startingIp,
          endingIp: range.endingIp,
          invert: range.invert ?? false,
        };
        const family = net.isIP(range.startingIp);
        return {
          value,
          key: `v${family}:${ipToBigInt(range.startingIp)}-${ipToBigInt(range.endingIp)}${value.invert ? '!' : ''}`,
        };
      }
      default:
        throw new BadRequest(`conditionType must be one of ${DENY_TYPES.join(', ')}.`);
    }
  }

  async #row(id: string): Promise<DenyRow> {
    const row = await this.db.selectFrom('deny_policies').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound(`There is no deny policy ${id}.`);
    return row;
  }

  #announce(type: string, policy: DenyPolicy): void {
    notify(this.hub, this.logger, type, policy);
  }
}
