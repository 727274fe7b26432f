/**
 * The API object of WSO2's publisher API v4, for the fields Portcullis implements, stricter where WSO2 only
 * describes allowed values in prose. The Publisher's API types come from these schemas.
 */
import { Type, type Static } from 'typebox';
import { PageQuery, PageSchema } from '../../platform/pagination.js';
import { LIFECYCLE_STATES } from './lifecycle.js';

/** WSO2's patterns for an API's name and version. */
const NAME_PATTERN = '^[^~!@#;:%^*()+={}|\\\\<>"\',&$\\[\\]\\/]*$';
const VERSION_PATTERN = '^[^~!@#;:%^*()+={}|\\\\<>"\',&/$\\[\\]\\s]+$';

/** As many operations as an API may have, whether listed in it or taken from its definition. */
export const MAX_OPERATIONS = 500;

export const HTTP_VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const AUTH_TYPES = [
  'Any',
  'Application & Application User',
  'Application',
  'Application User',
  'None',
] as const;

const EndpointSchema = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2048 }),
  config: Type.Optional(
    Type.Object({
      /**
       * Milliseconds before the backend call times out: a number or, as WSO2 clients send it, a numeric string.
       * Checked in api-checks.ts, not here, so that request coercion cannot turn one into the other.
       */
      actionDuration: Type.Optional(Type.Unknown()),
      actionSelect: Type.Optional(Type.Enum(['fault', 'discard'])),
    }),
  ),
});
export type Endpoint = Static<typeof EndpointSchema>;

const Endpoints = Type.Union([EndpointSchema, Type.Array(EndpointSchema, { minItems: 1, maxItems: 20 })]);

export const EndpointConfigSchema = Type.Object({
  endpoint_type: Type.Enum(['http', 'load_balance', 'failover']),
  production_endpoints: Type.Optional(Endpoints),
  sandbox_endpoints: Type.Optional(Endpoints),
  production_failovers: Type.Optional(Type.Array(EndpointSchema, { maxItems: 20 })),
  sandbox_failovers: Type.Optional(Type.Array(EndpointSchema, { maxItems: 20 })),
  algoCombo: Type.Optional(Type.String()),
  sessionManagement: Type.Optional(Type.String()),
  sessionTimeOut: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
});
export type EndpointConfig = Static<typeof EndpointConfigSchema>;

export const OperationSchema = Type.Object({
  id: Type.Optional(Type.String()),
  target: Type.String({ minLength: 1, maxLength: 1024, pattern: '^/' }),
  verb: Type.Enum(HTTP_VERBS),
  authType: Type.Optional(Type.Enum(AUTH_TYPES, { default: 'Any' })),
  throttlingPolicy: Type.Optional(Type.String({ maxLength: 60 })),
  scopes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 50 })),
});
export type Operation = Static<typeof OperationSchema>;

export const ApiScopeSchema = Type.Object({
  scope: Type.Object({
    id: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$' }),
    displayName: Type.Optional(Type.String({ maxLength: 255 })),
    description: Type.Optional(Type.String({ maxLength: 512 })),
    bindings: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 50 })),
  }),
  shared: Type.Optional(Type.Boolean()),
});

export const CorsSchema = Type.Object({
  corsConfigurationEnabled: Type.Optional(Type.Boolean()),
  accessControlAllowOrigins: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 100 })),
  accessControlAllowCredentials: Type.Optional(Type.Boolean()),
  accessControlAllowHeaders: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 100 })),
  accessControlAllowMethods: Type.Optional(Type.Array(Type.Enum(HTTP_VERBS), { maxItems: 7 })),
});

