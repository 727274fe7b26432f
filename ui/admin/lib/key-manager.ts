/**
 * Where the Key Manager's users API is. In a distributed deployment the Key Manager is another origin than
 * the Publisher serving this portal, so its calls take a full URL (createApi keeps an absolute URL as is).
 */
import type { PortalSettings } from '../../shared/settings';

const USERS = '/keymanager/v1/users';

export function usersUrl(settings: PortalSettings, username?: string): string {
  const path = username === undefined ? USERS : `${USERS}/${encodeURIComponent(username)}`;
  return new URL(path, settings.keyManagerUrl).toString();
}
