/**
 * What the signed-in user may do, from the scopes the Key Manager granted: the same rules as the routes'
 * guards (src/publisher/apis/api-route-guards.ts, subscription-routes.ts), so hidden means refused.
 */
import { useUser } from '../shared/portal-context';

export interface Permissions {
  create: boolean;
  /** PUT /apis/{id}, revisions, deployments, documents. */
  edit: boolean;
  publish: boolean;
  remove: boolean;
  viewSubscriptions: boolean;
  blockSubscriptions: boolean;
  viewTiers: boolean;
}

export function usePermissions(): Permissions {
  const scopes = useUser()?.scopes ?? new Set<string>();
  const has = (...any: string[]) => any.some((scope) => scopes.has(scope));
  return {
    create: has('apim:api_create'),
    edit: has('apim:api_create', 'apim:api_publish'),
    publish: has('apim:api_publish'),
    remove: has('apim:api_delete'),
    viewSubscriptions: has('apim:api_view', 'apim:subscription_view', 'apim:subscription_manage'),
    blockSubscriptions: has('apim:subscription_block', 'apim:subscription_manage'),
    viewTiers: has('apim:tier_view'),
  };
}
