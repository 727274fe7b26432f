/** The application or subscription throttling policies, for Selects. */
import { useApi } from '../../shared/portal-context';
import { useQuery, type Query } from '../../shared/use-query';
import { DEVPORTAL } from './paths';
import type { Page, PortalPolicy } from './wire';

export function usePolicies(level: 'application' | 'subscription'): Query<PortalPolicy[]> {
  const api = useApi();
  return useQuery(
    async () =>
      (
        await api<Page<PortalPolicy>>('GET', `${DEVPORTAL}/throttling-policies/${level}`, {
          query: { limit: 1000 },
        })
      ).list,
    [api, level],
  );
}
