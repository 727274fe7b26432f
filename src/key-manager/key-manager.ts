/** The Key Manager's services, built once per node from its configuration. */
import type { Kysely } from 'kysely';
import { MAX_ACCESS_TOKEN_VALIDITY, type Config } from '../config/schema.js';
import type { EventHub } from '../events/hub.js';
import type { Logger } from '../platform/logger.js';
import type { Tables } from '../store/tables.js';
import { AuthorizationCodes } from './oauth/authorization-codes.js';
import { ClientService } from './oauth/clients.js';
import type { GrantServices } from './oauth/grant.js';
import { SigningKeys } from './oauth/signing-keys.js';
import { Tokens } from './oauth/tokens.js';
import { Revocations } from './revocations.js';
import type { TokenMetrics } from './token-metrics.js';
import { LoginThrottle } from './users/login-throttle.js';
import { UserService } from './users/user-service.js';

export interface KeyManagerOptions {
  db: Kysely<Tables>;
  hub: EventHub;
  logger: Logger;
  config: Config['key_manager'];
  /** The `iss` of tokens and the base of the endpoint URLs in the metadata. */
  issuer: string;
  /** Base URL of the endpoints, e.g. https://km.example.com:9443. */
  baseUrl: string;
  metrics: TokenMetrics;
}

export class KeyManager implements GrantServices {
  readonly users: UserService;
  readonly clients: ClientService;
  readonly keys: SigningKeys;
  readonly tokens: Tokens;
  readonly codes: AuthorizationCodes;
  readonly revocations: Revocations;
  readonly issuer: string;
  readonly baseUrl: string;
  readonly config: Config['key_manager'];
  readonly metrics: TokenMetrics;

  constructor(options: KeyManagerOptions) {
    const { db, hub, logger, config } = options;
    this.config = config;
    this.issuer = options.issuer;
    this.baseUrl = options.baseUrl;
    this.metrics = options.metrics;
    this.revocations = new Revocations(db, hub, logger, options.metrics);
    const throttle = new LoginThrottle(db, {
      maxFailures: config.max_failed_logins,
      lockoutMs: config.lockout * 1000,
    });
    this.users = new UserService(db, hub, this.revocations, throttle, logger);
    this.clients = new ClientService(db);
    this.keys = new SigningKeys(db, {
      algorithm: config.signing_algorithm as 'ES256' | 'RS256',
      rotationMs: config.signing_key_rotation * 1000,
      maxTokenLifetimeMs: MAX_ACCESS_TOKEN_VALIDITY * 1000,
    });
    this.tokens = new Tokens(db, this.keys, this.issuer);
    this.codes = new AuthorizationCodes(db, config.authorization_code_validity * 1000);
  }
}