export const ApiSchema = Type.Object({
  id: Type.Optional(Type.String({ readOnly: true })),
  name: Type.String({ minLength: 1, maxLength: 60, pattern: NAME_PATTERN }),
  description: Type.Optional(Type.String({ maxLength: 32_000 })),
  context: Type.String({ minLength: 1, maxLength: 232 }),
  version: Type.String({ minLength: 1, maxLength: 30, pattern: VERSION_PATTERN }),
  provider: Type.Optional(Type.String({ maxLength: 200, readOnly: true })),
  lifeCycleStatus: Type.Optional(Type.Enum(LIFECYCLE_STATES, { readOnly: true })),
  isDefaultVersion: Type.Optional(Type.Boolean()),
  type: Type.Optional(Type.Literal('HTTP', { default: 'HTTP' })),
  transport: Type.Optional(
    Type.Array(Type.Enum(['http', 'https']), { minItems: 1, maxItems: 2, uniqueItems: true }),
  ),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 })),
  policies: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 50, uniqueItems: true }),
  ),
  apiThrottlingPolicy: Type.Optional(Type.String({ maxLength: 60 })),
  authorizationHeader: Type.Optional(
    Type.String({ maxLength: 100, pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" }),
  ),
  securityScheme: Type.Optional(
    Type.Array(Type.Enum(['oauth2', 'api_key', 'oauth_basic_auth_api_key_mandatory']), {
      maxItems: 3,
      uniqueItems: true,
    }),
  ),
  maxTps: Type.Optional(
    Type.Object({
      production: Type.Optional(Type.Integer({ minimum: 1 })),
      sandbox: Type.Optional(Type.Integer({ minimum: 1 })),
    }),
  ),
  visibility: Type.Optional(Type.Enum(['PUBLIC', 'PRIVATE', 'RESTRICTED'], { default: 'PUBLIC' })),
  visibleRoles: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 50 })),
  endpointConfig: Type.Optional(EndpointConfigSchema),
  corsConfiguration: Type.Optional(CorsSchema),
  operations: Type.Optional(Type.Array(OperationSchema, { maxItems: MAX_OPERATIONS })),
  scopes: Type.Optional(Type.Array(ApiScopeSchema, { maxItems: 100 })),
  createdTime: Type.Optional(Type.String({ readOnly: true })),
  lastUpdatedTime: Type.Optional(Type.String({ readOnly: true })),
});
export type Api = Static<typeof ApiSchema>;

/** What every list of APIs says of each (the Publisher's and the Developer Portal's APIInfo). */
export const ApiSummaryFields = {
  id: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  context: Type.String(),
  version: Type.String(),
  provider: Type.String(),
  type: Type.String(),
  lifeCycleStatus: Type.String(),
  createdTime: Type.String(),
};

export const ApiInfoSchema = Type.Object({
  ...ApiSummaryFields,
  securityScheme: Type.Array(Type.String()),
  updatedTime: Type.String(),
});
export type ApiInfo = Static<typeof ApiInfoSchema>;

export const ApiListSchema = PageSchema(ApiInfoSchema);

export const ApiListQuerySchema = Type.Object({
  ...PageQuery,
  query: Type.Optional(Type.String({ maxLength: 500 })),
  sortBy: Type.Enum(['apiName', 'version', 'createdTime', 'status'], { default: 'createdTime' }),
  sortOrder: Type.Enum(['asc', 'desc'], { default: 'desc' }),
});
export type ApiListQuery = Static<typeof ApiListQuerySchema>;

export const LifecycleStateSchema = Type.Object({
  state: Type.String(),
  checkItems: Type.Array(
    Type.Object({ name: Type.String(), value: Type.Boolean(), requiredStates: Type.Array(Type.String()) }),
  ),
  availableTransitions: Type.Array(Type.Object({ event: Type.String(), targetState: Type.String() })),
});
export type LifecycleState = Static<typeof LifecycleStateSchema>;

export const LifecycleHistorySchema = Type.Object({
  count: Type.Integer(),
  list: Type.Array(
    Type.Object({
      previousState: Type.String(),
      postState: Type.String(),
      user: Type.String(),
      updatedTime: Type.String(),
    }),
  ),
});

export const WorkflowResponseSchema = Type.Object({
  workflowStatus: Type.Enum(['CREATED', 'APPROVED', 'REJECTED', 'REGISTERED']),
  lifecycleState: LifecycleStateSchema,
});
export type WorkflowResponse = Static<typeof WorkflowResponseSchema>;
