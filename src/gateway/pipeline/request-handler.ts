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
import type { Logger } from '../../platform/logger.js';
import type { Operation } from '../../publisher/apis/api-schemas.js';
import type { DeployedApi } from '../../publisher/internal/internal-data-schemas.js';
import { errors, GatewayError, sendError } from '../gateway-errors.js';
import type { GatewayMetrics } from '../gateway-metrics.js';
import type { RequestEvent, RequestEvents } from '../request-events.js';
import { matchOperation, type Route } from '../routing/route-table.js';
import type { RuntimeState } from '../state/runtime-state.js';
import { backendSet, type BackendSet } from '../upstream/endpoints.js';
import type { ForwardStats, Upstream } from '../upstream/forward.js';
import { corsHeaders, preflight } from './cors.js';
import { checkDeniedCaller, checkDeniedRequest } from './deny.js';

/** Lifecycle states in which a deployed API answers. */
const SERVED = new Set(['PUBLISHED', 'PROTOTYPED', 'DEPRECATED']);

export type KeyType = 'PRODUCTION' | 'SANDBOX';

/** What the steps after authentication know of the caller; throttling (Traffic Manager) reads it too. */
export interface CallContext {
  deployed: DeployedApi;
  token: AccessToken | undefined;
  applicationId: string | null;
  applicationPolicy: string | null;
  subscriptionPolicy: string | null;
  keyType: KeyType;
  clientIp: string;
}

/** The throttling step: answers an error to refuse the call, or nothing to let it through. */
export type ThrottleCheck = (call: CallContext) => GatewayError | undefined;

export interface HandlerOptions {
  state: RuntimeState;
  tokens: Pick<AccessTokenVerifier, 'known' | 'verify'>;
  upstream: Upstream;
  events: RequestEvents;
  metrics: GatewayMetrics;
  throttle: ThrottleCheck;
  backendTimeout: number;
  logger: Logger;
}

function clientIpOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
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

export class RequestHandler {
  /** Backends per route and key type, compiled on first use; a new deployment makes new routes. */
  readonly #backends = new WeakMap<Route, Partial<Record<KeyType, BackendSet | null>>>();

  constructor(private readonly o: HandlerOptions) {}

  handle(req: IncomingMessage, res: ServerResponse, protocol: 'http' | 'https'): void {
    const started = performance.now();
    const clientIp = clientIpOf(req);
    const event: Partial<RequestEvent> = {};
    /** What the request has reached so far, for its event. */
    const seen: { route?: Route; call?: CallContext } = {};
    /** Filled in by the forwarder as the backend answers: read when the response finishes. */
    const stats: ForwardStats = { backendLatency: null, responseBytes: 0 };
    let errorCode: number | null = null;

    res.once('finish', () => {
      const latency = performance.now() - started;
      const { route, call } = seen;
      const apiName = route?.api.name ?? '(none)';
      this.o.metrics.answered(apiName, res.statusCode, latency / 1000);
      if (!route) return;
      const { api } = route;
      this.o.events.push({
        timestamp: Date.now(),
        apiId: route.deployed.apiId,
        apiName: api.name,
        apiVersion: api.version,
        apiContext: route.versionedContext,
        operation: event.operation ?? `${req.method ?? ''} (no resource)`,
        applicationId: call?.applicationId ?? null,
        subscriptionPolicy: call?.subscriptionPolicy ?? null,
        applicationPolicy: call?.applicationPolicy ?? null,
        username: call?.token?.username ?? null,
        keyType: call?.keyType ?? null,
        status: res.statusCode,
        latency,
        backendLatency: stats.backendLatency,
        requestBytes: Number(req.headers['content-length'] ?? 0) || 0,
        responseBytes: stats.responseBytes,
        clientIp,
        errorCode,
      });
    });

    const fail = (err: unknown, extraHeaders: Record<string, string> = {}) => {
      if (!(err instanceof GatewayError)) {
        this.o.logger.error({ err, path: req.url?.split('?')[0] }, 'gateway request failed');
        err = new GatewayError(
          500,
          500,
          'Internal Server Error',
          'The gateway could not handle the request.',
        );
      }
      const error = err as GatewayError;
      errorCode = error.code;
      if (error.code === 101503 || error.code === 101504) {
        this.o.metrics.upstreamErrors.inc({
          api: seen.route?.api.name ?? '(none)',
          kind: error.code === 101504 ? 'timeout' : 'unreachable',
        });
      }
      // The request body is not wanted any more; reading it keeps the connection usable.
      req.resume();
      sendError(res, error, extraHeaders);
    };

    const url = originForm(req.url ?? '');
    if (!url) return fail(errors.badRequest('The request target must be a path or an absolute URL.'));
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q);

