/** Whether the signed-in user was granted any of the scopes (to show or hide what they may change). */
import { useUser } from '../../shared/portal-context';

export function useCan(...scopes: string[]): boolean {
  const user = useUser();
  return scopes.some((scope) => user?.scopes.has(scope));
}

/** Throttling policies: apim:admin or apim:tier_manage may change them (policy-routes.ts). */
export const TIER_MANAGE = ['apim:admin', 'apim:tier_manage'];
/** Deny policies: apim:admin or apim:bl_manage (deny-policy-routes.ts). */
export const DENY_MANAGE = ['apim:admin', 'apim:bl_manage'];
