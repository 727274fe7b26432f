/**
 * GET /oauth2/authorize shows the login page; POST checks the credentials and redirects back with a code.
 * The form carries a CSRF token that must match a SameSite=Strict cookie (double submit), so that another
 * site cannot log a user in with its own account.
 * The web portals' client alone gets single sign-on (see sso-sessions.ts): a signed-in browser is sent back
 * with a code at once, and prompt=none answers login_required instead of showing the page. Other clients
 * always show the page, so no third-party application gets a user's code without the user seeing it.
 * GET /oauth2/logout ends the browser's session and returns to a portal.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TooManyRequests } from '../../platform/errors.js';
import type { App } from '../../platform/http-server.js';
import type { KeyManager } from '../key-manager.js';
import { formParams, postedForm } from '../oauth/form.js';
import { grantScopes } from '../scopes.js';
import {
  RedirectableError,
  UntrustedRequest,
  redirectTo,
  validateAuthorizationRequest,
  type AuthorizationRequest,
} from './authorize-request.js';
import { errorPage, loginPage, signedOutPage } from './login-page.js';
import { PORTAL_CLIENT_ID } from '../../platform/portal-files.js';
import { LoginRequired } from '../oauth/errors.js';
import { SSO_COOKIE, SSO_COOKIE_PATH, type SsoSessions } from '../sso-sessions.js';

const CSRF_COOKIE = 'portcullis_csrf';

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

function cookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie ?? '';
  const match = new RegExp(`(?:^|;\\s*)${name}=([A-Za-z0-9_.-]+)`).exec(header);
  return match?.[1];
}

function secureFlag(request: FastifyRequest): string {
  return request.protocol === 'https' ? '; Secure' : '';
}

function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function showLogin(
  request: FastifyRequest,
  reply: FastifyReply,
  authz: AuthorizationRequest,
  status: number,
  extra: { error?: string; username?: string } = {},
) {
  const csrf = randomBytes(24).toString('base64url');
  const secure = secureFlag(request);
  return reply
    .code(status)
    .headers(PAGE_HEADERS)
    .header(
      'set-cookie',
      `${CSRF_COOKIE}=${csrf}; Path=/oauth2/authorize; HttpOnly; SameSite=Strict${secure}`,
    )
    .send(
      loginPage({
        clientName: authz.client.name,
        clientOwner: authz.client.owner,
        scopes: authz.scope,
        hidden: { ...authz.carried, csrf },
        ...extra,
      }),
    );
}

async function handleErrors(reply: FastifyReply, km: KeyManager, run: () => Promise<unknown>) {
  try {
    return await run();
  } catch (err) {
    if (err instanceof UntrustedRequest)
      return reply.code(400).headers(PAGE_HEADERS).send(errorPage(err.message));
    if (err instanceof RedirectableError) {
      const { error, error_description } = err.error.toBody();
      return reply.redirect(
        redirectTo(err.redirectUri, km.issuer, { error, error_description, state: err.state }),
        303,
      );
    }
    throw err;
  }
}

async function redirectWithCode(
  reply: FastifyReply,
  km: KeyManager,
  authz: AuthorizationRequest,
  user: { username: string; roles: string[] },
) {
  const code = await km.codes.create({
    clientId: authz.client.clientId,
    username: user.username,
    redirectUri: authz.redirectUriGiven ? authz.redirectUri : undefined,
    scope: grantScopes(authz.scope, user.roles),
    codeChallenge: authz.codeChallenge,
    codeChallengeMethod: authz.codeChallenge ? 'S256' : undefined,
  });
  return reply.redirect(redirectTo(authz.redirectUri, km.issuer, { code, state: authz.state }), 303);
}

export function registerAuthorizeRoutes(app: App, km: KeyManager, sso: SsoSessions): void {
  const ssoCookie = (request: FastifyRequest, value: string, maxAge: number) =>
    `${SSO_COOKIE}=${value}; Path=${SSO_COOKIE_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secureFlag(request)}`;

  app.get('/oauth2/authorize', (request, reply) =>
    handleErrors(reply, km, async () => {
      const authz = await validateAuthorizationRequest(km, formParams(request.query));
      if (authz.client.clientId === PORTAL_CLIENT_ID && authz.prompt !== 'login') {
        const user = await sso.verify(cookie(request, SSO_COOKIE));
        if (user) return redirectWithCode(reply, km, authz, user);
      }
      if (authz.prompt === 'none')
        throw new RedirectableError(
          new LoginRequired('the user is not signed in'),
          authz.redirectUri,
          authz.state,
        );
      return showLogin(request, reply, authz, 200);
    }),
  );

  app.get('/oauth2/logout', (request, reply) =>
    handleErrors(reply, km, async () => {
      const params = formParams(request.query);
      reply.header('set-cookie', ssoCookie(request, '', 0));
      const client = params.client_id ? await km.clients.get(params.client_id) : undefined;
      const target = params.post_logout_redirect_uri;
      if (client && target && client.redirectUris.includes(target)) return reply.redirect(target, 303);
      return reply.code(200).headers(PAGE_HEADERS).send(signedOutPage());
    }),
  );

  app.post('/oauth2/authorize', (request, reply) =>
    handleErrors(reply, km, async () => {
      const params = postedForm(request);
      const authz = await validateAuthorizationRequest(km, params);
      if (!sameToken(params.csrf, cookie(request, CSRF_COOKIE))) {
        return showLogin(request, reply, authz, 403, {
          error: 'Your session expired. Please sign in again.',
        });
      }
      const username = params.username ?? '';
      let user;
      try {
        user = await km.users.authenticate(username, params.password ?? '', request.ip);
      } catch (err) {
        if (!(err instanceof TooManyRequests)) throw err;
        reply.header('retry-after', String(err.retryAfterSeconds));
        return showLogin(request, reply, authz, 429, {
          error: 'Too many failed sign-ins. Try again later.',
          username,
        });
      }
      if (!user)
        return showLogin(request, reply, authz, 401, { error: 'Wrong username or password.', username });
      if (authz.client.clientId === PORTAL_CLIENT_ID)
        reply.header('set-cookie', ssoCookie(request, await sso.issue(user.username), sso.lifetimeSeconds));
      return redirectWithCode(reply, km, authz, user);
    }),
  );
}
