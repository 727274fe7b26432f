import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { ThreadMetrics } from '../../src/platform/thread-metrics.js';

/** A worker's registry, with a counter and a histogram that have seen something. */
function workerRegistry() {
  const registry = new Registry();
  const calls = new Counter({
    name: 'w_calls_total',
    help: 'Calls.',
    labelNames: ['api'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'w_seconds',
    help: 'Time.',
    buckets: [0.1, 1],
    registers: [registry],
  });
  calls.inc({ api: 'pets' }, 3);
  latency.observe(0.5);
  return { registry, calls };
}

describe('ThreadMetrics', () => {
  it("serves a worker's series in the node's registry, as the worker's own registry shows them", async () => {
    const worker = workerRegistry();
    const node = new Registry();
    const threadMetrics = new ThreadMetrics(node);
    threadMetrics.serve(await worker.registry.getMetricsAsJSON(), () => worker.registry.getMetricsAsJSON());
    expect(await node.metrics()).toBe(await worker.registry.metrics());
    worker.calls.inc({ api: 'pets' });
    expect(await node.metrics()).toContain('w_calls_total{api="pets"} 4');
  });

  it('asks the worker once per scrape', async () => {
    const worker = workerRegistry();
    const node = new Registry();
    const collect = vi.fn(() => worker.registry.getMetricsAsJSON());
    new ThreadMetrics(node).serve(await worker.registry.getMetricsAsJSON(), collect);
    await node.metrics();
    await node.metrics();
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it('shows the series without values while the worker cannot answer, and the rest of the node as usual', async () => {
    const worker = workerRegistry();
    const node = new Registry();
    new Counter({ name: 'node_total', help: 'Node.', registers: [node] }).inc();
    new ThreadMetrics(node).serve(await worker.registry.getMetricsAsJSON(), () =>
      Promise.reject(new Error('the thread stopped')),
    );
    const text = await node.metrics();
    expect(text).toContain('node_total 1');
    expect(text).toContain('# TYPE w_calls_total counter');
    expect(text).not.toContain('w_calls_total{');
  });

  it('registers each series once when a restarted worker brings the same ones', async () => {
    const first = workerRegistry();
    const second = workerRegistry();
    second.calls.inc({ api: 'pets' }, 10);
    const node = new Registry();
    const threadMetrics = new ThreadMetrics(node);
    threadMetrics.serve(await first.registry.getMetricsAsJSON(), () => first.registry.getMetricsAsJSON());
    threadMetrics.serve(await second.registry.getMetricsAsJSON(), () => second.registry.getMetricsAsJSON());
    expect(node.getMetricsAsArray()).toHaveLength(2);
    expect(await node.metrics()).toContain('w_calls_total{api="pets"} 13');
  });
});
