/** What the serving component tells its portal at start (GET <base>/config.json). */
import type { PortalSettings } from '../../src/platform/portal-files';

export type { PortalSettings };

export async function loadSettings(): Promise<PortalSettings> {
  const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`The portal's settings did not load (HTTP ${response.status}).`);
  return (await response.json()) as PortalSettings;
}
