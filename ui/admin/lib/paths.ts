/** The Admin REST API's paths (WSO2 admin v4; see src/publisher/admin/*-routes.ts). */
import type { PolicyKind } from '../../../src/publisher/admin/policy-schemas';

const ADMIN = '/api/am/admin/v4';

export function policyPath(kind: PolicyKind, policyId?: string): string {
  const base = `${ADMIN}/throttling/policies/${kind}`;
  return policyId === undefined ? base : `${base}/${encodeURIComponent(policyId)}`;
}

export const DENY_POLICIES = `${ADMIN}/throttling/deny-policies`;

export function denyPolicyPath(conditionId: string): string {
  return `${ADMIN}/throttling/deny-policy/${encodeURIComponent(conditionId)}`;
}

export function environmentPath(environmentId?: string): string {
  const base = `${ADMIN}/environments`;
  return environmentId === undefined ? base : `${base}/${encodeURIComponent(environmentId)}`;
}
