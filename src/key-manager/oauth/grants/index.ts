/** The grant types the token endpoint serves, by `grant_type`. */
import type { GrantType } from '../clients.js';
import type { Grant } from '../grant.js';
import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { passwordGrant } from './password.js';
import { refreshTokenGrant } from './refresh-token.js';

export const GRANTS: ReadonlyMap<string, Grant> = new Map<GrantType, Grant>(
  [clientCredentialsGrant, passwordGrant, refreshTokenGrant, authorizationCodeGrant].map((g) => [g.type, g]),
);
