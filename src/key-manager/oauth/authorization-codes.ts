/** Authorization codes (RFC 6749 §4.1) with PKCE (RFC 7636). Stored as hashes; single use. */
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuthorizationCodeRow, Tables } from '../../store/tables.js';
import { randomToken, sha256 } from '../secrets.js';

export interface CodeRequest {
  clientId: string;
  username: string;
  /** The redirect URI as sent in the authorization request, if it was. */
  redirectUri: string | undefined;
  scope: string[];
  codeChallenge: string | undefined;
  codeChallengeMethod: 'S256' | undefined;
}

/** RFC 7636 §4.1: code_verifier = 43*128unreserved. */
export const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** RFC 7636 §4.2: BASE64URL(SHA256) of a verifier is exactly 43 characters. */
export const CODE_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export class AuthorizationCodes {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly validityMs: number,
  ) {}

  async create(request: CodeRequest): Promise<string> {
    const code = randomToken();
    await this.db
      .insertInto('authorization_codes')
      .values({
        code_hash: sha256(code),
        client_id: request.clientId,
        username: request.username,
        redirect_uri: request.redirectUri ?? null,
        scope: request.scope.join(' '),
        code_challenge: request.codeChallenge ?? null,
        code_challenge_method: request.codeChallengeMethod ?? null,
        family_id: randomUUID(),
        expires_at: Date.now() + this.validityMs,
        used: 0,
      })
      .execute();
    return code;
  }

  /**
   * Marks the client's code used and returns it; undefined for an unknown code or another client's (which
   * stays untouched, so that nobody can burn a code that is not theirs). `firstUse` is false when it had been
   * redeemed before: the caller must then revoke what the first redemption issued (RFC 6749 §4.1.2).
   */
  async redeem(
    code: string,
    clientId: string,
  ): Promise<{ row: AuthorizationCodeRow; firstUse: boolean } | undefined> {
    const codeHash = sha256(code);
    const row = await this.db
      .selectFrom('authorization_codes')
      .selectAll()
      .where('code_hash', '=', codeHash)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    if (!row) return undefined;
    const result = await this.db
      .updateTable('authorization_codes')
      .set({ used: 1 })
      .where('code_hash', '=', codeHash)
      .where('client_id', '=', clientId)
      .where('used', '=', 0)
      .executeTakeFirst();
    return { row, firstUse: result.numUpdatedRows === 1n };
  }
}
