import { NODE_SCOPE } from '../platform/auth/node-credentials.js';

/**
 * Roles and the management-API scopes they grant (WSO2's role → scope bindings).
 * Scopes not in this table (an API's own scopes, `openid`, …) are not role-bound: anyone may request them.
 */
export const ROLES = ['admin', 'creator', 'publisher', 'subscriber'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_SCOPES: Record<string, readonly Role[]> = {
  'apim:api_view': ['admin', 'creator', 'publisher'],
  'apim:api_create': ['admin', 'creator'],
  'apim:api_publish': ['admin', 'publisher'],
  'apim:api_delete': ['admin', 'creator'],
  'apim:subscribe': ['admin', 'subscriber'],
  'apim:app_manage': ['admin', 'subscriber'],
  'apim:sub_manage': ['admin', 'subscriber'],
  'apim:subscription_view': ['admin', 'creator', 'publisher'],
  'apim:subscription_block': ['admin', 'publisher'],
  'apim:subscription_manage': ['admin', 'publisher'],
  'apim:tier_view': ['admin', 'creator', 'publisher'],
  'apim:tier_manage': ['admin'],
  'apim:admin': ['admin'],
  'apim:bl_view': ['admin'],
  'apim:bl_manage': ['admin'],
  /** Node clients (owned by an admin): application clients at the Key Manager, the internal data API. */
  [NODE_SCOPE]: ['admin'],
};

export const MANAGEMENT_SCOPES = Object.keys(ROLE_SCOPES);

/** Granted when a request asks for nothing, or for nothing it may have (as WSO2 does). */
export const DEFAULT_SCOPE = 'default';

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The scope tokens of a `scope` parameter, or undefined when it is malformed. */
export function parseScope(scope: string | undefined): string[] | undefined {
  if (scope === undefined || scope === '') return [];
  const tokens = scope.split(' ');
  if (!tokens.every((t) => SCOPE_TOKEN.test(t))) return undefined;
  return [...new Set(tokens)];
}

/** Keeps the requested scopes the roles allow; role-bound scopes need a role that binds them. */
export function grantScopes(requested: readonly string[], roles: readonly string[] | undefined): string[] {
  const granted = requested.filter((scope) => {
    const binding = ROLE_SCOPES[scope];
    return !binding || (roles !== undefined && binding.some((role) => roles.includes(role)));
  });
  return granted.length > 0 ? granted : [DEFAULT_SCOPE];
}
