/**
 * Throttle keys as WSO2 builds them, so that decisions, logs and dashboards read the same. `context` is the
 * API's context with its version (`/pizzashack/1.0.0`), as WSO2's gateways see it.
 */
export const throttleKeys = {
  api: (context: string, version: string) => `${context}:${version}`,
  resource: (context: string, version: string, uri: string, verb: string) =>
    `${context}/${version}${uri}:${verb}`,
  /** `applicationId` is the client's IP for operations without authentication (the Unauthenticated tier). */
  subscription: (applicationId: string, context: string, version: string) =>
    `${applicationId}:${context}:${version}`,
  application: (applicationId: string, user: string) => `${applicationId}:${user}`,
  /** One condition group of an advanced policy: counted apart from the policy's default limit. */
  condition: (key: string, group: number) => `${key}_condition_${group}`,
  backend: (context: string, version: string, keyType: string) => `${context}:${version}:${keyType}`,
};
