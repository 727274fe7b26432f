/**
 * Verifies the bearer tokens of the management REST APIs in components other than the Key Manager.
 * JWTs are verified locally against the Key Manager's JWKS (cached; an unknown `kid` refetches, as jose's
 * remote key set does). Opaque tokens are introspected at the Key Manager with this node's client
 * credentials, and cached until they expire (at most a minute). A verified JWT is remembered until it
 * expires, so a token used again costs a map lookup, not a signature check. Revocations arrive on
 * `tokenRevocation` and take effect at once; `forget` revokes a token locally (a gateway's /revoke).
 * Events missed while the node was down or the event hub was unreachable are caught up by pulling the Key
 * Manager's list of revoked tokens before the first new token is accepted, and again after each reconnection
 * (which also empties the caches, so that every token is checked against the fresh list).
 */
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, customFetch, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import { MAX_ACCESS_TOKEN_VALIDITY } from '../../config/schema.js';
import type { EventHub } from '../../events/hub.js';
import {
  REVOKED_TOKENS_PATH,
  RevokedTokensSchema,
  TOKENS_REVOKED,
  TokensRevokedSchema,
} from '../../events/key-manager-events.js';
import type { Logger } from '../logger.js';
import { Compile } from 'typebox/compile';
import type { KeyManagerClient } from './key-manager-client.js';
import { basicAuthorization, NodeTokens, type NodeCredentials } from './node-credentials.js';

/** Compiled once: checked on every event received. */
const TokensRevokedValidator = Compile(TokensRevokedSchema);
const RevokedTokensValidator = Compile(RevokedTokensSchema);

export interface AccessToken {
  /** The JWT's `jti`, or the SHA-256 of an opaque token: what revocation events name. */
  id: string;
  /** The user, or undefined for a client acting for itself. */
  username: string | undefined;
  clientId: string;
  scopes: ReadonlySet<string>;
  /** The user's roles; empty for a client acting for itself. */
  roles: readonly string[];
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** What `known` answers for a token the caches have not seen (or no longer hold). */
export const UNKNOWN = Symbol('unknown token');

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const OPAQUE_CACHE_MS = 60_000;
/** Answers kept at most, per kind; made-up tokens must not grow the caches without bound. */
const CACHE_SIZE = 10_000;

/** After a failed pull of the revoked tokens, the least time before the next try. */
const PULL_RETRY_MS = 5000;
/** The longest a new token waits for the revoked list: a Key Manager that does not answer holds no call long. */
const PULL_WAIT_MS = 2000;

/** A revoked token is remembered this long: no access token lives longer (MAX_ACCESS_TOKEN_VALIDITY). */
const MAX_TOKEN_LIFETIME_MS = MAX_ACCESS_TOKEN_VALIDITY * 1000;

const stringArray = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** A JWT's signature (the text after its last dot); the whole text of anything else. */
const signatureOf = (token: string) => token.slice(token.lastIndexOf('.') + 1);

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

export class AccessTokenVerifier {
  readonly #revoked = new Map<string, number>();
  /** Introspection answers by the token's text (its SHA-256 `id` is what revocations name). */
  readonly #opaque = new Map<string, { id: string; token: AccessToken | undefined; until: number }>();
  /**
   * Verified JWTs by their signature, with their whole text: a map lookup hashes its key, and the signature
   * is a seventh of a typical access token's text (every gateway call looks its token up here).
   */
  readonly #jwts = new Map<string, { text: string; token: AccessToken }>();
  #jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  #sweptAt = 0;
  /** Node tokens for reading the revoked list; undefined without node credentials (events only). */
  readonly #nodeTokens: NodeTokens | undefined;
  /** Whether the revoked list has been read since the start or the last reconnection. */
  #caughtUp = false;
  /**
   * Counts reconnections: an answer or a list read before one must not be cached or trusted after it
   * (it may predate a revocation whose event was missed).
   */
  #generation = 0;
  /** The pull under way: `wait` settles when it does, or after PULL_WAIT_MS, whichever is first. */
  #pulling: { generation: number; wait: Promise<void> } | undefined;
  #lastPullFailedAt = 0;
  #logger: Logger | undefined;

  constructor(
    private readonly keyManager: KeyManagerClient,
    private readonly introspection: NodeCredentials | undefined,
  ) {
    this.#nodeTokens = introspection ? new NodeTokens(keyManager, introspection) : undefined;
  }

