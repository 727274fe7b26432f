/**
 * Series kept in a worker thread's registry, served in the node's /metrics: each is registered in the node's
 * registry under its own name, and a scrape asks the worker once for all of them. While the worker cannot
 * answer (it is restarting), its series are shown without values rather than failing the whole scrape.
 */
import type { Metric, MetricObjectWithValues, MetricValue, Registry } from 'prom-client';

export type ThreadMetricValues = MetricObjectWithValues<MetricValue<string>>[];

export class ThreadMetrics {
  #scrape: Promise<ThreadMetricValues> | undefined;
  #collect: (() => Promise<ThreadMetricValues>) | undefined;

  constructor(private readonly registry: Registry) {}

  /**
   * Serves these series (as the worker's registry gave them once) from now on, read through `collect`; a
   * worker started again brings the same names, registered once.
   */
  serve(series: ThreadMetricValues, collect: () => Promise<ThreadMetricValues>): void {
    this.#collect = collect;
    for (const { name, help, type, aggregator } of series) {
      if (this.registry.getSingleMetric(name)) continue;
      const empty = { name, help, type, aggregator, values: [] };
      const metric = {
        name,
        help,
        type,
        aggregator,
        get: async () => (await this.#values()).find((m) => m.name === name) ?? empty,
        reset() {},
      };
      this.registry.registerMetric(metric as unknown as Metric);
    }
  }

  /** One question to the worker per scrape, however many of its series the scrape reads. */
  #values(): Promise<ThreadMetricValues> {
    this.#scrape ??= (this.#collect?.() ?? Promise.resolve([]))
      .catch((): ThreadMetricValues => [])
      .finally(() => (this.#scrape = undefined));
    return this.#scrape;
  }
}
