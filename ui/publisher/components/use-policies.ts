/** The throttling policies an API may name: subscription tiers (business plans) and advanced (operation) tiers. */
import type { PolicyList } from '../../../src/publisher/admin/policy-schemas';
import { useApi } from '../../shared/portal-context';
import { useQuery, type Query } from '../../shared/use-query';
import { usePermissions } from '../permissions';
import { ADMIN } from '../rest';

function usePolicyNames(kind: 'subscription' | 'advanced'): Query<string[]> {
  const api = useApi();
  const { viewTiers } = usePermissions();
  return useQuery(async () => {
    if (!viewTiers) return [];
    const { list } = await api<PolicyList<typeof kind>>('GET', `${ADMIN}/throttling/policies/${kind}`);
    return list.map((policy) => policy.policyName);
  }, [api, kind, viewTiers]);
}

export const useSubscriptionTiers = () => usePolicyNames('subscription');
export const useAdvancedTiers = () => usePolicyNames('advanced');

/** The names to offer: those listed, plus any the API already names (kept visible even if not listed). */
export function optionsOf(listed: string[] | undefined, chosen: readonly (string | undefined)[]): string[] {
  return [...new Set([...(listed ?? []), ...chosen.filter((name): name is string => Boolean(name))])];
}
