/**
 * The database tables as Kysely sees them. Timestamps are milliseconds since the epoch (bigint),
 * flags are 0/1 integers, so that one set of migrations and queries serves SQLite and PostgreSQL.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  disabled: number;
  created_at: number;
  updated_at: number;
}

export interface UserRolesTable {
  user_id: string;
  role: string;
}

export interface OAuthClientsTable {
  client_id: string;
  /** scrypt hash of the secret; null for public clients. */
  secret_hash: string | null;
  name: string;
  owner: string;
  /** Space-separated grant types. */
  grant_types: string;
  /** JSON array of redirect URIs. */
  redirect_uris: string;
  token_format: string;
  access_token_validity: number;
  refresh_token_validity: number;
  saas_app: number;
  created_at: number;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
  /** After this, the key no longer signs (a newer key does); it stays in the JWKS until `expires_at`. */
  retire_at: number;
  /** After this, no token it signed can still be valid: dropped from the JWKS. */
  expires_at: number;
}

export interface TokensTable {
  /** SHA-256 of an opaque token or of a refresh token; the `jti` of a JWT. */
  id: string;
  kind: 'access' | 'refresh';
  format: 'JWT' | 'OPAQUE';
  client_id: string;
  /** The user the token acts for, or null for client_credentials. */
  username: string | null;
  scope: string;
  /** Tokens issued from one grant and its refreshes share a family: reuse of a rotated token revokes it. */
  family_id: string;
  issued_at: number;
  expires_at: number;
  revoked: number;
  /** Set when a refresh token has been exchanged for a new one. */
  rotated_at: number | null;
}

export interface AuthorizationCodesTable {
  code_hash: string;
  client_id: string;
  username: string;
  /** As sent in the authorization request; null when it was left out (RFC 6749 §4.1.3 then needs none). */
  redirect_uri: string | null;
  scope: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  family_id: string;
  expires_at: number;
  used: number;
}

export interface LoginFailuresTable {
  /** `user:<name>` or `ip:<address>`. */
  key: string;
  /** Attempts (failed, or not yet known to have succeeded) since `first_failure_at`. */
  failures: number;
  first_failure_at: number;
}

/** A throttling policy; `body` is the policy's JSON as the Admin API defines it (without its id). */
export interface ThrottlingPoliciesTable {
  id: string;
  kind: 'application' | 'subscription' | 'advanced';
  name: string;
  body: string;
  created_at: number;
  updated_at: number;
}

export interface EnvironmentsTable {
  id: string;
  name: string;
  /** The environment's JSON as the Admin API defines it (without its id). */
  body: string;
  created_at: number;
  updated_at: number;
}

/** An API; `body` is the rest of its JSON as the publisher API defines it. */
export interface ApisTable {
  id: string;
  name: string;
  /** Without the version: `/pizzashack`. */
  context: string;
  version: string;
  provider: string;
  lifecycle_status: string;
  /** 1 for the version that answers on the bare context (one per API name). */
  is_default_version: number;
  body: string;
  created_at: number;
  updated_at: number;
}

export interface ApiLifecycleHistoryTable {
  id: string;
  api_id: string;
  previous_state: string;
  post_state: string;
  username: string;
  updated_at: number;
}

export interface ApiRevisionsTable {
  id: string;
  api_id: string;
  /** 1, 2, 3…: "Revision N". */
  number: number;
  description: string;
  /** `{api, definition}` as JSON when the revision was made: what gateways run. */
  snapshot: string;
  created_at: number;
}

export interface ApiDeploymentsTable {
  api_id: string;
  revision_id: string;
  /** The environment's name; one revision of an API per environment. */
  environment: string;
  vhost: string;
  display_on_devportal: number;
  deployed_at: number;
}

export interface ApiDefinitionsTable {
  api_id: string;
  /** The OpenAPI (3.x) or Swagger (2.0) document, as JSON. */
  definition: string;
  updated_at: number;
}

