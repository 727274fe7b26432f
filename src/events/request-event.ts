/**
 * What a gateway says of each request it answered, on the `requests` topic in batches (REQUEST_BATCH): the
 * Traffic Manager counts them for throttling and analytics rolls them up. Shared by producer and consumers.
 */
import { Type, type Static } from 'typebox';

export const REQUEST_BATCH = 'REQUEST_BATCH';

export const RequestEventSchema = Type.Object({
  timestamp: Type.Integer(),
  apiId: Type.String(),
  apiName: Type.String(),
  apiVersion: Type.String(),
  apiContext: Type.String(),
  /** `GET /menu/{id}`. */
  operation: Type.String(),
  applicationId: Type.Union([Type.String(), Type.Null()]),
  subscriptionPolicy: Type.Union([Type.String(), Type.Null()]),
  applicationPolicy: Type.Union([Type.String(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  keyType: Type.Union([Type.Literal('PRODUCTION'), Type.Literal('SANDBOX'), Type.Null()]),
  status: Type.Integer(),
  /** Milliseconds, whole request at the gateway. */
  latency: Type.Number(),
  /** Milliseconds from forwarding to the backend's response headers; null when not forwarded. */
  backendLatency: Type.Union([Type.Number(), Type.Null()]),
  requestBytes: Type.Integer(),
  responseBytes: Type.Integer(),
  clientIp: Type.String(),
  /** The WSO2 error code the gateway answered, when it answered an error itself. */
  errorCode: Type.Union([Type.Integer(), Type.Null()]),
  /** Over its subscription's quota and let through (a tier with stopOnQuotaReach=false): for billing. */
  overQuota: Type.Boolean(),
});
export type RequestEvent = Static<typeof RequestEventSchema>;
