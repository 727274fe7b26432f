/**
 * Sign-in with the Key Manager: OAuth 2.0 authorization code with PKCE (RFC 7636, S256) as the portals'
 * public client. Tokens live in memory only (never in storage a script could read later); only the PKCE
 * verifier and state survive the redirect, in sessionStorage, and are removed on return. The access token is
 * refreshed a minute before it expires. A page load without tokens first tries a silent sign-in
 * (prompt=none): the Key Manager's single sign-on session brings the user back signed in, or answers
 * login_required and the portal shows its sign-in button. Signing out revokes both tokens (RFC 7009) and
 * ends that session.
 */
import type { TokenResponse } from '../../src/key-manager/oauth/tokens';
import type { PortalSettings } from './settings';

const PENDING_KEY = 'portcullis.signin';
/** Set once a silent sign-in found no session (or the user signed out): this tab does not try again. */
const SIGNED_OUT_KEY = 'portcullis.signed-out';
const REFRESH_EARLY_MS = 60_000;

interface Pending {
  state: string;
  verifier: string;
  returnTo: string;
}

export interface SignedIn {
  username: string;
  scopes: ReadonlySet<string>;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

function randomString(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The JWT's subject, for display only: the servers check the token, the portal just shows who is in. */
function subjectOf(accessToken: string): string {
  try {
    const payload = accessToken.split('.')[1] ?? '';
    const json = atob(payload.replaceAll('-', '+').replaceAll('_', '/'));
    return String((JSON.parse(json) as { sub?: unknown }).sub ?? '');
  } catch {
    return '';
  }
}

export class AuthError extends Error {}

export class Session {
  #accessToken: string | undefined;
  #refreshToken: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #user: SignedIn | undefined;
  readonly #listeners = new Set<() => void>();

  constructor(
    private readonly settings: PortalSettings,
    /** The scopes this portal asks for; the Key Manager grants those the user's roles allow. */
    private readonly scopes: readonly string[],
  ) {}

  get user(): SignedIn | undefined {
    return this.#user;
  }

  get accessToken(): string | undefined {
    return this.#accessToken;
  }

  get keyManagerUrl(): string {
    return this.settings.keyManagerUrl;
  }

  /** Called when the user signs in or out (React subscribes through useSyncExternalStore). */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #redirectUri(): string {
    return `${location.origin}${import.meta.env.BASE_URL}`;
  }

  /** Leaves for the Key Manager's sign-in page; comes back to returnTo. */
  async signIn(returnTo = location.pathname + location.search, prompt?: 'none'): Promise<void> {
    const pending: Pending = { state: randomString(), verifier: randomString(), returnTo };
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    sessionStorage.removeItem(SIGNED_OUT_KEY);
    const url = new URL('/oauth2/authorize', this.settings.keyManagerUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.settings.clientId,
      redirect_uri: this.#redirectUri(),
      scope: this.scopes.join(' '),
      state: pending.state,
      code_challenge: await challengeOf(pending.verifier),
      code_challenge_method: 'S256',
      ...(prompt ? { prompt } : {}),
    }).toString();
    location.assign(url.toString());
  }

  /**
   * On a page load without tokens: tries the Key Manager's session once per tab. Returns true when the page
   * is leaving for it.
   */
  async trySilentSignIn(): Promise<boolean> {
    if (this.#accessToken || sessionStorage.getItem(SIGNED_OUT_KEY)) return false;
    await this.signIn(undefined, 'none');
    return true;
  }

  /**
   * On return from the Key Manager (?code=…&state=… or ?error=…): exchanges the code and goes back to where
   * the user was. Returns false when the page was not such a return.
   */
  async completeSignIn(): Promise<boolean> {
    const params = new URLSearchParams(location.search);
    if (!params.has('code') && !params.has('error')) return false;
    const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as Pending | null;
    sessionStorage.removeItem(PENDING_KEY);
    history.replaceState(null, '', pending?.returnTo ?? import.meta.env.BASE_URL);
    if (params.get('error') === 'login_required') {
      sessionStorage.setItem(SIGNED_OUT_KEY, '1');
      return false;
    }
    if (params.has('error'))
      throw new AuthError(params.get('error_description') ?? params.get('error') ?? 'Sign-in failed.');
    if (!pending || pending.state !== params.get('state'))
      throw new AuthError('This sign-in was not started here (state mismatch). Please sign in again.');
    await this.#tokenRequest({
      grant_type: 'authorization_code',
      code: params.get('code') ?? '',
      redirect_uri: this.#redirectUri(),
      code_verifier: pending.verifier,
    });
    return true;
  }

  async #tokenRequest(form: Record<string, string>): Promise<void> {
    const response = await fetch(new URL('/oauth2/token', this.settings.keyManagerUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, client_id: this.settings.clientId }),
    });
    const body = (await response.json().catch(() => ({}))) as Partial<TokenResponse> & {
      error?: string;
      error_description?: string;
    };
    if (!response.ok || !body.access_token)
      throw new AuthError(
        body.error_description ?? body.error ?? `Sign-in failed (HTTP ${response.status}).`,
      );
    this.#accessToken = body.access_token;
    this.#refreshToken = body.refresh_token ?? this.#refreshToken;
    this.#user = {
      username: subjectOf(body.access_token),
      scopes: new Set((body.scope ?? '').split(' ').filter(Boolean)),
    };
    this.#scheduleRefresh((body.expires_in ?? 0) * 1000);
    this.#emit();
  }

  #scheduleRefresh(lifetimeMs: number): void {
    clearTimeout(this.#timer);
    if (!this.#refreshToken) return;
    this.#timer = setTimeout(() => void this.refresh(), Math.max(5_000, lifetimeMs - REFRESH_EARLY_MS));
  }

  /** A new access token from the refresh token; a failed refresh signs the user out. */
  async refresh(): Promise<boolean> {
    if (!this.#refreshToken) return false;
    try {
      await this.#tokenRequest({ grant_type: 'refresh_token', refresh_token: this.#refreshToken });
      return true;
    } catch {
      this.#clear();
      return false;
    }
  }

  /** Revokes the tokens at the Key Manager, forgets them, and ends the Key Manager's session. */
  async signOut(): Promise<void> {
    const tokens = [this.#refreshToken, this.#accessToken].filter((t): t is string => Boolean(t));
    this.#clear();
    sessionStorage.setItem(SIGNED_OUT_KEY, '1');
    await Promise.all(
      tokens.map((token) =>
        fetch(new URL('/oauth2/revoke', this.settings.keyManagerUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token, client_id: this.settings.clientId }),
        }).catch(() => undefined),
      ),
    );
    const logout = new URL('/oauth2/logout', this.settings.keyManagerUrl);
    logout.search = new URLSearchParams({
      client_id: this.settings.clientId,
      post_logout_redirect_uri: this.#redirectUri(),
    }).toString();
    location.assign(logout.toString());
  }

  #clear(): void {
    clearTimeout(this.#timer);
    this.#accessToken = undefined;
    this.#refreshToken = undefined;
    this.#user = undefined;
    this.#emit();
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}
