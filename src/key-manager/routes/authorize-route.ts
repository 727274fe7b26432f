/**
 * GET /oauth2/authorize shows the login page; POST checks the credentials and redirects back with a code.
 * The form carries a CSRF token that must match a SameSite=Strict cookie (double submit), so that another
 * site cannot log a user in with its own account.
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
import { errorPage, loginPage } from './login-page.js';

const CSRF_COOKIE = 'portcullis_csrf';

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

function csrfCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie ?? '';
  const match = new RegExp(`(?:^|;\\s*)${CSRF_COOKIE}=([A-Za-z0-9_-]+)`).exec(header);
  return match?.[1];
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
  const secure = request.protocol === 'https' ? '; Secure' : '';
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

export function registerAuthorizeRoutes(app: App, km: KeyManager): void {
  app.get('/oauth2/authorize', (request, reply) =>
    handleErrors(reply, km, async () => {
      const authz = await validateAuthorizationRequest(km, formParams(request.query));
      return showLogin(request, reply, authz, 200);
    }),
  );

  app.post('/oauth2/authorize', (request, reply) =>
    handleErrors(reply, km, async () => {
      const params = postedForm(request);
      const authz = await validateAuthorizationRequest(km, params);
      if (!sameToken(params.csrf, csrfCookie(request))) {
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
      const code = await km.codes.create({
        clientId: authz.client.clientId,
        username: user.username,
        redirectUri: authz.redirectUriGiven ? authz.redirectUri : undefined,
        scope: grantScopes(authz.scope, user.roles),
        codeChallenge: authz.codeChallenge,
        codeChallengeMethod: authz.codeChallenge ? 'S256' : undefined,
      });
      return reply.redirect(redirectTo(authz.redirectUri, km.issuer, { code, state: authz.state }), 303);
    }),
  );
}
