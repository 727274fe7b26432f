/**
 * Issuing and finding tokens. Access tokens are JWTs (signed, `kid` in the header) or opaque 256-bit
 * random strings, per client. Refresh tokens are always opaque. Only hashes of opaque tokens are stored;
 * a JWT is stored by its `jti`, so that it can be revoked and introspected.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, compactVerify, decodeProtectedHeader, errors as joseErrors } from 'jose';
import type { Kysely } from 'kysely';
import { Type, type Static } from 'typebox';
import type { Tables, TokenRow } from '../../store/tables.js';
import { randomToken, sha256 } from '../secrets.js';
import type { Client } from './clients.js';
import type { SigningKeys } from './signing-keys.js';

/** RFC 6749 §5.1. */
export const TokenResponseSchema = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  scope: Type.String(),
  refresh_token: Type.Optional(Type.String()),
});
export type TokenResponse = Static<typeof TokenResponseSchema>;

export interface IssueRequest {
  client: Client;
  /** The resource owner; undefined for client_credentials. */
  username: string | undefined;
  scope: string[];
  /** The user's roles, carried in a JWT's `roles` claim (role changes revoke tokens, so it stays true). */
  roles?: readonly string[];
  /** The scope of the refresh token, when it differs from the access token's (a narrowed refresh). */
  refreshScope?: string[];
  /** Seconds, shorter than the client's access-token validity (WSO2's `validity_period`); never longer. */
  validity?: number;
  /** Tokens of one grant and its refreshes share a family. */
  familyId?: string;
  withRefreshToken: boolean;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export class Tokens {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly keys: SigningKeys,
    private readonly issuer: string,
  ) {}

  async issue(request: IssueRequest): Promise<TokenResponse> {
    const { client, username, scope } = request;
    const familyId = request.familyId ?? randomUUID();
    const now = Date.now();
    const issuedAt = Math.floor(now / 1000);
    const lifetime = Math.min(request.validity ?? client.accessTokenValidity, client.accessTokenValidity);
    const expiresAt = (issuedAt + lifetime) * 1000;
    const scopeString = scope.join(' ');
    const { token, id } =
      client.tokenFormat === 'JWT'
        ? await this.#signJwt(client, username, request.roles, scopeString, issuedAt, expiresAt)
        : (() => {
            const opaque = randomToken();
            return { token: opaque, id: sha256(opaque) };
          })();
    const rows: Tables['tokens'][] = [
      {
        id,
        kind: 'access',
        format: client.tokenFormat,
        client_id: client.clientId,
        username: username ?? null,
        scope: scopeString,
        family_id: familyId,
        issued_at: now,
        expires_at: expiresAt,
        revoked: 0,
        rotated_at: null,
      },
    ];
    let refreshToken: string | undefined;
    if (request.withRefreshToken) {
      refreshToken = randomToken();
      rows.push({
        ...rows[0]!,
        id: sha256(refreshToken),
        kind: 'refresh',
        format: 'OPAQUE',
        scope: (request.refreshScope ?? scope).join(' '),
        expires_at: now + client.refreshTokenValidity * 1000,
      });
    }
    await this.db.insertInto('tokens').values(rows).execute();
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: lifetime,
      scope: scopeString,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    };
  }

  /**
   * The stored record of a token we issued, or undefined for anything else (unknown, forged, malformed).
   * It does not check expiry or revocation: the caller decides what those mean.
   */
  async find(token: string): Promise<TokenRow | undefined> {
    if (token.length > 8192) return undefined;
    const id = JWT_SHAPE.test(token) ? await this.#verifiedJti(token) : sha256(token);
    if (!id) return undefined;
    return this.db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Retires a refresh token; false when it was already retired (a reuse) — decided by one atomic update. */
  async markRotated(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('tokens')
      .set({ rotated_at: Date.now() })
      .where('id', '=', id)
      .where('rotated_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async #signJwt(
    client: Client,
    username: string | undefined,
    roles: readonly string[] | undefined,
    scope: string,
    iat: number,
    expiresAt: number,
  ) {
    const key = await this.keys.current();
    const jti = randomUUID();
    const token = await new SignJWT({
      scope,
      client_id: client.clientId,
      ...(username && roles ? { roles } : {}),
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setSubject(username ?? client.clientId)
      .setAudience(client.clientId)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .setJti(jti)
      .sign(key.privateKey);
    return { token, id: jti };
  }

  /** The jti of a JWT whose signature is ours (expiry is not checked here). */
  async #verifiedJti(token: string): Promise<string | undefined> {
    try {
      const { kid } = decodeProtectedHeader(token);
      const key = kid ? await this.keys.byKid(kid) : undefined;
      if (!key) return undefined;
      const { payload } = await compactVerify(token, key.publicKey, { algorithms: [key.alg] });
      const claims = JSON.parse(new TextDecoder().decode(payload)) as { iss?: unknown; jti?: unknown };
      return claims.iss === this.issuer && typeof claims.jti === 'string' ? claims.jti : undefined;
    } catch (err) {
      if (err instanceof joseErrors.JOSEError || err instanceof SyntaxError || err instanceof TypeError)
        return undefined;
      throw err;
    }
  }
}
