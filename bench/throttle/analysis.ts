/**
 * Counting one scenario of `npm run bench -- throttle` from its per-request records: requests go to the
 * epoch-aligned minute of their send time (admitted ones also, as a cross-check, to the minute in which they
 * reached the backend); per window the admitted ones (200) over the limit L, the moment the cluster crossed
 * the limit (the send time of the L-th admitted request, in send order), and per gateway the delay from that
 * moment to its first 429, the requests it still admitted after it, and any 429 it answered before it (an
 * early refusal). The same on the gateways' side, from the backend's clock: when the L-th admitted request
 * reached it, and how long after that each gateway still admitted requests.
 */
import type { Records } from './paced.js';

export const WINDOW_MS = 60_000;

export interface GatewayWindow {
  sent: number;
  admitted: number;
  /** Send time of the gateway's first 429 in the window. */
  first429At?: number;
  /** first429At minus the crossing; negative when the gateway refused before the cluster reached L. */
  delayMs?: number;
  /** 200s sent after the crossing (the L-th excluded): this gateway's part of the excess. */
  admittedAfter: number;
  /** 429s sent before the crossing (or in a window that never crossed). */
  refusedBefore: number;
  /** When the gateway's last admitted request of the window (by arrival) reached the backend. */
  lastArrivalAt?: number;
  /** lastArrivalAt minus crossedAtArrival: how long the gateway still admitted, on the gateways' side. */
  lagMs?: number;
}

export interface WindowResult {
  start: number;
  sent: number;
  admitted: number;
  throttled: number;
  /** Any other status, or no response (0), by status. */
  other: Map<number, number>;
  ratio: number;
  /** 200s that reached the backend within the window (when the gateways counted them), over L. */
  admittedByArrival: number;
  ratioByArrival: number;
  /** Send time of the L-th admitted request; undefined when fewer than L were admitted. */
  crossedAt?: number;
  /** When the L-th admitted request (by arrival) reached the backend: the crossing as the gateways saw it. */
  crossedAtArrival?: number;
  gateways: GatewayWindow[];
}

export interface Pacing {
  lateP50Ms: number;
  lateP99Ms: number;
  lateMaxMs: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** From sending an admitted request to its arrival at the backend: queueing on the way to the gateway. */
  reachP50Ms: number;
  reachP99Ms: number;
  reachMaxMs: number;
}

const percentile = (values: Float64Array, q: number) => {
  const sorted = Float64Array.from(values).sort();
  return sorted.length === 0
    ? NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number);
};

export function pacing(records: Records): Pacing {
  const latency = new Float64Array(records.sentAt.length);
  const reach: number[] = [];
  for (let i = 0; i < latency.length; i++) {
    latency[i] = (records.doneAt[i] ?? 0) - (records.sentAt[i] ?? 0);
    const arrivedAt = records.backendAt[i] as number;
    if (!Number.isNaN(arrivedAt)) reach.push(arrivedAt - (records.sentAt[i] ?? 0));
  }
  const reached = Float64Array.from(reach);
  return {
    lateP50Ms: percentile(records.lateMs, 0.5),
    lateP99Ms: percentile(records.lateMs, 0.99),
    lateMaxMs: percentile(records.lateMs, 1),
    latencyP50Ms: percentile(latency, 0.5),
    latencyP99Ms: percentile(latency, 0.99),
    reachP50Ms: percentile(reached, 0.5),
    reachP99Ms: percentile(reached, 0.99),
    reachMaxMs: percentile(reached, 1),
  };
}

/** The windows [startAt + i·60 s, +60 s) for i < windows, counted from one scenario's records. */
export function countWindows(
  records: Records,
  limit: number,
  startAt: number,
  windows: number,
  gateways: number,
): WindowResult[] {
  const results: WindowResult[] = Array.from({ length: windows }, (_, i) => ({
    start: startAt + i * WINDOW_MS,
    sent: 0,
    admitted: 0,
    throttled: 0,
    other: new Map<number, number>(),
    ratio: 0,
    admittedByArrival: 0,
    ratioByArrival: 0,
    gateways: Array.from({ length: gateways }, () => ({
      sent: 0,
      admitted: 0,
      admittedAfter: 0,
      refusedBefore: 0,
    })),
  }));
  const arrivals = results.map(() => [] as number[]);
  // Records are in send order (the generator sends each stream's requests in order).
  for (let k = 0; k < records.sentAt.length; k++) {
    const sentAt = records.sentAt[k] as number;
    const arrivedAt = records.backendAt[k] as number;
    const a = Number.isNaN(arrivedAt) ? -1 : Math.floor((arrivedAt - startAt) / WINDOW_MS);
    const byArrival = results[a];
    if (byArrival) {
      byArrival.admittedByArrival++;
      arrivals[a]?.push(arrivedAt);
      const g = byArrival.gateways[records.gateway[k] as number] as GatewayWindow;
      g.lastArrivalAt = Math.max(g.lastArrivalAt ?? 0, arrivedAt);
    }
    const w = Math.floor((sentAt - startAt) / WINDOW_MS);
    const window = results[w];
    if (!window) continue;
    const gw = window.gateways[records.gateway[k] as number] as GatewayWindow;
    const status = records.status[k] as number;
    window.sent++;
    gw.sent++;
    if (status === 200) {
      window.admitted++;
      gw.admitted++;
      if (window.admitted === limit) window.crossedAt = sentAt;
      else if (window.admitted > limit) gw.admittedAfter++;
    } else if (status === 429) {
      window.throttled++;
      gw.first429At ??= sentAt;
      if (window.crossedAt === undefined) gw.refusedBefore++;
    } else {
      window.other.set(status, (window.other.get(status) ?? 0) + 1);
    }
  }
  results.forEach((window, w) => {
    window.ratio = window.admitted / limit;
    window.ratioByArrival = window.admittedByArrival / limit;
    const sorted = Float64Array.from(arrivals[w] ?? []).sort();
    window.crossedAtArrival = sorted.length >= limit ? sorted[limit - 1] : undefined;
    for (const gw of window.gateways) {
      if (gw.lastArrivalAt !== undefined && window.crossedAtArrival !== undefined) {
        gw.lagMs = gw.lastArrivalAt - window.crossedAtArrival;
      }
      if (gw.first429At !== undefined && window.crossedAt !== undefined) {
        gw.delayMs = gw.first429At - window.crossedAt;
      }
    }
  });
  return results;
}
