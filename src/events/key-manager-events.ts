/**
 * Events the Key Manager publishes, so that gateways drop cached tokens and users at once, and the list of
 * revoked tokens they pull when they start or reconnect (the same token entries).
 */
import { Type, type Static } from 'typebox';

/** On `tokenRevocation`: these tokens are no longer valid. Ids are JWT `jti`s or SHA-256 of opaque tokens. */
export const TOKENS_REVOKED = 'TOKENS_REVOKED';
export const TokensRevokedSchema = Type.Object({
  tokens: Type.Array(Type.Object({ id: Type.String(), expiresAt: Type.Number() })),
  reason: Type.Enum(['revoked', 'refresh_token_reuse', 'code_reuse', 'user_changed', 'client_deleted']),
  username: Type.Optional(Type.String()),
});
export type TokensRevoked = Static<typeof TokensRevokedSchema>;

/**
 * GET /keymanager/v1/revoked-tokens (node clients only): every access token revoked and not yet expired, for
 * a node that may have missed TOKENS_REVOKED events (it was down, or the event hub was).
 */
export const REVOKED_TOKENS_PATH = '/keymanager/v1/revoked-tokens';
export const RevokedTokensSchema = Type.Object({ tokens: TokensRevokedSchema.properties.tokens });
export type RevokedTokens = Static<typeof RevokedTokensSchema>;

/** On `notification`: a user was deleted, disabled or had their roles changed. */
export const USER_UPDATED = 'USER_UPDATED';
export const UserUpdatedSchema = Type.Object({
  username: Type.String(),
  change: Type.Enum(['deleted', 'disabled', 'enabled', 'roles']),
  roles: Type.Array(Type.String()),
});
export type UserUpdated = Static<typeof UserUpdatedSchema>;