  /**
   * Follows revocations; call once the hub is up. After each reconnection the revoked list is read again
   * and cached answers are dropped: a token revoked during the outage is refused from then on.
   */
  async followRevocations(hub: EventHub, logger?: Logger): Promise<void> {
    this.#logger = logger;
    await hub.subscribe('tokenRevocation', (event) => {
      if (event.type !== TOKENS_REVOKED || !TokensRevokedValidator.Check(event.payload)) return;
      for (const { id, expiresAt } of event.payload.tokens) this.#revoked.set(id, expiresAt);
    });
    hub.onReconnect(() => {
      this.#generation++;
      this.#caughtUp = false;
      this.#jwts.clear();
      this.#opaque.clear();
    });
  }

  /**
   * What the caches already know of the token, without waiting: its facts, undefined for a token known to be
   * invalid, or UNKNOWN (then `verify` must ask). The gateway's hot path takes this turn, no promise involved.
   */
  known(token: string, now = Date.now()): AccessToken | undefined | typeof UNKNOWN {
    this.#forgetExpired(now);
    const entry = this.#jwts.get(signatureOf(token));
    if (entry?.text === token) {
      const jwt = entry.token;
      return jwt.expiresAt > now && !this.#revoked.has(jwt.id) ? jwt : undefined;
    }
    const opaque = this.#opaque.get(token);
    if (opaque && opaque.until > now) return this.#revoked.has(opaque.id) ? undefined : opaque.token;
    return UNKNOWN;
  }

  /** The token's facts, or undefined when it is not a valid, unexpired, unrevoked access token. */
  async verify(token: string, now = Date.now()): Promise<AccessToken | undefined> {
    const known = this.known(token, now);
    if (known !== UNKNOWN) return known;
    const generation = this.#generation;
    await this.#catchUp(now);
    if (!JWT_SHAPE.test(token)) return this.#introspect(token, now, generation);
    const verified = await this.#verifyJwt(token, now);
    if (verified && generation === this.#generation) {
      this.#jwts.set(signatureOf(token), { text: token, token: verified });
    }
    return verified;
  }

