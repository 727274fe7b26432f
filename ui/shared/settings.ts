/** What the serving component tells its portal at start (GET ./config.json): see src/platform/portal-files.ts. */
export interface PortalSettings {
  keyManagerUrl: string;
  clientId: string;
  /** The Developer Portal's URL, shown in the Publisher as WSO2 shows its APIStore URL. */
  devportalUrl?: string;
}

export async function loadSettings(): Promise<PortalSettings> {
  const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`The portal's settings did not load (HTTP ${response.status}).`);
  return (await response.json()) as PortalSettings;
}
