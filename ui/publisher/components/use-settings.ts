/** GET /settings: the Developer Portal's URL and the gateway environments APIs deploy to. */
import type { PublisherSettings } from '../../../src/publisher/settings/settings-routes';
import { useApi } from '../../shared/portal-context';
import { useQuery } from '../../shared/use-query';
import { PUBLISHER } from '../rest';

export function usePublisherSettings() {
  const api = useApi();
  return useQuery(() => api<PublisherSettings>('GET', `${PUBLISHER}/settings`), [api]);
}

export type PublisherEnvironment = PublisherSettings['environment'][number];
