/**
 * Validating an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3). Until the client and its
 * redirect URI are known to be good, errors are shown to the user and never redirected (§4.1.2.1);
 * after that, errors go back to the client's redirect URI.
 */
import type { KeyManager } from '../key-manager.js';
import { CODE_CHALLENGE } from '../oauth/authorization-codes.js';
import type { Client } from '../oauth/clients.js';
import {
  InvalidRequest,
  InvalidScope,
  OAuthError,
  UnauthorizedClient,
  UnsupportedResponseType,
} from '../oauth/errors.js';
import type { FormParams } from '../oauth/form.js';
import { parseScope } from '../scopes.js';

/** An error to show on a page: the redirect URI cannot be trusted. */
export class UntrustedRequest extends Error {}

/** An error to send back to the client's redirect URI. */
export class RedirectableError extends Error {
  constructor(
    readonly error: OAuthError,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(error.message);
  }
}

export interface AuthorizationRequest {
  client: Client;
  /** Where to send the user back. */
  redirectUri: string;
  /** Whether the request named it (else the client's only registered URI is used). */
  redirectUriGiven: boolean;
  scope: string[];
  state: string | undefined;
  codeChallenge: string | undefined;
  /** OpenID Connect's prompt: `none` (answer without showing a page) or `login` (ask again). */
  prompt: 'none' | 'login' | undefined;
  /** The parameters to carry through the login form. */
  carried: Record<string, string>;
}

const CARRIED = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
];

export async function validateAuthorizationRequest(
  km: KeyManager,
  params: FormParams,
): Promise<AuthorizationRequest> {
  if (!params.client_id) throw new UntrustedRequest('The request has no client_id.');
  const client = await km.clients.get(params.client_id);
  if (!client) throw new UntrustedRequest('The application that sent you here is not registered.');
  let redirectUri = params.redirect_uri;
  if (redirectUri === undefined) {
    if (client.redirectUris.length !== 1) throw new UntrustedRequest('The request has no redirect_uri.');
    redirectUri = client.redirectUris[0] as string;
  } else if (!client.redirectUris.includes(redirectUri)) {
    throw new UntrustedRequest('The redirect_uri is not registered for this application.');
  }
  const state = params.state;
  const fail = (error: OAuthError) => new RedirectableError(error, redirectUri, state);

  if (!params.response_type) throw fail(new InvalidRequest('response_type is required'));
  if (params.response_type !== 'code') {
    throw fail(new UnsupportedResponseType('only response_type=code is supported'));
  }
  if (!client.grantTypes.includes('authorization_code')) {
    throw fail(new UnauthorizedClient('this client is not allowed the authorization_code grant'));
  }
  const scope = parseScope(params.scope);
  if (!scope) throw fail(new InvalidScope('scope is malformed (RFC 6749 section 3.3)'));
  const method = params.code_challenge_method;
  if (params.code_challenge === undefined) {
    if (client.isPublic)
      throw fail(new InvalidRequest('a public client must use PKCE: code_challenge is required'));
    if (method !== undefined) throw fail(new InvalidRequest('code_challenge_method without code_challenge'));
  } else {
    if (method !== 'S256') {
      throw fail(new InvalidRequest('code_challenge_method must be S256 (plain is not accepted)'));
    }
    if (!CODE_CHALLENGE.test(params.code_challenge)) {
      throw fail(new InvalidRequest('code_challenge must be the 43-character BASE64URL of a SHA-256 hash'));
    }
  }
  const prompt = params.prompt;
  if (prompt !== undefined && prompt !== 'none' && prompt !== 'login')
    throw fail(new InvalidRequest('prompt must be none or login'));
  const carried: Record<string, string> = {};
  for (const name of CARRIED) {
    const value = params[name];
    if (value !== undefined) carried[name] = value;
  }
  return {
    client,
    redirectUri,
    redirectUriGiven: params.redirect_uri !== undefined,
    scope,
    state,
    codeChallenge: params.code_challenge,
    prompt,
    carried,
  };
}

/** The redirect back to the client, with RFC 9207's `iss` so the client can tell which server answered. */
export function redirectTo(
  redirectUri: string,
  issuer: string,
  values: Record<string, string | undefined>,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(values))
    if (value !== undefined) url.searchParams.set(name, value);
  url.searchParams.set('iss', issuer);
  return url.toString();
}
