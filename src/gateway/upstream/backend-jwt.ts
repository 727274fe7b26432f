/**
 * The backend JWT (WSO2's "passing end-user attributes to the backend"): a signed token in a request header
 * (X-JWT-Assertion by default) that tells the backend who calls, through which application and tiers, in
 * WSO2's claim dialect (`http://wso2.org/claims/…`), so that backends written for WSO2 read it unchanged.
 *
 * Signed by the gateway's own key (ES256 for an EC P-256 key, RS256 for RSA), whose public half the gateway
 * publishes as a JWKS on its management port. The key is the configured PEM file, or one generated on the
 * first start in the data dir (give every gateway the same file to let backends trust one key).
 * Signing costs tens of microseconds, so a JWT is made once per token, API, key type and tiers, and reused
 * until shortly before it expires.
 */
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { readConfiguredFile, readOptionalFile, writeFileAtomic } from '../../platform/certs/files.js';
import { parsePrivateKey } from '../../platform/certs/pem.js';
import { wso2Claims, type ClaimedCall } from '../wso2-claims.js';

/** WSO2's issuer of backend JWTs: backends that check it keep working. */
export const BACKEND_JWT_ISSUER = 'wso2.org/products/am';
/** A cached JWT is replaced this long before it expires, so that it never reaches a backend expired. */
const RENEW_BEFORE_S = 30;
const CACHE_SIZE = 10_000;

/** What a backend JWT says of one call. */
export interface BackendJwtCall extends ClaimedCall {
  tokenId: string;
  /** Token expiry, milliseconds since the epoch: the JWT never outlives the access token. */
  tokenExpiresAt: number;
}

export interface BackendJwtOptions {
  /** Header name, any case. */
  header: string;
  /** Seconds a JWT is valid for at most. */
  expiry: number;
  /** PEM private key file; empty: generated in dataDir. */
  keyFile: string;
  dataDir: string;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Headers the forwarder sets or drops itself: the JWT cannot take their place. */
const RESERVED_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'proxy-authorization',
  'proxy-connection',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
]);

/** The signing key and the file it came from. */
async function loadKey(options: BackendJwtOptions): Promise<{ key: KeyObject; file: string }> {
  if (options.keyFile) {
    const file = path.resolve(options.keyFile);
    return { key: parsePrivateKey(await readConfiguredFile(file, 'backend JWT key'), file), file };
  }
  const file = path.join(options.dataDir, 'gateway-backend-jwt.key.pem');
  const saved = await readOptionalFile(file);
  if (saved) return { key: parsePrivateKey(saved, file), file };
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFileAtomic(file, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
  return { key: privateKey, file };
}

/** ES256 for an EC P-256 key, RS256 for RSA of 2048 bits or more; any other key is refused, saying why. */
function algorithmOf(key: KeyObject, file: string): 'ES256' | 'RS256' {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'ec' && details.namedCurve === 'prime256v1') return 'ES256';
  if (type === 'rsa' && (details.modulusLength ?? 0) >= 2048) return 'RS256';
  const found =
    type === 'ec'
      ? `an EC key on ${details.namedCurve ?? 'an unknown curve'}`
      : type === 'rsa'
        ? `an RSA key of ${details.modulusLength ?? 0} bits`
        : `a key of type ${type ?? 'unknown'}`;
  throw new Error(
    `The backend JWT key ${file} must be an EC P-256 key or an RSA key of 2048 bits or more, not ${found}`,
  );
}

export class BackendJwt {
  /** The header, lower case (as node:http names incoming headers): a client's own is overwritten. */
  readonly header: string;
  readonly #cache = new Map<string, { jwt: string; renewAt: number }>();

  private constructor(
    private readonly key: KeyObject,
    private readonly alg: 'ES256' | 'RS256',
    private readonly encodedHeader: string,
    /** The public key, as the gateway's JWKS publishes it. */
    readonly publicJwk: JWK,
    private readonly expiry: number,
    header: string,
  ) {
    this.header = header.toLowerCase();
  }

  static async create(options: BackendJwtOptions): Promise<BackendJwt> {
    if (RESERVED_HEADERS.has(options.header.toLowerCase())) {
      throw new Error(
        `gateway.backend_jwt_header cannot be ${options.header}: the gateway sets or removes that header itself`,
      );
    }
    const { key, file } = await loadKey(options);
    const alg = algorithmOf(key, file);
    const exported = createPublicKey(key).export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(exported);
    const publicJwk: JWK = { ...exported, kid, alg, use: 'sig' };
    const encodedHeader = base64url(JSON.stringify({ typ: 'JWT', alg, kid }));
    return new BackendJwt(key, alg, encodedHeader, publicJwk, options.expiry, options.header);
  }

  /** The JWT for a call: from the cache, or signed now. */
  assertion(call: BackendJwtCall, now = Date.now()): string {
    const key = [
      call.tokenId,
      call.api.context,
      call.keyType,
      call.subscriptionPolicy,
      call.application?.applicationId,
      call.application?.name,
      call.application?.throttlingPolicy,
    ].join('\n');
    const cached = this.#cache.get(key);
    if (cached && cached.renewAt > now) return cached.jwt;
    if (this.#cache.size >= CACHE_SIZE) this.#forget(now);
    const exp = Math.min(Math.floor(now / 1000) + this.expiry, Math.floor(call.tokenExpiresAt / 1000));
    const jwt = this.#sign(call, now, exp);
    this.#cache.set(key, { jwt, renewAt: Math.min((exp - RENEW_BEFORE_S) * 1000, now + this.expiry * 500) });
    return jwt;
  }

  #sign(call: BackendJwtCall, now: number, exp: number): string {
    const { application } = call;
    const claims: Record<string, string | number> = {
      iss: BACKEND_JWT_ISSUER,
      iat: Math.floor(now / 1000),
      exp,
      sub: call.username ?? application?.owner ?? call.clientId,
      ...wso2Claims(call),
    };
    const input = `${this.encodedHeader}.${base64url(JSON.stringify(claims))}`;
    const signature =
      this.alg === 'ES256'
        ? sign('sha256', Buffer.from(input), { key: this.key, dsaEncoding: 'ieee-p1363' })
        : sign('sha256', Buffer.from(input), this.key);
    return `${input}.${signature.toString('base64url')}`;
  }

  /** Drops expired JWTs, then the oldest while the cache is full. */
  #forget(now: number): void {
    for (const [key, entry] of this.#cache) if (entry.renewAt <= now) this.#cache.delete(key);
    for (const key of this.#cache.keys()) {
      if (this.#cache.size < CACHE_SIZE) break;
      this.#cache.delete(key);
    }
  }
}
