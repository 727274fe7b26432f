/**
 * WSO2-compatible dynamic client registration: POST /client-registration/v0.17/register, authenticated with
 * the user's credentials (HTTP Basic). `tokenType`, `publicClient`, `accessTokenValidity` and
 * `refreshTokenValidity` are Portcullis extensions.
 */
import { Type, type Static } from 'typebox';
import { MAX_ACCESS_TOKEN_VALIDITY } from '../../config/schema.js';
import { Conflict, Forbidden } from '../../platform/errors.js';
import type { App } from '../../platform/http-server.js';
import type { KeyManager } from '../key-manager.js';
import type { Client, GrantType, NewClient } from '../oauth/clients.js';
import { authenticateBasicUser } from './basic-user.js';
import { checkGrantTypes, parseCallback } from '../oauth/client-settings.js';

export const RegistrationRequestSchema = Type.Object(
  {
    clientName: Type.String({ minLength: 1, maxLength: 255 }),
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    grantType: Type.Optional(Type.String({ maxLength: 1000 })),
    callbackUrl: Type.Optional(Type.String({ maxLength: 2000 })),
    saasApp: Type.Optional(Type.Boolean()),
    tokenType: Type.Optional(Type.Enum(['JWT', 'OPAQUE'])),
    publicClient: Type.Optional(Type.Boolean()),
    /** Seconds; default `key_manager.access_token_validity`. */
    accessTokenValidity: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ACCESS_TOKEN_VALIDITY })),
    /** Seconds; default `key_manager.refresh_token_validity`. */
    refreshTokenValidity: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 * 365 * 86400 })),
  },
  { additionalProperties: true },
);
export type RegistrationRequest = Static<typeof RegistrationRequestSchema>;

export const RegistrationResponseSchema = Type.Object({
  clientId: Type.String(),
  clientName: Type.String(),
  callBackURL: Type.Union([Type.String(), Type.Null()]),
  clientSecret: Type.Union([Type.String(), Type.Null()]),
  isSaasApplication: Type.Boolean(),
  appOwner: Type.String(),
  jsonString: Type.String(),
});
export type RegistrationResponse = Static<typeof RegistrationResponseSchema>;

const DEFAULT_GRANTS: GrantType[] = ['client_credentials', 'password', 'refresh_token'];

function parseGrantTypes(value: string | undefined): GrantType[] {
  if (value === undefined || value.trim() === '') return DEFAULT_GRANTS;
  return checkGrantTypes(value.trim().split(/\s+/), 'grantType');
}

function toResponse(client: Client, clientSecret: string | undefined): RegistrationResponse {
  const callBackURL = client.redirectUris[0] ?? null;
  return {
    clientId: client.clientId,
    clientName: client.name,
    callBackURL,
    clientSecret: clientSecret ?? null,
    isSaasApplication: client.saasApp,
    appOwner: client.owner,
    jsonString: JSON.stringify({
      grant_types: client.grantTypes.join(' '),
      redirect_uris: callBackURL ?? '',
      client_name: client.name,
    }),
  };
}

export function registerRegistrationRoute(app: App, km: KeyManager): void {
  app.post(
    '/client-registration/v0.17/register',
    { schema: { body: RegistrationRequestSchema, response: { 200: RegistrationResponseSchema } } },
    async (request) => {
      const user = await authenticateBasicUser(km, request);
      const body = request.body;
      const owner = body.owner ?? user.username;
      if (owner !== user.username && !user.roles.includes('admin')) {
        throw new Forbidden('Only an admin may register a client for another owner.');
      }
      const grantTypes = parseGrantTypes(body.grantType);
      const redirectUris = parseCallback(body.callbackUrl, grantTypes);
      const spec: NewClient = {
        name: body.clientName,
        owner,
        grantTypes,
        redirectUris,
        tokenFormat: body.tokenType ?? (km.config.token_format as 'JWT' | 'OPAQUE'),
        accessTokenValidity: body.accessTokenValidity ?? km.config.access_token_validity,
        refreshTokenValidity: body.refreshTokenValidity ?? km.config.refresh_token_validity,
        isPublic: body.publicClient ?? false,
        saasApp: body.saasApp ?? false,
      };
      const existing = await km.clients.findByName(owner, body.clientName);
      if (existing) {
        if (existing.isPublic !== spec.isPublic) {
          throw new Conflict(
            `"${body.clientName}" is registered as a ${existing.isPublic ? 'public' : 'confidential'} client; register the other kind under another name.`,
          );
        }
        // Secrets are stored only as hashes, so the old one cannot be returned: a new one replaces it,
        // and the rest of the registration is brought up to date.
        const updated = await km.clients.update(existing.clientId, spec);
        const secret = updated.isPublic ? undefined : await km.clients.regenerateSecret(existing.clientId);
        return toResponse(updated, secret);
      }
      const { client, clientSecret } = await km.clients.register(spec);
      return toResponse(client, clientSecret);
    },
  );
}
