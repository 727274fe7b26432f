/**
 * A grant type is one module: the parameters it accepts and its handler. The token endpoint strips every
 * parameter a grant does not declare, authenticates the client, checks the client may use the grant, then
 * calls the handler.
 */
import type { Revocations } from '../revocations.js';
import type { UserService } from '../users/user-service.js';
import type { Client, GrantType } from './clients.js';
import type { AuthorizationCodes } from './authorization-codes.js';
import type { TokenResponse, Tokens } from './tokens.js';

export interface GrantServices {
  users: UserService;
  tokens: Tokens;
  codes: AuthorizationCodes;
  revocations: Revocations;
}

export interface GrantRequest {
  client: Client;
  /** Only the parameters the grant declares. */
  params: Record<string, string | undefined>;
  ip: string;
}

export interface Grant {
  readonly type: GrantType;
  readonly parameters: readonly string[];
  /** False for grants a public client may not use (client_credentials: RFC 6749 §4.4). */
  readonly allowsPublicClients: boolean;
  handle(request: GrantRequest, services: GrantServices): Promise<TokenResponse>;
}
