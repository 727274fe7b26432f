/**
 * Prometheus metrics of a gateway, in the node's registry (served at /metrics on its management port). The
 * per-request series
 * (requests by API and status class, latency histogram by API) are counted in plain numbers on the hot path
 * and turned into prom-client's series only when scraped: prom-client hashes the labels on every call.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One API's counts since the gateway started. */
class ApiCounts {
  /** Requests by status class: index 1 is 1xx … 5 is 5xx; 0 anything else. */
  readonly byStatus = [0, 0, 0, 0, 0, 0];
  /** Observations per latency bucket (not cumulative); the last is above every bucket. */
  readonly buckets = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
  sum = 0;
  count = 0;
}

const statusLabel = (index: number) => (index === 0 ? 'other' : `${index}xx`);

/** Requests answered, read from the counts when scraped. */
class RequestCounter extends Counter<'api' | 'status'> {
  constructor(
    registry: Registry,
    private readonly counts: Map<string, ApiCounts>,
  ) {
    super({
      name: 'portcullis_gateway_requests_total',
      help: 'Requests answered, by API and status class.',
      labelNames: ['api', 'status'] as const,
      registers: [registry],
    });
  }

  override async get() {
    const metric = await super.get();
    metric.values = [...this.counts].flatMap(([api, counts]) =>
      counts.byStatus.flatMap((value, i) =>
        value > 0 ? [{ labels: { api, status: statusLabel(i) }, value }] : [],
      ),
    );
    return metric;
  }
}

/** Time from request to response, read from the counts when scraped. */
class LatencyHistogram extends Histogram<'api'> {
  static readonly metric = {
    name: 'portcullis_gateway_request_duration_seconds',
    help: 'Time from request to response at the gateway.',
  };

  constructor(
    registry: Registry,
    private readonly counts: Map<string, ApiCounts>,
  ) {
    super({
      ...LatencyHistogram.metric,
      labelNames: ['api'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
  }

  /**
   * What prom-client's registry reads of a histogram (its `get()` reads it too): the series of each API,
   * bucket counts cumulative, with `sharedLabels` as prom-client's own histograms give them.
   */
  async getForPromString() {
    const { name, help } = LatencyHistogram.metric;
    const values = [...this.counts].flatMap(([api, counts]) => {
      let cumulative = 0;
      return [
        ...counts.buckets.map((n, i) => {
          cumulative += n;
          const le = i < LATENCY_BUCKETS.length ? (LATENCY_BUCKETS[i] as number) : '+Inf';
          return { labels: { le }, sharedLabels: { api }, value: cumulative, metricName: `${name}_bucket` };
        }),
        { labels: {}, sharedLabels: { api }, value: counts.sum, metricName: `${name}_sum` },
        { labels: {}, sharedLabels: { api }, value: counts.count, metricName: `${name}_count` },
      ];
    });
    return Promise.resolve({ name, help, type: 'histogram', values, aggregator: 'sum' });
  }
}

/** What the gauges read of the gateway's state when scraped. */
export interface GatewayStateFigures {
  /** Milliseconds since the epoch when the snapshot served was made; 0 while there is none. */
  readonly snapshotAt: number;
  readonly apis: { readonly size: number };
}

export class GatewayMetrics {
  readonly #counts = new Map<string, ApiCounts>();
  readonly requests: RequestCounter;
  readonly latency: LatencyHistogram;
  readonly upstreamErrors: Counter<'api' | 'kind'>;
  readonly droppedEvents: Counter;
  readonly snapshotAge: Gauge;
  readonly deployedApis: Gauge;
  readonly eventLoopLag: Gauge<'stat'>;
  readonly #eventLoopDelay: IntervalHistogram;

  constructor(registry: Registry, state: GatewayStateFigures) {
    this.requests = new RequestCounter(registry, this.#counts);
    this.latency = new LatencyHistogram(registry, this.#counts);
    this.upstreamErrors = new Counter({
      name: 'portcullis_gateway_upstream_errors_total',
      help: 'Backends that could not be reached or timed out.',
      labelNames: ['api', 'kind'] as const,
      registers: [registry],
    });
    this.droppedEvents = new Counter({
      name: 'portcullis_gateway_request_events_dropped_total',
      help: 'Request events dropped (queue full or event hub down).',
      registers: [registry],
    });
    this.snapshotAge = new Gauge({
      name: 'portcullis_gateway_snapshot_age_seconds',
      help: 'Age of the snapshot the gateway serves from (events keep it fresh in between); -1 before the first.',
      registers: [registry],
      collect() {
        this.set(state.snapshotAt > 0 ? (Date.now() - state.snapshotAt) / 1000 : -1);
      },
    });
    this.deployedApis = new Gauge({
      name: 'portcullis_gateway_deployed_apis',
      help: 'APIs this gateway serves.',
      registers: [registry],
      collect() {
        this.set(state.apis.size);
      },
    });
    // The node's own event-loop figures are its main thread's; the gateway's thread has a loop of its own.
    const delay = monitorEventLoopDelay();
    delay.enable();
    this.#eventLoopDelay = delay;
    this.eventLoopLag = new Gauge({
      name: 'portcullis_gateway_eventloop_lag_seconds',
      help: "Delays of the gateway thread's event loop since the last scrape: median, 99th percentile, longest.",
      labelNames: ['stat'] as const,
      registers: [registry],
      collect() {
        const seconds = (nanoseconds: number) => (delay.count > 0 ? nanoseconds / 1e9 : 0);
        this.set({ stat: 'p50' }, seconds(delay.percentile(50)));
        this.set({ stat: 'p99' }, seconds(delay.percentile(99)));
        this.set({ stat: 'max' }, seconds(delay.max));
        delay.reset();
      },
    });
  }

  /** Stops watching the event loop. */
  close(): void {
    this.#eventLoopDelay.disable();
  }

  /** Counts one answered request of an API (by status class) and its duration. */
  answered(api: string, status: number, seconds: number): void {
    let counts = this.#counts.get(api);
    if (!counts) {
      counts = new ApiCounts();
      this.#counts.set(api, counts);
    }
    const statusClass = Math.floor(status / 100);
    const index = statusClass >= 1 && statusClass <= 5 ? statusClass : 0;
    counts.byStatus[index] = (counts.byStatus[index] ?? 0) + 1;
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > (LATENCY_BUCKETS[bucket] as number)) bucket++;
    counts.buckets[bucket] = (counts.buckets[bucket] ?? 0) + 1;
    counts.sum += seconds;
    counts.count++;
  }
}
