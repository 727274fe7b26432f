/**
 * The contract of the Key Manager's clients API (/keymanager/v1/clients), shared with its caller, the
 * Developer Portal.
 */
import { Type, type Static } from 'typebox';
import { MAX_ACCESS_TOKEN_VALIDITY } from '../../config/schema.js';
import { GRANT_TYPES } from '../oauth/clients.js';

export const CLIENTS_PATH = '/keymanager/v1/clients';

export const ManagedClientSettingsSchema = Type.Object(
  {
    grantTypes: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: GRANT_TYPES.length * 2 }),
    callbackUrl: Type.Optional(Type.String({ maxLength: 2000 })),
    tokenType: Type.Enum(['JWT', 'OPAQUE']),
    /** Seconds; default `key_manager.access_token_validity`. */
    accessTokenValidity: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ACCESS_TOKEN_VALIDITY })),
  },
  { additionalProperties: false },
);

export const NewManagedClientSchema = Type.Object(
  {
    clientName: Type.String({ minLength: 1, maxLength: 255 }),
    owner: Type.String({ minLength: 1, maxLength: 64 }),
    ...ManagedClientSettingsSchema.properties,
  },
  { additionalProperties: false },
);
export type NewManagedClient = Static<typeof NewManagedClientSchema>;
export type ManagedClientSettings = Static<typeof ManagedClientSettingsSchema>;

export const ManagedClientSchema = Type.Object({
  clientId: Type.String(),
  /** Only in the answers that create or regenerate it. */
  clientSecret: Type.Optional(Type.String()),
  clientName: Type.String(),
  owner: Type.String(),
  grantTypes: Type.Array(Type.String()),
  callbackUrl: Type.Union([Type.String(), Type.Null()]),
  tokenType: Type.Enum(['JWT', 'OPAQUE']),
  accessTokenValidity: Type.Integer(),
});
export type ManagedClient = Static<typeof ManagedClientSchema>;
