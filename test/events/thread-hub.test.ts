import { randomUUID } from 'node:crypto';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import type { EventHub } from '../../src/events/hub.js';
import { InProcessBus, InProcessEventHub, type HandlerErrorListener } from '../../src/events/in-process.js';
import { serveHub, ThreadHub, type HubDeliveries, type HubRequests } from '../../src/events/thread-hub.js';
import type { HubEvent } from '../../src/events/topics.js';
import { ThreadChannel } from '../../src/platform/thread-channel.js';
import { eventHubContract } from './hub-contract.js';

/** A ThreadHub whose calls are served by `hub`, over a message channel standing for a worker's port. */
function threadHubOn(hub: EventHub): { threadHub: ThreadHub; served: { close(): Promise<void> } } {
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  port2.unref();
  const fail = (err: unknown) => {
    throw err;
  };
  const served = serveHub(hub, new ThreadChannel<HubDeliveries, HubRequests>(port1, fail));
  return { threadHub: new ThreadHub(new ThreadChannel<HubRequests, HubDeliveries>(port2, fail)), served };
}

function twoThreadHubs(onHandlerError: HandlerErrorListener): [EventHub, EventHub] {
  const bus = new InProcessBus();
  const a = threadHubOn(new InProcessEventHub({ bus, onHandlerError }));
  const b = threadHubOn(new InProcessEventHub({ bus, onHandlerError }));
  return [a.threadHub, b.threadHub];
}

eventHubContract('ThreadHub', async ({ onHandlerError }) => twoThreadHubs(onHandlerError));

const event = (): HubEvent => ({ id: randomUUID(), type: 'TEST', timestamp: Date.now(), payload: { at: 1 } });

describe('ThreadHub', () => {
  it('hands its handlers a frozen copy of the event, not the published object', async () => {
    const hub = new InProcessEventHub();
    const { threadHub } = threadHubOn(hub);
    const received: HubEvent[] = [];
    await threadHub.subscribe('notification', (e) => void received.push(e));
    const sent = event();
    await hub.publish('notification', sent);
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(received[0]).not.toBe(sent);
    expect(received[0]).toEqual(sent);
    expect(Object.isFrozen(received[0]) && Object.isFrozen(received[0]?.payload)).toBe(true);
  });

  it("tells its listeners when the node's hub reconnects", async () => {
    const hub = new InProcessEventHub();
    const reconnect = vi.spyOn(hub, 'onReconnect');
    const { threadHub } = threadHubOn(hub);
    const heard = vi.fn();
    threadHub.onReconnect(heard);
    for (const [listener] of reconnect.mock.calls) listener();
    await vi.waitFor(() => expect(heard).toHaveBeenCalledOnce());
  });

  it("ends the thread's subscriptions at the node's hub when served no more", async () => {
    const hub = new InProcessEventHub();
    const { threadHub, served } = threadHubOn(hub);
    const received: HubEvent[] = [];
    await threadHub.subscribe('notification', (e) => void received.push(e));
    await hub.publish('notification', event());
    await vi.waitFor(() => expect(received).toHaveLength(1));
    await served.close();
    await hub.publish('notification', event());
    // The hub's own handler, subscribed after the close, shows when a delivery would have happened.
    const after = vi.fn();
    await hub.subscribe('notification', after);
    await hub.publish('notification', event());
    await vi.waitFor(() => expect(after).toHaveBeenCalledOnce());
    expect(received).toHaveLength(1);
    await expect(threadHub.subscribe('notification', () => undefined)).rejects.toThrow(
      'Cannot subscribe: the event hub is no longer served to this thread',
    );
  });

  it("rejects a publish the node's hub refuses, with its reason", async () => {
    const hub = new InProcessEventHub();
    const { threadHub } = threadHubOn(hub);
    await hub.close();
    await expect(threadHub.publish('notification', event())).rejects.toThrow(
      'Cannot publish a TEST event to topic "notification": the event hub is closed',
    );
  });
});