  /**
   * Treats the token as revoked from now on (its Key Manager revoked it; the event will follow). A JWT is
   * revoked by its `jti` only once its signature is checked: the Key Manager answers 200 to the revocation
   * of any text (RFC 7009 §2.2), and a made-up JWT carrying another token's `jti` must not revoke that token.
   */
  async forget(token: string, now = Date.now()): Promise<void> {
    const signature = signatureOf(token);
    const cached = this.#jwts.get(signature);
    let id: string | undefined;
    if (cached?.text === token) {
      id = cached.token.id;
      this.#jwts.delete(signature);
    } else if (JWT_SHAPE.test(token)) {
      const verified = await this.#verifyJwt(token, now).catch((err: unknown) => {
        // Its keys cannot be read: it cannot be verified on a call either, and its revocation event follows.
        this.#logger?.warn({ err }, 'cannot check a JWT revoked through this node');
        return undefined;
      });
      id = verified?.id;
    } else {
      id = sha256(token);
      this.#opaque.delete(token);
    }
    if (id) this.#revoked.set(id, now + MAX_TOKEN_LIFETIME_MS);
  }

  /**
   * Reads the revoked list once since the start or the last reconnection. A Key Manager that cannot be
   * reached does not stop JWTs being accepted (they are checked locally): tokens wait for the list at most
   * PULL_WAIT_MS, a failed read is logged and tried again at most every PULL_RETRY_MS.
   */
  async #catchUp(now: number): Promise<void> {
    if (this.#caughtUp || !this.#nodeTokens) return;
    const generation = this.#generation;
    if (this.#pulling?.generation !== generation) {
      if (now - this.#lastPullFailedAt < PULL_RETRY_MS) return;
      const done = this.#pullRevoked(this.#nodeTokens).then(
        () => {
          // A list read before a reconnection may miss what was revoked during the outage.
          if (generation === this.#generation) this.#caughtUp = true;
        },
        (err: unknown) => {
          // A read from before a reconnection that fails must not hold back the first one after it.
          if (generation === this.#generation) this.#lastPullFailedAt = now;
          this.#logger?.warn({ err }, 'cannot read the revoked tokens from the Key Manager; will retry');
        },
      );
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, PULL_WAIT_MS)));
      const pulling = {
        generation,
        wait: Promise.race([done, deadline]).finally(() => clearTimeout(timer)),
      };
      this.#pulling = pulling;
      void done.finally(() => {
        if (this.#pulling === pulling) this.#pulling = undefined;
      });
    }
    await this.#pulling?.wait;
  }

  async #pullRevoked(nodeTokens: NodeTokens): Promise<void> {
    const response = await this.keyManager.fetch(`${this.keyManager.baseUrl}${REVOKED_TOKENS_PATH}`, {
      headers: { authorization: `Bearer ${await nodeTokens.token()}` },
    });
    if (response.status === 401) nodeTokens.reset();
    if (!response.ok) throw new Error(`the Key Manager answered ${response.status} for the revoked tokens`);
    const body: unknown = await response.json();
    if (!RevokedTokensValidator.Check(body)) throw new Error('the revoked tokens list is malformed');
    for (const { id, expiresAt } of body.tokens) this.#revoked.set(id, expiresAt);
  }

  async #verifyJwt(token: string, now: number): Promise<AccessToken | undefined> {
    const metadata = await this.keyManager.metadata();
    this.#jwks ??= createRemoteJWKSet(new URL(metadata.jwks_uri), {
      // A Key Manager that cannot serve its keys (down, no database) says nothing about the token: a plain
      // error (not jose's, which would read as an invalid token) makes the caller answer 503, not 401.
      [customFetch]: async (url: string) => {
        const response = await this.keyManager.fetch(url, { headers: { accept: 'application/json' } });
        if (response.status !== 200) {
          throw new Error(`the Key Manager answered ${response.status} for its JWKS`);
        }
        return new Response(await response.text(), { status: 200 });
      },
    });
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#jwks, {
        issuer: metadata.issuer,
        typ: 'at+jwt',
        algorithms: ['ES256', 'RS256'],
        requiredClaims: ['exp', 'jti'],
        currentDate: new Date(now),
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWKSTimeout)
        throw new Error('the Key Manager did not send its JWKS in time');
      if (err instanceof joseErrors.JOSEError) return undefined;
      throw err;
    }
    if (typeof payload.jti !== 'string' || this.#revoked.has(payload.jti)) return undefined;
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : '';
    return {
      id: payload.jti,
      username: payload.sub !== clientId ? payload.sub : undefined,
      clientId,
      scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []),
      roles: stringArray(payload.roles),
      expiresAt: (payload.exp ?? 0) * 1000,
    };
  }

  async #introspect(token: string, now: number, generation: number): Promise<AccessToken | undefined> {
    if (!this.introspection || token.length > 512) return undefined;
    const id = sha256(token);
    if (this.#revoked.has(id)) return undefined;
    const metadata = await this.keyManager.metadata();
    const response = await this.keyManager.fetch(metadata.introspection_endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuthorization(this.introspection),
      },
      body: new URLSearchParams({ token }).toString(),
    });
    if (!response.ok)
      throw new Error(`token introspection at the Key Manager failed with status ${response.status}`);
    const body = (await response.json()) as {
      active?: boolean;
      token_type?: string;
      exp?: number;
      scope?: string;
      client_id?: string;
      username?: string;
      roles?: unknown;
    };
    const accessToken =
      body.active === true && body.token_type === 'Bearer'
        ? {
            id,
            username: body.username,
            clientId: body.client_id ?? '',
            scopes: new Set(body.scope ? body.scope.split(' ') : []),
            roles: stringArray(body.roles),
            expiresAt: (body.exp ?? 0) * 1000,
          }
        : undefined;
    // An answer from before a reconnection is not kept: the token may have been revoked meanwhile.
    if (generation === this.#generation) {
      this.#opaque.set(token, {
        id,
        token: accessToken,
        until: Math.min(now + OPAQUE_CACHE_MS, accessToken?.expiresAt ?? now + OPAQUE_CACHE_MS),
      });
    }
    return accessToken;
  }

  /** Drops what has expired, at most once a second; then, if the cache is still full, its oldest answers. */
  #forgetExpired(now: number): void {
    if (now - this.#sweptAt < 1000) return;
    this.#sweptAt = now;
    for (const [id, expiresAt] of this.#revoked) if (expiresAt <= now) this.#revoked.delete(id);
    for (const [text, entry] of this.#opaque) if (entry.until <= now) this.#opaque.delete(text);
    for (const [signature, { token }] of this.#jwts) {
      if (token.expiresAt <= now) this.#jwts.delete(signature);
    }
    for (const cache of [this.#opaque, this.#jwts]) {
      for (const key of cache.keys()) {
        if (cache.size <= CACHE_SIZE) break;
        cache.delete(key);
      }
    }
  }
}