export interface ApiDocumentsTable {
  id: string;
  api_id: string;
  name: string;
  /** The document's metadata as the publisher API defines it (type, summary, sourceType, …). */
  body: string;
  /** Inline or markdown text; a file's bytes in base64. */
  content: string | null;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
}

/** An application; `body` holds its description and attributes as the devportal API defines them. */
export interface ApplicationsTable {
  id: string;
  name: string;
  owner: string;
  throttling_policy: string;
  /** JWT or OAUTH (opaque tokens). */
  token_type: string;
  status: string;
  body: string;
  created_at: number;
  updated_at: number;
}

/** An application's OAuth2 client at the Key Manager, one per key type; its secret is only there, hashed. */
export interface ApplicationKeysTable {
  id: string;
  application_id: string;
  /** PRODUCTION or SANDBOX. */
  key_type: string;
  /** The client_id. */
  consumer_key: string;
  created_at: number;
}

export interface SubscriptionsTable {
  id: string;
  application_id: string;
  api_id: string;
  throttling_policy: string;
  requested_throttling_policy: string | null;
  /** WSO2's statuses: UNBLOCKED, BLOCKED, PROD_ONLY_BLOCKED, … */
  status: string;
  created_at: number;
  updated_at: number;
}

export interface DenyPoliciesTable {
  id: string;
  /** API, APPLICATION, IP, IPRANGE or USER. */
  condition_type: string;
  /** JSON of the value as the Admin API shows it. */
  condition_value: string;
  condition_key: string;
  enabled: number;
  created_at: number;
}

export interface RetiredUsernamesTable {
  username: string;
  retired_at: number;
}

/**
 * One partial rollup of a minute's requests (docs/analytics.md): queries add up every row of a minute and
 * dimensions. A request without an application, subscription tier or key type has '' there.
 */
export interface AnalyticsMinutesTable {
  /** Start of the minute. */
  minute: number;
  api_id: string;
  api_name: string;
  api_version: string;
  /** With the version: `/pizzashack/1.0.0`. */
  api_context: string;
  /** `GET /menu/{id}`. */
  operation: string;
  application_id: string;
  subscription_policy: string;
  /** PRODUCTION, SANDBOX or ''. */
  key_type: string;
  /** 1xx … 5xx. */
  status_class: string;
  requests: number;
  /** Answered 4xx or 5xx. */
  errors: number;
  /** Rejected by a throttling limit (also counted in errors). */
  throttled: number;
  /** Milliseconds, of this row's requests only: ranges merge latency_histogram instead. */
  latency_p50: number;
  latency_p95: number;
  latency_p99: number;
  /** JSON `{"<bucket>": count}` of src/analytics/latency-histogram.ts. */
  latency_histogram: string;
  request_bytes: number;
  response_bytes: number;
}

export interface Tables {
  users: UsersTable;
  user_roles: UserRolesTable;
  oauth_clients: OAuthClientsTable;
  signing_keys: SigningKeysTable;
  tokens: TokensTable;
  authorization_codes: AuthorizationCodesTable;
  login_failures: LoginFailuresTable;
  throttling_policies: ThrottlingPoliciesTable;
  environments: EnvironmentsTable;
  apis: ApisTable;
  api_lifecycle_history: ApiLifecycleHistoryTable;
  api_revisions: ApiRevisionsTable;
  api_deployments: ApiDeploymentsTable;
  api_definitions: ApiDefinitionsTable;
  api_documents: ApiDocumentsTable;
  applications: ApplicationsTable;
  application_keys: ApplicationKeysTable;
  subscriptions: SubscriptionsTable;
  deny_policies: DenyPoliciesTable;
  retired_usernames: RetiredUsernamesTable;
  analytics_minutes: AnalyticsMinutesTable;
}

export type User = Selectable<UsersTable>;
export type OAuthClientRow = Selectable<OAuthClientsTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type TokenRow = Selectable<TokensTable>;
export type NewToken = Insertable<TokensTable>;
export type AuthorizationCodeRow = Selectable<AuthorizationCodesTable>;
export type ClientUpdate = Updateable<OAuthClientsTable>;
export type { Generated };
