/** Application keys as WSO2's devportal API v3 defines them (ApplicationKey, …GenerateRequest, tokens). */
import { Type, type Static } from 'typebox';

export const KEY_TYPES = ['PRODUCTION', 'SANDBOX'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** The one Key Manager of a Portcullis deployment, by WSO2's name for the built-in one. */
export const RESIDENT_KEY_MANAGER = 'Resident Key Manager';
const KeyManagerName = Type.Enum([RESIDENT_KEY_MANAGER, 'default']);

const GrantTypes = Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10 });
/** RFC 6749 §3.3 scope tokens. */
const Scopes = Type.Array(
  Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$' }),
  {
    maxItems: 50,
  },
);

export const ApplicationTokenSchema = Type.Object({
  accessToken: Type.String(),
  tokenScopes: Type.Array(Type.String()),
  validityTime: Type.Integer(),
});
export type ApplicationToken = Static<typeof ApplicationTokenSchema>;

export const ApplicationKeySchema = Type.Object({
  keyMappingId: Type.String(),
  keyManager: Type.String(),
  consumerKey: Type.String(),
  /** Only in the answer that creates it: it is stored nowhere in clear. */
  consumerSecret: Type.Optional(Type.String()),
  supportedGrantTypes: Type.Array(Type.String()),
  callbackUrl: Type.Optional(Type.String()),
  keyState: Type.String(),
  keyType: Type.Enum(KEY_TYPES),
  mode: Type.Literal('CREATED'),
  token: Type.Optional(ApplicationTokenSchema),
  additionalProperties: Type.Record(Type.String(), Type.Unknown()),
});
export type ApplicationKey = Static<typeof ApplicationKeySchema>;

export const ApplicationKeyListSchema = Type.Object({
  count: Type.Integer(),
  list: Type.Array(ApplicationKeySchema),
});
export type ApplicationKeyList = Static<typeof ApplicationKeyListSchema>;

/** Seconds, as a string (WSO2) or a number; -1 or absent: the Key Manager's default. */
const Validity = Type.Union([Type.Integer({ minimum: -1 }), Type.String({ pattern: '^-?[0-9]{1,10}$' })]);

export const KeyGenerateRequestSchema = Type.Object({
  keyType: Type.Enum(KEY_TYPES),
  keyManager: Type.Optional(KeyManagerName),
  grantTypesToBeSupported: GrantTypes,
  callbackUrl: Type.Optional(Type.String({ maxLength: 2000 })),
  scopes: Type.Optional(Scopes),
  validityTime: Type.Optional(Validity),
  additionalProperties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type KeyGenerateRequest = Static<typeof KeyGenerateRequestSchema>;

/** PUT …/oauth-keys/{keyMappingId}: what may change of a key (WSO2 sends the whole ApplicationKey). */
export const KeyUpdateRequestSchema = Type.Object({
  supportedGrantTypes: GrantTypes,
  callbackUrl: Type.Optional(Type.String({ maxLength: 2000 })),
  keyManager: Type.Optional(Type.String()),
  keyMappingId: Type.Optional(Type.String()),
  consumerKey: Type.Optional(Type.String()),
  keyType: Type.Optional(Type.Enum(KEY_TYPES)),
  keyState: Type.Optional(Type.String()),
  mode: Type.Optional(Type.String()),
  additionalProperties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type KeyUpdateRequest = Static<typeof KeyUpdateRequestSchema>;

export const SecretResponseSchema = Type.Object({
  consumerKey: Type.String(),
  consumerSecret: Type.String(),
});
export type SecretResponse = Static<typeof SecretResponseSchema>;

export const TokenRequestSchema = Type.Object({
  /** Required here: the secret is stored only as a hash, so the caller proves they hold it. */
  consumerSecret: Type.String({ minLength: 1, maxLength: 200 }),
  validityPeriod: Type.Optional(Type.Integer()),
  scopes: Type.Optional(Scopes),
  revokeToken: Type.Optional(Type.String({ maxLength: 4096 })),
  grantType: Type.Optional(Type.Literal('CLIENT_CREDENTIALS')),
  additionalProperties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type TokenRequest = Static<typeof TokenRequestSchema>;

/**
 * POST …/oauth-keys/{keyMappingId}/revoke-token (a Portcullis addition: WSO2 revokes only through
 * generate-token's revokeToken): revokes one token of these keys at the Key Manager (RFC 7009), which needs
 * the keys' secret as generate-token does.
 */
export const RevokeTokenRequestSchema = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 4096 }),
  consumerSecret: Type.String({ minLength: 1, maxLength: 200 }),
});
export type RevokeTokenRequest = Static<typeof RevokeTokenRequestSchema>;

export const KeyParams = Type.Object({
  applicationId: Type.String({ maxLength: 64 }),
  keyMappingId: Type.String({ maxLength: 64 }),
});
