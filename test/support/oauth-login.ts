/**
 * Driving the Key Manager's HTML sign-in page as a browser would, with plain fetch: GET /oauth2/authorize,
 * read the hidden inputs and the CSRF cookie, POST the form, and read the 303 redirect back to the client.
 */
import type { TestNode } from './node.js';
import * as oauth from 'oauth4webapi';
import { REDIRECT_URI, type Credentials } from './oauth-helpers.js';

const UNESCAPE: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

function unescapeHtml(value: string): string {
  return value.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => UNESCAPE[entity] as string);
}

export interface LoginPage {
  status: number;
  headers: Headers;
  html: string;
  /** The hidden inputs of the form (the carried authorization request and the CSRF token). */
  hidden: Record<string, string>;
  /** `portcullis_csrf=<value>` from Set-Cookie, ready for a Cookie header. */
  cookie: string | undefined;
}

export function hiddenInputs(html: string): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    inputs[unescapeHtml(match[1] as string)] = unescapeHtml(match[2] as string);
  }
  return inputs;
}

function csrfCookie(headers: Headers): string | undefined {
  for (const cookie of headers.getSetCookie()) {
    const match = /^(portcullis_csrf=[^;]+)/.exec(cookie);
    if (match) return match[1];
  }
  return undefined;
}

async function toPage(response: Response): Promise<LoginPage> {
  const html = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    html,
    hidden: hiddenInputs(html),
    cookie: csrfCookie(response.headers),
  };
}

/** GET /oauth2/authorize; redirects are not followed (error redirects are read from Location). */
export function authorizeRequest(node: TestNode, params: Record<string, string>): Promise<Response> {
  const url = new URL('/oauth2/authorize', node.baseUrl);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return node.fetch(url, { redirect: 'manual' });
}

export async function openLoginPage(node: TestNode, params: Record<string, string>): Promise<LoginPage> {
  return toPage(await authorizeRequest(node, params));
}

/** POSTs the sign-in form of `page`; `override` changes or adds form fields, `cookie` replaces the CSRF cookie. */
export function submitLogin(
  node: TestNode,
  page: LoginPage,
  credentials: Credentials,
  options: { override?: Record<string, string>; cookie?: string | null } = {},
): Promise<Response> {
  const form = new URLSearchParams({ ...page.hidden, ...credentials, ...options.override });
  const cookie = options.cookie === undefined ? page.cookie : options.cookie;
  return node.fetch(`${node.baseUrl}/oauth2/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: form.toString(),
  });
}

export async function pageOf(response: Response): Promise<LoginPage> {
  return toPage(response);
}

/** The whole front channel: opens the page, signs in, returns the redirect URL back to the client. */
export async function signIn(
  node: TestNode,
  params: Record<string, string>,
  credentials: Credentials,
): Promise<URL> {
  const page = await openLoginPage(node, params);
  if (page.status !== 200) throw new Error(`the sign-in page answered ${page.status}: ${page.html}`);
  const response = await submitLogin(node, page, credentials);
  await response.body?.cancel();
  const location = response.headers.get('location');
  if (response.status !== 303 || !location)
    throw new Error(`sign-in answered ${response.status} without a redirect`);
  return new URL(location);
}

/** Signs in through the front channel with a fresh PKCE verifier (S256); returns the callback and verifier. */
export async function signInWithPkce(
  node: TestNode,
  clientId: string,
  credentials: Credentials,
  extra: Record<string, string> = {},
): Promise<{ callback: URL; verifier: string }> {
  const verifier = oauth.generateRandomCodeVerifier();
  const callback = await signIn(
    node,
    {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...extra,
    },
    credentials,
  );
  return { callback, verifier };
}
