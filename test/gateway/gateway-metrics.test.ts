import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../src/gateway/gateway-metrics.js';

/** Gateway metrics in a registry of their own, over a state with no snapshot yet. */
function gatewayMetrics(state = { snapshotAt: 0, apis: { size: 0 } }) {
  const registry = new Registry();
  return { registry, metrics: new GatewayMetrics(registry, state) };
}

/** The value of one exposition line, by its name and labels as written. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('gateway metrics', () => {
  it('counts requests by API and status class', async () => {
    const { registry, metrics } = gatewayMetrics();
    metrics.answered('Pizza', 200, 0.001);
    metrics.answered('Pizza', 204, 0.001);
    metrics.answered('Pizza', 404, 0.001);
    metrics.answered('Menu', 503, 0.001);
    metrics.answered('Menu', 99, 0.001);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE portcullis_gateway_requests_total counter');
    expect(valueOf(text, 'portcullis_gateway_requests_total{api="Pizza",status="2xx"}')).toBe(2);
    expect(valueOf(text, 'portcullis_gateway_requests_total{api="Pizza",status="4xx"}')).toBe(1);
    expect(valueOf(text, 'portcullis_gateway_requests_total{api="Pizza",status="5xx"}')).toBeUndefined();
    expect(valueOf(text, 'portcullis_gateway_requests_total{api="Menu",status="5xx"}')).toBe(1);
    expect(valueOf(text, 'portcullis_gateway_requests_total{api="Menu",status="other"}')).toBe(1);
  });

  it('keeps a cumulative latency histogram per API, with its sum and count', async () => {
    const { registry, metrics } = gatewayMetrics();
    for (const seconds of [0.0004, 0.0005, 0.003, 0.003, 0.2, 30]) metrics.answered('Pizza', 200, seconds);
    const text = await registry.metrics();
    const bucket = (le: string) =>
      valueOf(text, `portcullis_gateway_request_duration_seconds_bucket{le="${le}",api="Pizza"}`);
    expect(text).toContain('# TYPE portcullis_gateway_request_duration_seconds histogram');
    // A bound counts what is less than or equal to it.
    expect(bucket('0.0005')).toBe(2);
    expect(bucket('0.001')).toBe(2);
    expect(bucket('0.005')).toBe(4);
    expect(bucket('0.25')).toBe(5);
    expect(bucket('10')).toBe(5);
    expect(bucket('+Inf')).toBe(6);
    expect(valueOf(text, 'portcullis_gateway_request_duration_seconds_count{api="Pizza"}')).toBe(6);
    expect(valueOf(text, 'portcullis_gateway_request_duration_seconds_sum{api="Pizza"}')).toBeCloseTo(
      30.2069,
      6,
    );
  });

  it('shows no request series before the first request, and the other metrics meanwhile', async () => {
    const { registry, metrics } = gatewayMetrics();
    metrics.upstreamErrors.inc({ api: 'Pizza', kind: 'timeout' });
    const text = await registry.metrics();
    expect(text).not.toMatch(/^portcullis_gateway_requests_total\{/m);
    expect(text).not.toMatch(/^portcullis_gateway_request_duration_seconds_bucket\{/m);
    expect(valueOf(text, 'portcullis_gateway_upstream_errors_total{api="Pizza",kind="timeout"}')).toBe(1);
  });

  it('reads the snapshot age and the number of APIs from the state when scraped', async () => {
    const state = { snapshotAt: 0, apis: { size: 0 } };
    const { registry } = gatewayMetrics(state);
    expect(valueOf(await registry.metrics(), 'portcullis_gateway_snapshot_age_seconds')).toBe(-1);
    state.snapshotAt = Date.now() - 3000;
    state.apis.size = 4;
    const text = await registry.metrics();
    expect(valueOf(text, 'portcullis_gateway_snapshot_age_seconds')).toBeGreaterThanOrEqual(3);
    expect(valueOf(text, 'portcullis_gateway_deployed_apis')).toBe(4);
  });
  it("reports its thread's event-loop delays since the last scrape", async () => {
    const { registry, metrics } = gatewayMetrics();
    const stat = (text: string, name: string) =>
      valueOf(text, `portcullis_gateway_eventloop_lag_seconds{stat="${name}"}`) as number;
    await new Promise((resolve) => setTimeout(resolve, 30));
    const busyUntil = Date.now() + 80;
    while (Date.now() < busyUntil) {
      // The loop is held for 80 ms.
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
    const held = await registry.metrics();
    expect(stat(held, 'max')).toBeGreaterThanOrEqual(0.07);
    expect(stat(held, 'p50')).toBeLessThanOrEqual(stat(held, 'p99'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stat(await registry.metrics(), 'max')).toBeLessThan(0.07);
    metrics.close();
  });
});
