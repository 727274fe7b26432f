/** Checks of a client's grant types and redirect URI, shared by dynamic registration and the clients API. */
import { BadRequest } from '../../platform/errors.js';
import { GRANT_TYPES, type GrantType } from './clients.js';

/** The requested grant types, without repeats; unknown ones are a 400 naming `field`. */
export function checkGrantTypes(requested: readonly string[], field: string): GrantType[] {
  const unique = [...new Set(requested)];
  const unknown = unique.filter((g) => !(GRANT_TYPES as readonly string[]).includes(g));
  if (unknown.length > 0) {
    throw new BadRequest(
      `${field} has unsupported grant types ${unknown.join(', ')}; supported: ${GRANT_TYPES.join(' ')}.`,
    );
  }
  return unique as GrantType[];
}

/** Redirect URIs must be absolute, without fragment (RFC 6749 §3.1.2); plain http only for loopback. */
export function parseCallback(value: string | undefined, grants: readonly GrantType[]): string[] {
  if (value === undefined || value === '') {
    if (grants.includes('authorization_code'))
      throw new BadRequest('callbackUrl is required for authorization_code.');
    return [];
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadRequest('callbackUrl must be an absolute URL.');
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (
    url.hash ||
    url.username ||
    url.password ||
    !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))
  ) {
    throw new BadRequest(
      'callbackUrl must be https (http only for localhost), without credentials or fragment.',
    );
  }
  return [value];
}
