/**
 * Deny policies (WSO2's blocking conditions), checked before authentication for the API and the client IP,
 * and after it for the application and the user. `invert` denies everything but the value. Compiled once
 * per change of the policies (sets of values, IP ranges as numbers), not per request.
 */
import net from 'node:net';
import type { DenyPolicy } from '../../publisher/admin/deny-policy-schemas.js';
import { ipToBigInt } from '../../publisher/admin/ip-address.js';
import { errors } from '../gateway-errors.js';

interface IpRule {
  family: number;
  start: bigint;
  end: bigint;
  invert: boolean;
}

export interface DenyRules {
  apis: ReadonlySet<string>;
  applications: ReadonlySet<string>;
  users: ReadonlySet<string>;
  ips: readonly IpRule[];
}

/** The enabled policies, ready to check requests against. */
export function compileDenyPolicies(policies: readonly DenyPolicy[]): DenyRules {
  const rules = {
    apis: new Set<string>(),
    applications: new Set<string>(),
    users: new Set<string>(),
    ips: [] as IpRule[],
  };
  for (const policy of policies) {
    if (policy.conditionStatus === false) continue;
    const value = policy.conditionValue;
    if (typeof value === 'string') {
      if (policy.conditionType === 'API') rules.apis.add(value);
      else if (policy.conditionType === 'APPLICATION') rules.applications.add(value);
      else if (policy.conditionType === 'USER') rules.users.add(value);
      continue;
    }
    const [start, end] =
      policy.conditionType === 'IP'
        ? [String(value.fixedIp), String(value.fixedIp)]
        : [String(value.startingIp), String(value.endingIp)];
    rules.ips.push({
      family: net.isIP(start),
      start: ipToBigInt(start),
      end: ipToBigInt(end),
      invert: value.invert === true,
    });
  }
  return rules;
}

/** Before authentication: the API (by its context with version) and the client's IP. */
export function checkDeniedRequest(rules: DenyRules, apiContext: string, clientIp: string): void {
  if (rules.apis.has(apiContext)) throw errors.denied(`to ${apiContext}`);
  if (rules.ips.length === 0) return;
  const family = net.isIP(clientIp);
  const ip = ipToBigInt(clientIp);
  for (const rule of rules.ips) {
    const inside = rule.family === family && rule.start <= ip && ip <= rule.end;
    if (inside !== rule.invert) throw errors.denied(`from ${clientIp}`);
  }
}

/**
 * After authentication: the application (policies name it `owner:name`) and the user. The name is put
 * together only when some policy names an application: not on every call.
 */
export function checkDeniedCaller(
  rules: DenyRules,
  application: { owner: string; name: string } | undefined,
  username: string | undefined,
): void {
  if (application !== undefined && rules.applications.size > 0) {
    const named = `${application.owner}:${application.name}`;
    if (rules.applications.has(named)) throw errors.denied(`of application ${named}`);
  }
  if (username !== undefined && rules.users.has(username)) throw errors.denied(`of user ${username}`);
}
