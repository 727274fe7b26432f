/**
 * The analytics REST responses (Publisher: /apis/{apiId}/analytics and /analytics; Developer Portal:
 * /applications/{applicationId}/analytics). The web portals import these types.
 */
import { Type, type Static } from 'typebox';

export const ANALYTICS_RANGES = ['1h', '24h', '7d', '30d'] as const;
export type AnalyticsRange = (typeof ANALYTICS_RANGES)[number];

export const AnalyticsQuerySchema = Type.Object({
  range: Type.Enum(ANALYTICS_RANGES, {
    default: '24h',
    description: 'How far back: 1h (by minute), 24h (by 15 minutes), 7d (by hour) or 30d (by 6 hours).',
  }),
});
export type AnalyticsQuery = Static<typeof AnalyticsQuerySchema>;

const Count = Type.Integer({ minimum: 0 });
/** Milliseconds; null where there were no requests. */
const Latency = Type.Union([Type.Number({ minimum: 0 }), Type.Null()]);

export const LatencyPercentilesSchema = Type.Object({ p50: Latency, p95: Latency, p99: Latency });
export type LatencyPercentiles = Static<typeof LatencyPercentilesSchema>;

export const AnalyticsTotalsSchema = Type.Object({
  requests: Count,
  /** Answered 4xx or 5xx, throttled requests included. */
  errors: Count,
  /** Rejected by a throttling limit. */
  throttled: Count,
  latency: LatencyPercentilesSchema,
});
export type AnalyticsTotals = Static<typeof AnalyticsTotalsSchema>;

/** One bucket of the series: `time` is its start (ms since the epoch); every bucket is there, empty or not. */
export const AnalyticsPointSchema = Type.Object({
  time: Type.Integer(),
  requests: Count,
  errors: Count,
  throttled: Count,
  p50: Latency,
  p95: Latency,
  p99: Latency,
});
export type AnalyticsPoint = Static<typeof AnalyticsPointSchema>;

export const TopApiSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  version: Type.String(),
  requests: Count,
  errors: Count,
  throttled: Count,
});
export type TopApi = Static<typeof TopApiSchema>;

export const TopApplicationSchema = Type.Object({
  id: Type.String(),
  /** Null once the application is deleted. */
  name: Type.Union([Type.String(), Type.Null()]),
  owner: Type.Union([Type.String(), Type.Null()]),
  requests: Count,
  errors: Count,
  throttled: Count,
});
export type TopApplication = Static<typeof TopApplicationSchema>;

export const ByStatusClassSchema = Type.Object({
  '1xx': Count,
  '2xx': Count,
  '3xx': Count,
  '4xx': Count,
  '5xx': Count,
});
export type ByStatusClass = Static<typeof ByStatusClassSchema>;

/** NONE: requests that carried no key (unauthenticated operations, or rejected before the key was known). */
export const ByKeyTypeSchema = Type.Object({ PRODUCTION: Count, SANDBOX: Count, NONE: Count });
export type ByKeyType = Static<typeof ByKeyTypeSchema>;

export const AnalyticsSchema = Type.Object({
  range: Type.Enum(ANALYTICS_RANGES),
  /** Start of the first bucket, inclusive (ms since the epoch). */
  from: Type.Integer(),
  /** End of the last bucket, exclusive: the current bucket is the last, still filling. */
  to: Type.Integer(),
  bucketSeconds: Type.Integer({ minimum: 1 }),
  totals: AnalyticsTotalsSchema,
  series: Type.Array(AnalyticsPointSchema),
  /** The 10 APIs with the most requests, most first. */
  topApis: Type.Array(TopApiSchema),
  /** The 10 applications with the most requests, most first; requests without an application are left out. */
  topApplications: Type.Array(TopApplicationSchema),
  byStatusClass: ByStatusClassSchema,
  byKeyType: ByKeyTypeSchema,
});
export type Analytics = Static<typeof AnalyticsSchema>;
