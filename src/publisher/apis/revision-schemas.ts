/** API revisions and deployments as WSO2's publisher API v4 defines them (APIRevision, APIRevisionDeployment). */
import { Type, type Static } from 'typebox';

const VHOST =
  '^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])\\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\\-]*[A-Za-z0-9])$';

export const DeploymentSchema = Type.Object({
  revisionUuid: Type.Optional(Type.String({ maxLength: 255 })),
  name: Type.String({ minLength: 1, maxLength: 255 }),
  status: Type.Optional(Type.Enum(['CREATED', 'APPROVED', 'REJECTED'])),
  vhost: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: VHOST })),
  displayOnDevportal: Type.Optional(Type.Boolean({ default: true })),
  deployedTime: Type.Optional(Type.String({ readOnly: true })),
  successDeployedTime: Type.Optional(Type.String({ readOnly: true })),
});
export type Deployment = Static<typeof DeploymentSchema>;

export const DeploymentRequestSchema = Type.Array(DeploymentSchema, { minItems: 1, maxItems: 20 });

export const RevisionSchema = Type.Object({
  displayName: Type.Optional(Type.String({ readOnly: true })),
  id: Type.Optional(Type.String({ readOnly: true })),
  description: Type.Optional(Type.String({ maxLength: 255 })),
  createdTime: Type.Optional(Type.String({ readOnly: true })),
  apiInfo: Type.Optional(Type.Object({ id: Type.String() })),
  deploymentInfo: Type.Optional(Type.Array(DeploymentSchema)),
});
export type Revision = Static<typeof RevisionSchema>;

export const RevisionListSchema = Type.Object({ count: Type.Integer(), list: Type.Array(RevisionSchema) });
export type RevisionList = Static<typeof RevisionListSchema>;
export const DeploymentListSchema = Type.Object({ list: Type.Array(DeploymentSchema) });
export type DeploymentList = Static<typeof DeploymentListSchema>;

/** WSO2 keeps at most five revisions of an API. */
export const MAX_REVISIONS = 5;
