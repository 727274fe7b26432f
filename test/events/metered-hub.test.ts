import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { InProcessBus, InProcessEventHub } from '../../src/events/in-process.js';
import { MeteredEventHub } from '../../src/events/metered-hub.js';
import type { HubEvent } from '../../src/events/topics.js';
import { eventHubContract } from './hub-contract.js';

eventHubContract('MeteredEventHub over InProcessEventHub', async ({ onHandlerError }) => {
  const bus = new InProcessBus();
  const node = () => new MeteredEventHub(new InProcessEventHub({ bus, onHandlerError }), new Registry());
  return [node(), node()];
});

const event = (): HubEvent => ({ id: randomUUID(), type: 'TEST', timestamp: Date.now(), payload: {} });

/** The value of one series, by its name and labels as written; undefined if absent. */
async function valueOf(registry: Registry, series: string): Promise<number | undefined> {
  const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('MeteredEventHub', () => {
  it('counts events published and received per topic, each received event once', async () => {
    const registry = new Registry();
    const hub = new MeteredEventHub(new InProcessEventHub({ onHandlerError: () => {} }), registry);
    const seen: HubEvent[] = [];
    await hub.subscribe('notification', (e) => void seen.push(e));
    await hub.subscribe('notification', (e) => void seen.push(e));
    await hub.subscribe('notification', () => {
      throw new Error('a broken handler');
    });
    await hub.publish('notification', event());
    await hub.publish('notification', event());
    await vi.waitFor(() => expect(seen).toHaveLength(4));
    const value = (series: string) => valueOf(registry, series);
    expect(await value('portcullis_event_hub_published_total{topic="notification"}')).toBe(2);
    expect(await value('portcullis_event_hub_received_total{topic="notification"}')).toBe(2);
    expect(await value('portcullis_event_hub_handler_failures_total{topic="notification"}')).toBe(2);
    expect(await value('portcullis_event_hub_published_total{topic="requests"}')).toBe(0);
    expect(await value('portcullis_event_hub_connected')).toBe(1);
    await hub.close();
    await expect(hub.publish('requests', event())).rejects.toThrow(/closed/);
    expect(await value('portcullis_event_hub_publish_failures_total{topic="requests"}')).toBe(1);
    expect(await value('portcullis_event_hub_connected')).toBe(0);
  });
});
