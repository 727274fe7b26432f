/** Applications as WSO2's devportal API v3 defines them (Application, ApplicationInfo, ApplicationList). */
import { Type, type Static } from 'typebox';
import { PageQuery, PageSchema } from '../../platform/pagination.js';

export const TOKEN_TYPES = ['JWT', 'OAUTH'] as const;

export const ApplicationSchema = Type.Object({
  applicationId: Type.Optional(Type.String({ readOnly: true })),
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  throttlingPolicy: Type.String({ minLength: 1, maxLength: 60 }),
  description: Type.Optional(Type.String({ maxLength: 512 })),
  tokenType: Type.Optional(Type.Enum(TOKEN_TYPES, { default: 'JWT' })),
  status: Type.Optional(Type.String({ readOnly: true })),
  groups: Type.Optional(Type.Array(Type.String(), { maxItems: 0 })),
  subscriptionCount: Type.Optional(Type.Integer({ readOnly: true })),
  attributes: Type.Optional(
    Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 1000 }), { maxProperties: 50 }),
  ),
  owner: Type.Optional(Type.String({ readOnly: true })),
  hashEnabled: Type.Optional(Type.Boolean({ readOnly: true })),
  createdTime: Type.Optional(Type.String({ readOnly: true })),
  updatedTime: Type.Optional(Type.String({ readOnly: true })),
});
export type Application = Static<typeof ApplicationSchema>;

export const ApplicationInfoSchema = Type.Object({
  applicationId: Type.String(),
  name: Type.String(),
  throttlingPolicy: Type.String(),
  description: Type.Optional(Type.String()),
  status: Type.String(),
  groups: Type.Array(Type.String()),
  subscriptionCount: Type.Integer(),
  attributes: Type.Record(Type.String(), Type.String()),
  owner: Type.String(),
  tokenType: Type.Enum(TOKEN_TYPES),
  createdTime: Type.String(),
  updatedTime: Type.String(),
});
export type ApplicationInfo = Static<typeof ApplicationInfoSchema>;

export const ApplicationListSchema = PageSchema(ApplicationInfoSchema);

export const ApplicationListQuerySchema = Type.Object({
  ...PageQuery,
  /** Part of the name, case-insensitive. */
  query: Type.Optional(Type.String({ maxLength: 100 })),
  sortBy: Type.Enum(['name', 'throttlingPolicy', 'status', 'createdTime'], { default: 'name' }),
  sortOrder: Type.Enum(['asc', 'desc'], { default: 'asc' }),
});
export type ApplicationListQuery = Static<typeof ApplicationListQuerySchema>;

export const ApplicationParams = Type.Object({ applicationId: Type.String({ maxLength: 64 }) });