    const found = this.o.state.routes.find(hostOf(req), path);
    if (!found) return fail(errors.noApi());
    seen.route = found.route;
    const { api, deployed } = { api: found.route.api, deployed: found.route.deployed };
    if (api.lifeCycleStatus === 'BLOCKED') return fail(errors.apiBlocked());
    if (!SERVED.has(api.lifeCycleStatus ?? '')) return fail(errors.noApi());

    const cors = corsHeaders(api, req);
    const preflightHeaders = preflight(api, req);
    if (preflightHeaders && preflightHeaders['access-control-allow-origin']) {
      req.resume();
      res.writeHead(200, { ...preflightHeaders, 'content-length': 0 });
      res.end();
      return;
    }

    const verb = req.method ?? 'GET';
    const matched = matchOperation(found.route, verb, found.resourcePath);
    if (!matched) {
      const allowed = [
        ...new Set(
          found.route.operations
            .filter((o) => o.template.match(found.resourcePath === '' ? '/' : found.resourcePath))
            .map((o) => o.verb),
        ),
      ];
      return fail(errors.noResource(verb, allowed), cors);
    }
    const operation = matched.operation.operation;
    event.operation = `${verb} ${operation.target}`;

    const proceed = (context: CallContext): Promise<void> => {
      seen.call = context;
      const refused = this.o.throttle(context);
      if (refused) throw refused;
      const backends = this.#backendsOf(found.route, context.keyType);
      if (!backends) throw errors.noEndpoint(context.keyType);
      return this.o.upstream.forward(backends.next(), {
        req,
        res,
        pathAndQuery: `${found.resourcePath}${query}`,
        credentialHeader: found.route.credentialHeader,
        clientIp,
        protocol,
        extraHeaders: {},
        responseHeaders: cors,
        stats,
      });
    };
    try {
      const start = this.#authenticate(req, found.route, operation, clientIp);
      if (!('bearer' in start)) {
        proceed(start).catch((err: unknown) => fail(err, cors));
        return;
      }
      // A token the caches know (nearly every one) is decided without a single promise.
      const known = this.o.tokens.known(start.bearer);
      if (known !== UNKNOWN) {
        proceed(this.#authorize(known, deployed, operation, clientIp)).catch((err: unknown) =>
          fail(err, cors),
        );
        return;
      }
      this.o.tokens
        .verify(start.bearer)
        .catch((err: unknown) => {
          this.o.logger.error({ err }, 'cannot check a token with the Key Manager');
          throw errors.keyManagerUnreachable();
        })
        .then((token) => proceed(this.#authorize(token, deployed, operation, clientIp)))
        .catch((err: unknown) => fail(err, cors));
    } catch (err) {
      fail(err, cors);
    }
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
        applicationId: null,
        applicationPolicy: null,
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
      header.slice(0, 7).toLowerCase() !== 'bearer '
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
    checkDeniedCaller(
      state.denyRules,
      application ? `${application.owner}:${application.name}` : undefined,
      token.username,
    );
    const scopes = operation.scopes ?? [];
    if (scopes.length > 0 && !scopes.some((scope) => token.scopes.has(scope))) throw errors.scope(scopes);
    return {
      deployed,
      token,
      applicationId: application?.applicationId ?? null,
      applicationPolicy: application?.throttlingPolicy ?? null,
      subscriptionPolicy,
      keyType,
      clientIp,
    };
  }

  #backendsOf(route: Route, keyType: KeyType): BackendSet | undefined {
    let sets = this.#backends.get(route);
    if (!sets) {
      sets = {};
      this.#backends.set(route, sets);
    }
    if (sets[keyType] === undefined) {
      sets[keyType] = backendSet(route.api.endpointConfig, keyType, this.o.backendTimeout) ?? null;
    }
    return sets[keyType] ?? undefined;
  }
}
