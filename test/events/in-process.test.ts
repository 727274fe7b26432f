import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createEventHub } from '../../src/events/create.js';
import { InProcessBus, InProcessEventHub } from '../../src/events/in-process.js';
import type { HubEvent } from '../../src/events/topics.js';
import { eventHubContract } from './hub-contract.js';

eventHubContract('InProcessEventHub', async ({ onHandlerError }) => {
  const bus = new InProcessBus();
  return [new InProcessEventHub({ bus, onHandlerError }), new InProcessEventHub({ bus, onHandlerError })];
});

const event = (): HubEvent => ({ id: randomUUID(), type: 'TEST', timestamp: Date.now(), payload: { at: 1 } });

describe('InProcessEventHub', () => {
  it('delivers after publish returns, never inside it', async () => {
    const hub = new InProcessEventHub();
    const received: HubEvent[] = [];
    await hub.subscribe('notification', (e) => void received.push(e));
    const published = hub.publish('notification', event());
    expect(received).toHaveLength(0);
    await published;
    await vi.waitFor(() => expect(received).toHaveLength(1));
    await hub.close();
  });

  it('hands every receiver the published event itself, frozen, on a later microtask', async () => {
    const bus = new InProcessBus();
    const [a, b] = [new InProcessEventHub({ bus }), new InProcessEventHub({ bus })];
    const received: HubEvent[] = [];
    await a.subscribe('notification', (e) => void received.push(e));
    await b.subscribe('notification', (e) => void received.push(e));
    const sent = event();
    await a.publish('notification', sent);
    await vi.waitFor(() => expect(received).toHaveLength(2));
    expect(received[0]).toBe(sent);
    expect(received[1]).toBe(sent);
    expect(Object.isFrozen(sent) && Object.isFrozen(sent.payload)).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps hubs on separate buses apart', async () => {
    const [a, b] = [new InProcessEventHub(), new InProcessEventHub()];
    const onA: HubEvent[] = [];
    const onB: HubEvent[] = [];
    await a.subscribe('notification', (e) => void onA.push(e));
    await b.subscribe('notification', (e) => void onB.push(e));
    await a.publish('notification', event());
    await vi.waitFor(() => expect(onA).toHaveLength(1));
    expect(onB).toHaveLength(0);
    await Promise.all([a.close(), b.close()]);
  });

  it('accepts reconnection listeners but never calls them: it cannot disconnect', async () => {
    const hub = new InProcessEventHub();
    const listener = vi.fn();
    hub.onReconnect(listener);
    await hub.publish('notification', event());
    await hub.close();
    expect(listener).not.toHaveBeenCalled();
  });

  it('is what createEventHub makes for type in-process', async () => {
    const hub = await createEventHub({
      type: 'in-process',
      brokers: [],
      nodeId: 'n1',
      logger: pino({ enabled: false }),
    });
    expect(hub).toBeInstanceOf(InProcessEventHub);
    expect(hub.isReady()).toBe(true);
    await hub.close();
  });
});
