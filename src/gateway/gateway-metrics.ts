/** Prometheus metrics of a gateway, served at /metrics on its management port. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'portcullis_gateway_requests_total',
    help: 'Requests answered, by API and status class.',
    labelNames: ['api', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'portcullis_gateway_request_duration_seconds',
    help: 'Time from request to response at the gateway.',
    labelNames: ['api'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly upstreamErrors = new Counter({
    name: 'portcullis_gateway_upstream_errors_total',
    help: 'Backends that could not be reached or timed out.',
    labelNames: ['api', 'kind'] as const,
    registers: [this.registry],
  });
  readonly droppedEvents = new Counter({
    name: 'portcullis_gateway_request_events_dropped_total',
    help: 'Request events dropped (queue full or event hub down).',
    registers: [this.registry],
  });
  readonly snapshotAge = new Gauge({
    name: 'portcullis_gateway_snapshot_age_seconds',
    help: 'Age of the snapshot the gateway serves from (events keep it fresh in between).',
    registers: [this.registry],
  });
  readonly deployedApis = new Gauge({
    name: 'portcullis_gateway_deployed_apis',
    help: 'APIs this gateway serves.',
    registers: [this.registry],
  });

  /** Per API, its labelled series, so that a request counts without hashing labels each time. */
  readonly #perApi = new Map<
    string,
    { latency: Histogram.Internal<'api'>; counted: Map<string, Counter.Internal> }
  >();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'portcullis_' });
  }

  /** Counts one answered request of an API (by status class) and its duration. */
  answered(api: string, status: number, seconds: number): void {
    let series = this.#perApi.get(api);
    if (!series) {
      series = { latency: this.latency.labels(api), counted: new Map() };
      this.#perApi.set(api, series);
    }
    const statusClass = `${Math.floor(status / 100)}xx`;
    let counter = series.counted.get(statusClass);
    if (!counter) {
      counter = this.requests.labels(api, statusClass);
      series.counted.set(statusClass, counter);
    }
    counter.inc();
    series.latency.observe(seconds);
  }
}
