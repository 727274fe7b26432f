/**
 * The Developer Portal's view of an API (WSO2 devportal v3 `API`, `APIInfo`, `APIList`): what a consumer
 * needs to call it, and nothing of its backend (endpoints stay in the Publisher).
 */
import { Type, type Static } from 'typebox';
import { PageQuery, PageSchema } from '../../platform/pagination.js';
import { ApiSummaryFields } from '../../publisher/apis/api-schemas.js';

const Urls = Type.Object({ http: Type.Optional(Type.String()), https: Type.Optional(Type.String()) });

export const EndpointUrlsSchema = Type.Object({
  environmentName: Type.String(),
  environmentDisplayName: Type.String(),
  environmentType: Type.String(),
  URLs: Urls,
  defaultVersionURLs: Urls,
});
export type EndpointUrls = Static<typeof EndpointUrlsSchema>;

export const PortalApiSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  context: Type.String(),
  version: Type.String(),
  provider: Type.String(),
  lifeCycleStatus: Type.String(),
  isDefaultVersion: Type.Boolean(),
  type: Type.String(),
  transport: Type.Array(Type.String()),
  operations: Type.Array(Type.Object({ id: Type.String(), target: Type.String(), verb: Type.String() })),
  authorizationHeader: Type.String(),
  securityScheme: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
  tiers: Type.Array(Type.Object({ tierName: Type.String(), tierPlan: Type.String() })),
  hasThumbnail: Type.Boolean(),
  endpointURLs: Type.Array(EndpointUrlsSchema),
  environmentList: Type.Array(Type.String()),
  scopes: Type.Array(
    Type.Object({ key: Type.String(), name: Type.String(), roles: Type.Array(Type.String()) }),
  ),
  isSubscriptionAvailable: Type.Boolean(),
  createdTime: Type.String(),
  lastUpdatedTime: Type.String(),
});
export type PortalApi = Static<typeof PortalApiSchema>;

export const PortalApiInfoSchema = Type.Object({
  ...ApiSummaryFields,
  /** Not in WSO2's APIInfo (its portal asks /tags): the catalogue's cards show them and filter by them. */
  tags: Type.Array(Type.String()),
  throttlingPolicies: Type.Array(Type.String()),
  isSubscriptionAvailable: Type.Boolean(),
});
export type PortalApiInfo = Static<typeof PortalApiInfoSchema>;

export const PortalApiListSchema = PageSchema(PortalApiInfoSchema);

export const PortalApiListQuerySchema = Type.Object({
  ...PageQuery,
  /** `name:pizza tag:food context:/shop provider:alice`, or bare words matched against the name. */
  query: Type.Optional(Type.String({ maxLength: 500 })),
});
export type PortalApiListQuery = Static<typeof PortalApiListQuerySchema>;

export const SwaggerQuerySchema = Type.Object({
  environmentName: Type.Optional(Type.String({ maxLength: 255 })),
});
