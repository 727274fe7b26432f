/**
 * Single sign-on across the web portals: after a sign-in on the Key Manager's page for the portals' client,
 * the browser keeps a session cookie (HttpOnly, Path=/oauth2) so that reloading a portal, or opening
 * another one, signs the user in again without the password (OpenID Connect's prompt=none and plain
 * authorization requests). The cookie is a JWT signed with the Key Manager's signing keys, so every Key
 * Manager sharing the database accepts it; it stops working when it expires, when the user signs out
 * (/oauth2/logout clears it), and as soon as the user is changed in any way (password, roles, disabled,
 * deleted) after it was issued.
 */
import { SignJWT, errors as joseErrors, jwtVerify, decodeProtectedHeader } from 'jose';
import { NotFound } from '../platform/errors.js';
import type { SigningKeys } from './oauth/signing-keys.js';
import type { Role } from './scopes.js';
import type { UserService } from './users/user-service.js';

export const SSO_COOKIE = 'portcullis_sso';
export const SSO_COOKIE_PATH = '/oauth2';
const SSO_TYPE = 'sso+jwt';

export class SsoSessions {
  constructor(
    private readonly keys: SigningKeys,
    private readonly users: UserService,
    /** Who issued the session: the Key Manager's issuer, with a suffix so no token is ever taken for one. */
    private readonly audience: string,
    readonly lifetimeSeconds: number,
  ) {}

  async issue(username: string): Promise<string> {
    const key = await this.keys.current();
    // `iat` has whole seconds; a change made in the same second as the sign-in must not end the session.
    return new SignJWT({ since: Date.now() })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: SSO_TYPE })
      .setSubject(username)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.lifetimeSeconds}s`)
      .sign(key.privateKey);
  }

  /** The signed-in user of a session cookie and their roles, or undefined when it is not (or no longer) good. */
  async verify(cookieValue: string | undefined): Promise<{ username: string; roles: Role[] } | undefined> {
    if (!cookieValue) return undefined;
    try {
      const { kid } = decodeProtectedHeader(cookieValue);
      const key = kid ? await this.keys.byKid(kid) : undefined;
      if (!key) return undefined;
      const { payload } = await jwtVerify(cookieValue, key.publicKey, {
        audience: this.audience,
        typ: SSO_TYPE,
        algorithms: [key.alg],
        requiredClaims: ['sub', 'exp', 'since'],
      });
      const user = await this.users.get(payload.sub as string).catch((err: unknown) => {
        if (err instanceof NotFound) return undefined;
        throw err;
      });
      // A disabled user, or any change to the user (password, roles) after the session began, ends it.
      const unchanged =
        typeof payload.since === 'number' && (user?.lastUpdatedTime ?? Infinity) <= payload.since;
      return user && !user.disabled && unchanged ? { username: user.username, roles: user.roles } : undefined;
    } catch (err) {
      if (err instanceof joseErrors.JOSEError || err instanceof TypeError) return undefined;
      throw err;
    }
  }
}
