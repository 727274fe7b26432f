/**
 * The request path, in WSO2's order: route → lifecycle → CORS preflight → resource → deny (API, IP) →
 * authentication → subscription → deny (application, user) → scopes → throttling → forward → request event.
 * Each step either passes or throws a GatewayError, which is written as WSO2's JSON error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  UNKNOWN,
  type AccessToken,
  type AccessTokenVerifier,
} from '../../platform/auth/access-token-verifier.js';
import type { ApplicationEvent } from '../../events/application-events.js';
import type { Logger } from '../../platform/logger.js';
import type { Operation } from '../../publisher/apis/api-schemas.js';
import type { DeployedApi } from '../../publisher/internal/internal-data-schemas.js';
import { errors, GatewayError, sendError } from '../gateway-errors.js';
import type { GatewayMetrics } from '../gateway-metrics.js';
import type { RequestEvents } from '../request-events.js';
import { matchOperation, type CompiledOperation, type Route } from '../routing/route-table.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Admission, Throttling } from '../throttling/throttling.js';
import type { BackendJwt } from '../upstream/backend-jwt.js';
import type { KeyType } from '../upstream/endpoints.js';
import type { ForwardStats, Upstream } from '../upstream/forward.js';
import { clientAddress, clientProtocol, peerAddress, type Trust } from './caller-address.js';
import { corsHeaders, preflight } from './cors.js';
import { checkDeniedCaller, checkDeniedRequest } from './deny.js';

/** Lifecycle states in which a deployed API answers. */
const SERVED = new Set(['PUBLISHED', 'PROTOTYPED', 'DEPRECATED']);

/** What the steps after authentication know of the caller; throttling (Traffic Manager) reads it too. */
export interface CallContext {
  deployed: DeployedApi;
  token: AccessToken | undefined;
  /** The token's application; undefined for an operation without authentication. */
  application: ApplicationEvent | undefined;
  subscriptionPolicy: string | null;
  keyType: KeyType;
  clientIp: string;
}

export interface HandlerOptions {
  state: RuntimeState;
  tokens: Pick<AccessTokenVerifier, 'known' | 'verify'>;
  upstream: Upstream;
  events: RequestEvents;
  metrics: GatewayMetrics;
  throttling: Pick<Throttling, 'check' | 'settle'>;
  /** Signs the backend JWT when the gateway sends one (`gateway.backend_jwt`). */
  backendJwt: BackendJwt | undefined;
  /** The load balancers of `http.trust_proxy`, whose X-Forwarded-For/-Proto name the caller. */
  trustProxy: Trust | undefined;
  logger: Logger;
}

