/**
 * The web portals (Publisher, Developer Portal, Admin) sign users in with the authorization code flow and
 * PKCE as one public client with a well-known id. The Key Manager keeps that client's redirect URIs in step
 * with where the portals are served: this node, the configured Publisher and Developer Portal, and
 * `key_manager.portal_urls`. Scopes are granted by the user's roles, so one client serves all three portals.
 */
import type { Logger } from '../platform/logger.js';
import { PORTAL_CLIENT_ID } from '../platform/portal-files.js';
import { isUniqueViolation } from '../store/constraint-violations.js';
import type { KeyManager } from './key-manager.js';

export const PORTAL_NAMES = ['publisher', 'devportal', 'admin'] as const;
/** How long a portal sign-in lasts without the password: its refresh tokens and its single sign-on session. */
export const PORTAL_SESSION_SECONDS = 8 * 3600;

/** Each portal signs in at its own root: https://host:port/publisher/ … */
export function portalRedirectUris(baseUrls: readonly string[]): string[] {
  const bases = [...new Set(baseUrls.filter(Boolean).map((url) => url.replace(/\/+$/, '')))];
  return bases.flatMap((base) => PORTAL_NAMES.map((portal) => `${base}/${portal}/`));
}

/** The origins the portals are served from: the only ones allowed to call the Key Manager from a browser. */
export function portalOrigins(redirectUris: readonly string[]): Set<string> {
  return new Set(redirectUris.map((uri) => new URL(uri).origin));
}

export async function provisionPortalClient(
  km: KeyManager,
  redirectUris: string[],
  logger: Logger,
): Promise<void> {
  const admin = (await km.users.list()).find((u) => !u.disabled && u.roles.includes('admin'));
  if (!admin) {
    logger.warn('no active admin user: the web portals have no sign-in client');
    return;
  }
  const spec = {
    name: 'Portcullis web portals',
    owner: admin.username,
    grantTypes: ['authorization_code' as const, 'refresh_token' as const],
    redirectUris,
    tokenFormat: 'JWT' as const,
    accessTokenValidity: 900,
    refreshTokenValidity: PORTAL_SESSION_SECONDS,
    isPublic: true,
  };
  if (await km.clients.get(PORTAL_CLIENT_ID)) {
    await km.clients.update(PORTAL_CLIENT_ID, spec);
    return;
  }
  // Key Managers sharing a database start together: the one that loses the race updates instead.
  await km.clients.register(spec, PORTAL_CLIENT_ID).catch(async (err: unknown) => {
    if (!isUniqueViolation(err)) throw err;
    await km.clients.update(PORTAL_CLIENT_ID, spec);
  });
}
