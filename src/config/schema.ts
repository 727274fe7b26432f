/**
 * The configuration schema: the one place that says which keys exist, their types, limits and defaults.
 * `Config` is derived from it. A field marked `secret: true` is masked wherever the config is shown.
 */
import { Type, type Static, type TSchema } from 'typebox';

export const PROFILES = [
  'all',
  'key-manager',
  'publisher',
  'devportal',
  'analytics',
  'traffic-manager',
  'gateway',
] as const;
export type Profile = (typeof PROFILES)[number];

const port = (defaultPort: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: 65535, default: defaultPort, description });

const seconds = (defaultSeconds: number, description: string, maximum = 10 * 365 * 86400) =>
  Type.Integer({ minimum: 1, maximum, default: defaultSeconds, description });

/** Also how long a retired signing key stays in the JWKS, so it bounds every access token's life. */
export const MAX_ACCESS_TOKEN_VALIDITY = 30 * 86400;

const section = <T extends Record<string, TSchema>>(properties: T, description: string) =>
  Type.Object(properties, { additionalProperties: false, default: {}, description });

export const ConfigSchema = Type.Object(
  {
    data_dir: Type.String({
      minLength: 1,
      default: './data',
      description: 'Holds the SQLite database, certificates and other state.',
    }),
    node: section(
      {
        profile: Type.Enum(PROFILES, { default: 'all', description: 'Which components this node runs.' }),
        name: Type.String({
          default: '',
          pattern: '^[A-Za-z0-9._-]*$',
          description:
            'Unique name of this node (its event-hub queues); empty: host name plus a random suffix.',
        }),
        hostname: Type.String({
          minLength: 1,
          default: 'localhost',
          description: 'Host name clients use to reach this node: its certificate and URLs.',
        }),
      },
      'This node.',
    ),
    http: section(
      {
        host: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Address to listen on.' }),
        https_port: port(9443, 'Management HTTPS port (0: any free port).'),
        http_port: port(9763, 'Management HTTP port (0: any free port).'),
        trust_proxy: Type.Array(Type.String({ minLength: 1 }), {
          default: [],
          description:
            'Addresses or CIDRs of load balancers whose X-Forwarded-For/-Proto to believe (client IP for login throttling, HTTPS detection; at the gateway, the caller for IP deny policies, IP throttling and request events, and the X-Forwarded-Proto sent to backends).',
        }),
        body_limit: Type.Integer({
          minimum: 1024,
          maximum: 100 * 1024 * 1024,
          default: 1024 * 1024,
          description: 'Largest request body accepted, in bytes.',
        }),
        cert_file: Type.String({
          default: '',
          description: 'PEM certificate; empty: generated under <data_dir>/certs.',
        }),
        key_file: Type.String({ default: '', description: 'PEM private key of cert_file.' }),
        ca_file: Type.String({ default: '', description: 'PEM CA bundle trusted for calls to other nodes.' }),
      },
      'The management HTTP(S) listeners.',
    ),
    database: section(
      {
        url: Type.String({
          default: '',
          pattern: '^(|sqlite:.+|postgres(ql)?://.+)$',
          secret: true,
          description: 'sqlite:<file> or postgres://…; empty: SQLite at <data_dir>/portcullis.db.',
        }),
        pool_size: Type.Integer({
          minimum: 1,
          maximum: 200,
          default: 10,
          description: 'PostgreSQL connections.',
        }),
      },
      'The database of the control plane.',
    ),
    event_hub: section(
      {
        type: Type.Enum(['in-process', 'rabbitmq'], {
          default: 'in-process',
          description: 'in-process (one node) or rabbitmq.',
        }),
        brokers: Type.Array(Type.String({ pattern: '^amqps?://.+' }), {
          default: [],
          secret: true,
          description: 'AMQP URLs of the RabbitMQ brokers, tried in order (failover).',
        }),
        cluster: Type.String({
          default: 'portcullis',
          pattern: '^[A-Za-z0-9_-]{1,100}$',
          description:
            "Name of this deployment on the brokers: its exchanges are <cluster>.<topic>; deployments of other names on the same brokers never see each other's events.",
        }),
        reconnect_max_delay_ms: Type.Integer({
          minimum: 100,
          maximum: 600_000,
          default: 30_000,
          description: 'Longest wait between reconnection attempts.',
        }),
      },
      'How nodes tell each other about changes.',
    ),
    log: section(
      {
        level: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
          default: 'info',
          description: 'Log level.',
        }),
      },
      'Logging (JSON lines on standard output).',
    ),
    services: section(
      {
        key_manager_url: Type.String({
          default: '',
          pattern: '^(|https://.+)$',
          description:
            "Base URL of the Key Manager (or its load balancer) for the other components (the seed's AuthManager ServerURL); empty: this node.",
        }),
        publisher_url: Type.String({
          default: '',
          pattern: '^(|https://.+)$',
          description:
            'Base URL of the Publisher (or its load balancer), whose internal data API gateways pull their state from; empty: this node.',
        }),
        devportal_url: Type.String({
          default: '',
          pattern: '^(|https://.+)$',
          description:
            "Base URL of the Developer Portal that the Publisher shows API providers (the seed's APIStore URL); empty: this node when it runs the Developer Portal.",
        }),
        revoke_url: Type.String({
          default: '',
          pattern: '^(|https://.+)$',
          description:
            "Where the Developer Portal revokes applications' tokens (the seed's RevokeAPIURL): a gateway's /revoke, which also drops the token from that gateway's cache at once; empty: the Key Manager's revocation endpoint.",
        }),
        node_client_id: Type.String({
          default: '',
          description:
            "This node's OAuth2 client (owned by an admin): it introspects opaque tokens, creates applications' clients at the Key Manager and reads the internal data API. Empty on a node that runs the Key Manager: it registers its own. Empty elsewhere: only JWT access tokens are accepted and the Developer Portal cannot generate keys.",
        }),
        node_client_secret: Type.String({
          default: '',
          secret: true,
          description: 'Secret of node_client_id.',
        }),
      },
      'How this node reaches the other components.',
    ),
    publisher: section(
      {
        environments: Type.Array(
          Type.Object(
            {
              name: Type.String({ pattern: '^[a-zA-Z0-9_-]{1,255}$', description: 'Environment name.' }),
              display_name: Type.String({ default: '', maxLength: 255 }),
              host: Type.String({
                pattern: '^[A-Za-z0-9.-]{1,255}$',
                description: "The gateways' host name.",
              }),
              http_port: Type.Integer({ minimum: 1, maximum: 65535, default: 8280 }),
              https_port: Type.Integer({ minimum: 1, maximum: 65535, default: 8243 }),
            },
            { additionalProperties: false },
          ),
          {
            default: [],
            maxItems: 100,
            description:
              "Gateway environments and the host and ports API consumers call them on (the seed's APIGateway Environments); they are read-only in the Admin API. Empty: a Default environment on localhost:8280/8243, editable.",
          },
        ),
      },
      'The Publisher (profile publisher).',
    ),
    key_manager: section(
      {
        issuer: Type.String({
          default: '',
          description: 'The `iss` of tokens; empty: https://<hostname>:<https_port>/oauth2/token.',
        }),
        token_format: Type.Enum(['JWT', 'OPAQUE'], {
          default: 'JWT',
          description: 'Access token format of new clients.',
        }),
        signing_algorithm: Type.Enum(['ES256', 'RS256'], {
          default: 'ES256',
          description: 'Algorithm of the JWT signing keys.',
        }),
        signing_key_rotation: seconds(
          90 * 86400,
          'Seconds after which a new signing key replaces the current one.',
        ),
        access_token_validity: seconds(
          3600,
          'Default access token lifetime, in seconds.',
          MAX_ACCESS_TOKEN_VALIDITY,
        ),
        refresh_token_validity: seconds(86400, 'Default refresh token lifetime, in seconds.'),
        authorization_code_validity: seconds(
          300,
          'Authorization code lifetime, in seconds (RFC 6749 §4.1.2: 10 minutes at most).',
          600,
        ),
        max_failed_logins: Type.Integer({
          minimum: 1,
          maximum: 1000,
          default: 5,
          description: 'Failed logins per user, or per client IP, before a lockout.',
        }),
        lockout: seconds(300, 'Seconds a user or IP stays locked out after too many failed logins.'),
        self_signup: Type.Boolean({
          default: true,
          description:
            'Let anyone create a developer account (role subscriber) at /keymanager/v1/self-signup; off: only admins create users.',
        }),
        allow_plain_http: Type.Boolean({
          default: false,
          description:
            'Accept credentials (token, authorize, revoke, introspect, registration, users) on the plain-HTTP listener; off: HTTPS only (RFC 6749 section 3.1).',
        }),
        portal_urls: Type.Array(Type.String({ pattern: '^https://[^/]+(/.*)?$' }), {
          default: [],
          description:
            'Base URLs (https://host:port) the web portals are reached at besides this node, services.publisher_url and services.devportal_url (a load balancer, a public host name): where sign-in may return to.',
        }),
      },
      'The OAuth2 authorization server.',
    ),
    gateway: section(
      {
        environment: Type.String({
          minLength: 1,
          default: 'Default',
          description: 'The gateway environment (Admin API) whose deployed APIs this gateway serves.',
        }),
        http_port: port(8280, 'Gateway HTTP port (0: any free port).'),
        https_port: port(8243, 'Gateway HTTPS port (0: any free port).'),
        backend_timeout: Type.Integer({
          minimum: 100,
          maximum: 600_000,
          default: 60_000,
          description:
            "Milliseconds to wait for a backend's response headers, unless the endpoint's actionDuration says otherwise.",
        }),
        backend_jwt: Type.Boolean({
          default: false,
          description:
            'Send each backend a signed JWT of the caller, application and tiers (WSO2 claims) in backend_jwt_header.',
        }),
        backend_jwt_header: Type.String({
          default: 'X-JWT-Assertion',
          pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
          description: "The backend JWT's request header; a client's own header of that name is replaced.",
        }),
        backend_jwt_expiry: seconds(
          900,
          'Seconds a backend JWT is valid (never past the access token).',
          86400,
        ),
        backend_jwt_key_file: Type.String({
          default: '',
          description:
            'PEM private key (EC P-256 or RSA) that signs backend JWTs; empty: one generated in the data dir. Its public key is served at /gateway/jwks.',
        }),
        cors: Type.Boolean({
          default: true,
          description:
            "Answer cross-origin requests (CORS) for APIs whose own corsConfiguration is off, with the cors_allow_* below (WSO2's [apim.cors]); off: only APIs that enable CORS answer them.",
        }),
        cors_allow_origins: Type.Array(Type.String({ minLength: 1 }), {
          default: ['*'],
          description: 'Origins allowed by the gateway-wide CORS policy; `*`: any.',
        }),
        cors_allow_methods: Type.Array(Type.String({ pattern: '^[A-Z]{1,20}$' }), {
          default: ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
          description: 'Methods a preflight allows under the gateway-wide CORS policy.',
        }),
        cors_allow_headers: Type.Array(Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$" }), {
          default: ['authorization', 'Access-Control-Allow-Origin', 'Content-Type', 'SOAPAction', 'apikey'],
          description: 'Request headers a preflight allows under the gateway-wide CORS policy.',
        }),
      },
      'The data plane (profile gateway).',
    ),
    analytics: section(
      {
        retention_days: Type.Integer({
          minimum: 1,
          maximum: 3650,
          default: 30,
          description: 'Days the per-minute request rollups are kept; older ones are deleted hourly.',
        }),
        flush_delay_seconds: Type.Integer({
          minimum: 0,
          maximum: 600,
          default: 10,
          description:
            "Seconds after a minute ends before its rollup is written, so that the gateways' late events are in it (later ones are written in a row of their own).",
        }),
      },
      'Request analytics (profile analytics): rollups per minute in the database.',
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