/** The path and query of a request target; an absolute-form target (RFC 9112 §3.2.2) is taken apart. */
function originForm(target: string): string | undefined {
  if (target.startsWith('/')) return target;
  if (!/^https?:\/\//i.test(target)) return undefined;
  try {
    const url = new URL(target);
    return `${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}

function hostOf(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  const end = host.startsWith('[') ? host.indexOf(']') + 1 : host.indexOf(':');
  return (end > 0 ? host.slice(0, end) : host).toLowerCase();
}

/** One request on its way through the gateway: what its event reports, filled in as it goes. */
class Exchange implements ForwardStats {
  route: Route | undefined = undefined;
  call: CallContext | undefined = undefined;
  operation: string | undefined = undefined;
  /** The matched operation as the API defines it, and the query string (without `?`), for throttling. */
  spec: CompiledOperation | undefined = undefined;
  query = '';
  admission: Admission | undefined = undefined;
  cors: Record<string, string> | undefined = undefined;
  errorCode: number | null = null;
  backendLatency: number | null = null;
  responseBytes = 0;
  /** Set once the request event is out: one per request, whichever way it ended. */
  reported = false;
  readonly started = performance.now();

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** The socket's peer, added to X-Forwarded-For. */
    readonly peerIp: string,
    /** The caller: the peer, or the client a trusted load balancer forwarded for. */
    readonly clientIp: string,
    /** How the caller reached the gateway (a trusted load balancer's X-Forwarded-Proto). */
    readonly protocol: 'http' | 'https',
  ) {}
}

export class RequestHandler {
  constructor(private readonly o: HandlerOptions) {}

  handle(req: IncomingMessage, res: ServerResponse, protocol: 'http' | 'https'): void {
    const peer = peerAddress(req);
    const trust = this.o.trustProxy;
    const x = trust
      ? new Exchange(req, res, peer, clientAddress(req, trust), clientProtocol(req, trust, protocol))
      : new Exchange(req, res, peer, peer, protocol);
    try {
      this.#route(x);
    } catch (err) {
      this.#fail(x, err);
    }
  }

  /** Everything up to the token check, synchronously; the rest follows now or once the token is known. */
  #route(x: Exchange): void {
    const { req, res } = x;
    const url = originForm(req.url ?? '');
    if (!url) throw errors.badRequest('The request target must be a path or an absolute URL.');
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);

    const { routes } = this.o.state;
    const found = routes.find(routes.byHost ? hostOf(req) : '', path);
    if (!found) throw errors.noApi();
    const { route } = found;
    const { api } = route;
    if (!route.transports[x.protocol]) throw errors.wrongTransport(route.transports.http ? 'HTTP' : 'HTTPS');
    x.route = route;
    if (api.lifeCycleStatus === 'BLOCKED') throw errors.apiBlocked();
    if (!SERVED.has(api.lifeCycleStatus ?? '')) throw errors.noApi();

    x.cors = corsHeaders(route.cors, req);
    const preflightHeaders = preflight(route.cors, req);
    if (preflightHeaders && preflightHeaders['access-control-allow-origin']) {
      req.resume();
      res.writeHead(200, { ...preflightHeaders, 'content-length': 0 });
      res.end();
      this.#report(x);
      return;
    }

    const verb = req.method ?? 'GET';
    const matched = matchOperation(route, verb, found.resourcePath);
    if (!matched) {
      const resource = found.resourcePath === '' ? '/' : found.resourcePath;
      const allowed = new Set(route.operations.filter((o) => o.template.match(resource)).map((o) => o.verb));
      throw errors.noResource(verb, [...allowed]);
    }
    const operation = matched.operation.operation;
    x.operation = matched.operation.label;
    x.spec = matched.operation;
    if (q >= 0) x.query = url.slice(q + 1);
    const pathAndQuery = q < 0 ? found.resourcePath : `${found.resourcePath}${url.slice(q)}`;

    const start = this.#authenticate(req, route, operation, x.clientIp);
    if (!('bearer' in start)) return this.#proceed(x, start, pathAndQuery);
    // A token the caches know (nearly every one) is decided without a single promise.
    const known = this.o.tokens.known(start.bearer);
    if (known !== UNKNOWN) {
      return this.#proceed(x, this.#authorize(known, route.deployed, operation, x.clientIp), pathAndQuery);
    }
    this.o.tokens
      .verify(start.bearer)
      .catch((err: unknown) => {
        this.o.logger.error({ err }, 'cannot check a token with the Key Manager');
        throw errors.keyManagerUnreachable();
      })
      .then((token) =>
        this.#proceed(x, this.#authorize(token, route.deployed, operation, x.clientIp), pathAndQuery),
      )
      .catch((err: unknown) => this.#fail(x, err));
  }

  /** Throttling, then the backend: the request event goes out once the response is handed over. */
  #proceed(x: Exchange, call: CallContext, pathAndQuery: string): void {
    x.call = call;
    const route = x.route as Route;
    const admission = this.o.throttling.check({
      call,
      route,
      operation: x.spec as CompiledOperation,
      req: x.req,
      query: x.query,
    });
    if (admission instanceof GatewayError) throw admission;
    x.admission = admission;
    const rateHeaders = admission?.headers;
    const backends = route.backends[call.keyType];
    if (!backends) throw errors.noEndpoint(call.keyType);
    this.o.upstream.forward(
      backends.next(),
      {
        req: x.req,
        res: x.res,
        pathAndQuery,
        credentialHeader: route.credentialHeader,
        peerIp: x.peerIp,
        protocol: x.protocol,
        extraHeaders: this.#backendJwtHeader(route, call),
        responseHeaders: rateHeaders ? (x.cors ? { ...x.cors, ...rateHeaders } : rateHeaders) : x.cors,
        stats: x,
      },
      (err) => (err ? this.#fail(x, err) : this.#report(x)),
    );
  }

  /** Answers WSO2's JSON error (a response already under way is cut), then reports the request. */
  #fail(x: Exchange, err: unknown): void {
    if (!(err instanceof GatewayError)) {
      this.o.logger.error({ err, path: x.req.url?.split('?')[0] }, 'gateway request failed');
      err = new GatewayError(500, 500, 'Internal Server Error', 'The gateway could not handle the request.');
    }
    const error = err as GatewayError;
    x.errorCode = error.code;
    if (error.code === 101503 || error.code === 101504) {
      this.o.metrics.upstreamErrors.inc({
        api: x.route?.api.name ?? '(none)',
        kind: error.code === 101504 ? 'timeout' : 'unreachable',
      });
    }
    // The request body is not wanted any more; reading it keeps the connection usable.
    x.req.resume();
    sendError(x.res, error, x.cors);
    this.#report(x);
  }

  /** Metrics and the request event, once per request. */
  #report(x: Exchange): void {
    if (x.reported) return;
    x.reported = true;
    const { req, res, route, call } = x;
    const latency = performance.now() - x.started;
    this.o.metrics.answered(route?.api.name ?? '(none)', res.statusCode, latency / 1000);
    if (!route) return;
    const { api } = route;
    const requestBytes = Number(req.headers['content-length'] ?? 0) || 0;
    if (x.admission) this.o.throttling.settle(x.admission, requestBytes + x.responseBytes);
    this.o.events.push({
      timestamp: Date.now(),
      apiId: route.deployed.apiId,
      apiName: api.name,
      apiVersion: api.version,
      apiContext: route.versionedContext,
      operation: x.operation ?? `${req.method ?? ''} (no resource)`,
      applicationId: call?.application?.applicationId ?? null,
      subscriptionPolicy: call?.subscriptionPolicy ?? null,
      applicationPolicy: call?.application?.throttlingPolicy ?? null,
      username: call?.token?.username ?? null,
      keyType: call?.keyType ?? null,
      status: res.statusCode,
      latency,
      backendLatency: x.backendLatency,
      requestBytes,
      responseBytes: x.responseBytes,
      clientIp: x.clientIp,
      errorCode: x.errorCode,
      overQuota: x.admission?.overQuota ?? false,
    });
  }

  /**
   * Deny policies on the request, then the credentials: the context of an operation that needs none, or the
   * bearer token to check.
   */
  #authenticate(
    req: IncomingMessage,
    route: Route,
    operation: Operation,
    clientIp: string,
  ): CallContext | { bearer: string } {
    checkDeniedRequest(this.o.state.denyRules, route.versionedContext, clientIp);
    if ((operation.authType ?? 'Any') === 'None') {
      return {
        deployed: route.deployed,
        token: undefined,
        application: undefined,
        subscriptionPolicy: 'Unauthenticated',
        keyType: 'PRODUCTION',
        clientIp,
      };
    }
    const header = req.headers[route.credentialHeader];
    if (header === undefined || header === '') throw errors.missingCredentials(route.authorizationHeader);
    // RFC 6750 §2.1: "Bearer" (any case), one space, the token; its characters are checked when it is new.
    if (
      typeof header !== 'string' ||
      header.length > 8200 ||
      // The usual spelling first: no lower-cased copy to make for it.
      (!header.startsWith('Bearer ') && header.slice(0, 7).toLowerCase() !== 'bearer ')
    ) {
      throw errors.invalidCredentials();
    }
    const bearer = header.slice(7).trim();
    if (bearer === '' || bearer.includes(' ')) throw errors.invalidCredentials();
    return { bearer };
  }

  /** The checks that need the caller: token type, subscription, deny policies on them, scopes. */
  #authorize(
    token: AccessToken | undefined,
    deployed: DeployedApi,
    operation: Operation,
    clientIp: string,
  ): CallContext {
    const { state } = this.o;
    const authType = operation.authType ?? 'Any';
    if (!token) throw errors.invalidCredentials();
    if (authType === 'Application' && token.username !== undefined) throw errors.wrongTokenType(authType);
    if (authType === 'Application User' && token.username === undefined)
      throw errors.wrongTokenType(authType);

    const mapping = state.keyMappings.get(token.clientId);
    const keyType: KeyType = mapping?.keyType === 'SANDBOX' ? 'SANDBOX' : 'PRODUCTION';
    const application = mapping ? state.applications.get(mapping.applicationId) : undefined;
    let subscriptionPolicy: string | null = null;
    // A prototype is tried without subscribing (WSO2's "Deploy as a Prototype").
    if (deployed.api.lifeCycleStatus !== 'PROTOTYPED') {
      const subscription = application
        ? state.subscription(application.applicationId, deployed.apiId)
        : undefined;
      if (!subscription) throw errors.notSubscribed();
      const blocked =
        subscription.status === 'PROD_ONLY_BLOCKED'
          ? keyType === 'PRODUCTION'
          : subscription.status !== 'UNBLOCKED';
      if (blocked) throw errors.subscriptionBlocked();
      subscriptionPolicy = subscription.throttlingPolicy;
    }
    checkDeniedCaller(state.denyRules, application, token.username);
    const scopes = operation.scopes ?? [];
    if (scopes.length > 0 && !scopes.some((scope) => token.scopes.has(scope))) throw errors.scope(scopes);
    return {
      deployed,
      token,
      application,
      subscriptionPolicy,
      keyType,
      clientIp,
    };
  }

  /** The backend JWT; without a token (auth type None), a client's own header of its name is removed. */
  #backendJwtHeader(route: Route, call: CallContext): Record<string, string | undefined> | undefined {
    const { backendJwt } = this.o;
    if (!backendJwt) return undefined;
    if (!call.token) return { [backendJwt.header]: undefined };
    const { api } = route;
    const assertion = backendJwt.assertion({
      tokenId: call.token.id,
      tokenExpiresAt: call.token.expiresAt,
      username: call.token.username,
      clientId: call.token.clientId,
      application: call.application,
      subscriptionPolicy: call.subscriptionPolicy,
      keyType: call.keyType,
      api: { name: api.name, version: api.version, context: route.versionedContext },
    });
    return { [backendJwt.header]: assertion };
  }
}
