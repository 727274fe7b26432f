/**
 * JWT signing keys. The newest key that is not retired signs; a retired key stays in the JWKS until every
 * token it could have signed has expired. Keys live in the database, so every Key Manager behind a load
 * balancer signs with, and publishes, the same set; each node re-reads it every few seconds.
 *
 * Time is cut into rotation periods and a period's key has an id derived from it: when several nodes find
 * no current key at once, each generates one but only the first insert wins, and all then use that one.
 */
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Tables } from '../../store/tables.js';

/** The least time between two reloads caused by an unknown `kid`. */
const MIN_RELOAD_MS = 1000;

export type SigningAlgorithm = 'ES256' | 'RS256';

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  retireAt: number;
  expiresAt: number;
}

export interface SigningKeyOptions {
  algorithm: SigningAlgorithm;
  /** How long a key signs before a new one takes over. */
  rotationMs: number;
  /** The longest an access token may live: how long a retired key stays published. */
  maxTokenLifetimeMs: number;
  /** How often to re-read the keys other nodes may have created. */
  refreshMs?: number;
}

export class SigningKeys {
  #keys: SigningKey[] = [];
  #loadedAt = 0;
  #loading: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly options: SigningKeyOptions,
  ) {}

  /** The key to sign with now; creates one when none is current (first start, or rotation is due). */
  async current(now = Date.now()): Promise<SigningKey> {
    await this.#fresh(now);
    const usable = (key: SigningKey) => key.retireAt > now && key.alg === this.options.algorithm;
    const key = this.#keys.find(usable);
    if (key) return key;
    await this.#create(now);
    await this.#load(now);
    const created = this.#keys.find(usable);
    if (!created) throw new Error('no signing key could be created');
    return created;
  }

  /** The public keys a verifier needs: every key whose tokens may still be valid. */
  async jwks(now = Date.now()): Promise<{ keys: JWK[] }> {
    await this.#fresh(now);
    return { keys: this.#keys.filter((k) => k.expiresAt > now).map((k) => k.publicJwk) };
  }

  /** The key with this id, to verify a token we issued. */
  async byKid(kid: string, now = Date.now()): Promise<SigningKey | undefined> {
    await this.#fresh(now);
    let key = this.#keys.find((k) => k.kid === kid);
    // Another node may have just created a key; but forged kids must not make every request reload.
    if (!key && now - this.#loadedAt > MIN_RELOAD_MS) {
      await this.#load(now);
      key = this.#keys.find((k) => k.kid === kid);
    }
    return key && key.expiresAt > now ? key : undefined;
  }

  async #fresh(now: number): Promise<void> {
    if (now - this.#loadedAt > (this.options.refreshMs ?? 5000)) await this.#load(now);
  }

  async #load(now: number): Promise<void> {
    this.#loading ??= (async () => {
      try {
        const rows = await this.db
          .selectFrom('signing_keys')
          .selectAll()
          .where('expires_at', '>', now)
          .orderBy('created_at', 'desc')
          .execute();
        this.#keys = await Promise.all(
          rows.map(async (row) => ({
            kid: row.kid,
            alg: row.alg as SigningAlgorithm,
            privateKey: (await importJWK(JSON.parse(row.private_jwk) as JWK, row.alg)) as CryptoKey,
            publicKey: (await importJWK(JSON.parse(row.public_jwk) as JWK, row.alg)) as CryptoKey,
            publicJwk: JSON.parse(row.public_jwk) as JWK,
            retireAt: row.retire_at,
            expiresAt: row.expires_at,
          })),
        );
        this.#loadedAt = now;
      } finally {
        this.#loading = undefined;
      }
    })();
    await this.#loading;
  }

  async #create(now: number): Promise<void> {
    const { algorithm, rotationMs, maxTokenLifetimeMs } = this.options;
    const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true });
    const period = Math.floor(now / rotationMs);
    const kid = `${algorithm.toLowerCase()}-${Math.round(rotationMs / 1000)}s-${period}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: 'sig' };
    const privateJwk = await exportJWK(privateKey);
    const retireAt = (period + 1) * rotationMs;
    await this.db
      .insertInto('signing_keys')
      .values({
        kid,
        alg: algorithm,
        private_jwk: JSON.stringify(privateJwk),
        public_jwk: JSON.stringify(publicJwk),
        created_at: now,
        retire_at: retireAt,
        expires_at: retireAt + maxTokenLifetimeMs,
      })
      .onConflict((oc) => oc.column('kid').doNothing())
      .execute();
  }
}
