/**
 * Deny policies (WSO2's blocking conditions), checked before authentication for the API and the client IP,
 * and after it for the application and the user. `invert` denies everything but the value.
 */
import net from 'node:net';
import type { DenyPolicy } from '../../publisher/admin/deny-policy-schemas.js';
import { ipToBigInt } from '../../publisher/admin/ip-address.js';
import { errors } from '../gateway-errors.js';

function ipMatches(policy: DenyPolicy, clientIp: string): boolean {
  const value = policy.conditionValue as Record<string, unknown>;
  const family = net.isIP(clientIp);
  let inside: boolean;
  if (policy.conditionType === 'IP') {
    const fixed = String(value.fixedIp);
    inside = net.isIP(fixed) === family && ipToBigInt(fixed) === ipToBigInt(clientIp);
  } else {
    const start = String(value.startingIp);
    const end = String(value.endingIp);
    const ip = ipToBigInt(clientIp);
    inside = net.isIP(start) === family && ipToBigInt(start) <= ip && ip <= ipToBigInt(end);
  }
  return value.invert === true ? !inside : inside;
}

/** Before authentication: the API (by its context with version) and the client's IP. */
export function checkDeniedRequest(
  policies: readonly DenyPolicy[],
  apiContext: string,
  clientIp: string,
): void {
  for (const policy of policies) {
    if (policy.conditionStatus === false) continue;
    if (policy.conditionType === 'API' && policy.conditionValue === apiContext) {
      throw errors.denied(`to ${apiContext}`);
    }
    if (
      (policy.conditionType === 'IP' || policy.conditionType === 'IPRANGE') &&
      ipMatches(policy, clientIp)
    ) {
      throw errors.denied(`from ${clientIp}`);
    }
  }
}

/** After authentication: the application (`owner:name`) and the user. */
export function checkDeniedCaller(
  policies: readonly DenyPolicy[],
  application: string | undefined,
  username: string | undefined,
): void {
  for (const policy of policies) {
    if (policy.conditionStatus === false) continue;
    if (
      policy.conditionType === 'APPLICATION' &&
      application !== undefined &&
      policy.conditionValue === application
    ) {
      throw errors.denied(`of application ${application}`);
    }
    if (policy.conditionType === 'USER' && username !== undefined && policy.conditionValue === username) {
      throw errors.denied(`of user ${username}`);
    }
  }
}
