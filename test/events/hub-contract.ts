/**
 * What every EventHub must do, run against each implementation with two hubs standing for two nodes.
 * Each test uses an event type of its own and ignores all others, so that other suites sharing the broker
 * cannot disturb it.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventHub } from '../../src/events/hub.js';
import type { HandlerErrorListener } from '../../src/events/in-process.js';
import type { EventTopic, HubEvent } from '../../src/events/topics.js';

export interface ContractHubOptions {
  /** To be given to both hubs, so that the contract can see handler failures. */
  onHandlerError: HandlerErrorListener;
}

const WAIT = { timeout: 5000, interval: 10 };

export interface ContractOptions {
  /** Removes what a group left behind (a broker's durable queue), once its test is done. */
  deleteGroup?: (topic: EventTopic, group: string) => Promise<void>;
}

export function eventHubContract(
  name: string,
  makeHubs: (options: ContractHubOptions) => Promise<[EventHub, EventHub]>,
  contractOptions: ContractOptions = {},
): void {
  describe(`${name} (EventHub contract)`, () => {
    let hubs: EventHub[] = [];
    let type: string;
    let handlerErrors: Array<{ err: unknown; topic: EventTopic; event: HubEvent }>;

    async function twoNodes(): Promise<[EventHub, EventHub]> {
      type = `CONTRACT_TEST_${randomUUID()}`;
      handlerErrors = [];
      const pair = await makeHubs({
        onHandlerError: (err, topic, event) => {
          if (event.type === type) handlerErrors.push({ err, topic, event });
        },
      });
      hubs = pair;
      return pair;
    }

    function event(n: number): HubEvent {
      return { id: randomUUID(), type, timestamp: Date.now(), payload: { n } };
    }

    /** Subscribes a handler that records this test's events. */
    async function recorder(hub: EventHub, topic: EventTopic): Promise<HubEvent[]> {
      const received: HubEvent[] = [];
      await hub.subscribe(topic, (e) => {
        if (e.type === type) received.push(e);
      });
      return received;
    }

    let groups: Array<[EventTopic, string]> = [];
    /** A group name of this test's own. */
    function newGroup(topic: EventTopic): string {
      const group = `contract-${randomUUID()}`;
      groups.push([topic, group]);
      return group;
    }

    afterEach(async () => {
      await Promise.all(hubs.map((hub) => hub.close()));
      hubs = [];
      await Promise.all(groups.map(([topic, group]) => contractOptions.deleteGroup?.(topic, group)));
      groups = [];
    });

    it('delivers every event published on any node to the subscribers of every node', async () => {
      const [a, b] = await twoNodes();
      const onA = await recorder(a, 'notification');
      const onB = await recorder(b, 'notification');
      const [fromA, fromB] = [event(1), event(2)];
      await a.publish('notification', fromA);
      await b.publish('notification', fromB);
      for (const received of [onA, onB]) {
        await vi.waitFor(() => expect(received).toHaveLength(2), WAIT);
        expect(received).toEqual(expect.arrayContaining([fromA, fromB]));
      }
    });

    it('keeps topics apart', async () => {
      const [a, b] = await twoNodes();
      const revocations = await recorder(b, 'tokenRevocation');
      const notifications = await recorder(b, 'notification');
      const [revoked, notified, lastRevoked, lastNotified] = [event(1), event(2), event(3), event(4)];
      await a.publish('tokenRevocation', revoked);
      await a.publish('notification', notified);
      // Events of a topic arrive in order, so a stray event would have arrived before the last one.
      await a.publish('tokenRevocation', lastRevoked);
      await a.publish('notification', lastNotified);
      await vi.waitFor(() => expect(revocations).toHaveLength(2), WAIT);
      await vi.waitFor(() => expect(notifications).toHaveLength(2), WAIT);
      expect(revocations).toEqual([revoked, lastRevoked]);
      expect(notifications).toEqual([notified, lastNotified]);
    });

    it('delivers the events of one publisher in publish order', async () => {
      const [a, b] = await twoNodes();
      const received = await recorder(b, 'throttleData');
      const sent = Array.from({ length: 20 }, (_, n) => event(n));
      await Promise.all(sent.map((e) => a.publish('throttleData', e)));
      await vi.waitFor(() => expect(received).toHaveLength(sent.length), WAIT);
      expect(received.map((e) => e.payload.n)).toEqual(sent.map((e) => e.payload.n));
    });

    it('gives each event to every handler of a topic on one node', async () => {
      const [a, b] = await twoNodes();
      const first = await recorder(b, 'requests');
      const second = await recorder(b, 'requests');
      const sent = [event(1), event(2)];
      for (const e of sent) await a.publish('requests', e);
      for (const received of [first, second]) {
        await vi.waitFor(() => expect(received).toHaveLength(2), WAIT);
        expect(received).toEqual(sent);
      }
    });

    it('freezes events: neither the publisher nor a handler can change one', async () => {
      const [a, b] = await twoNodes();
      const changes: unknown[] = [];
      await b.subscribe('notification', (e) => {
        if (e.type !== type) return;
        try {
          (e.payload.list as number[]).push(3);
        } catch (err) {
          changes.push(err);
        }
      });
      const sent: HubEvent = { ...event(1), payload: { nested: { n: 1 }, list: [1, 2] } };
      await a.publish('notification', sent);
      expect(() => ((sent.payload.nested as { n: number }).n = 2)).toThrow(TypeError);
      await vi.waitFor(() => expect(changes).toHaveLength(1), WAIT);
      expect(changes[0]).toBeInstanceOf(TypeError);
      expect(sent.payload).toEqual({ nested: { n: 1 }, list: [1, 2] });
    });

    it('refuses to publish what JSON would not carry unchanged, naming where it is', async () => {
      const [a, b] = await twoNodes();
      const received = await recorder(b, 'notification');
      const refused: Array<[Record<string, unknown>, string]> = [
        [{ at: new Date() }, 'event.payload.at'],
        [{ tags: new Map() }, 'event.payload.tags'],
        [{ list: [1, undefined] }, 'event.payload.list[1]'],
        [{ deep: { ratio: Number.NaN } }, 'event.payload.deep.ratio'],
        [{ count: 1n }, 'event.payload.count'],
      ];
      for (const [payload, where] of refused) {
        await expect(a.publish('notification', { ...event(0), payload })).rejects.toThrow(
          `${where} is not one`,
        );
      }
      // A property left undefined is what JSON leaves out: accepted.
      const accepted = { ...event(1), payload: { n: 1, note: undefined } };
      await a.publish('notification', accepted);
      await vi.waitFor(() => expect(received).toHaveLength(1), WAIT);
      expect(received[0]?.payload.n).toBe(1);
    });

    it('stops delivering to a handler once it unsubscribes', async () => {
      const [a, b] = await twoNodes();
      const dropped: HubEvent[] = [];
      const subscription = await b.subscribe('notification', (e) => {
        if (e.type === type) dropped.push(e);
      });
      const kept = await recorder(b, 'notification');
      const [before, after] = [event(1), event(2)];
      await a.publish('notification', before);
      await vi.waitFor(() => expect(dropped).toEqual([before]), WAIT);
      await subscription.unsubscribe();
      await a.publish('notification', after);
      // Both handlers share the node's delivery, so once the kept one has the event the other would have too.
      await vi.waitFor(() => expect(kept).toEqual([before, after]), WAIT);
      expect(dropped).toEqual([before]);
    });

    it('reports a throwing or rejecting handler and still delivers to the others', async () => {
      const [a, b] = await twoNodes();
      await b.subscribe('notification', () => {
        throw new Error('handler threw');
      });
      await b.subscribe('notification', async () => {
        throw new Error('handler rejected');
      });
      const received = await recorder(b, 'notification');
      const sent = [event(1), event(2)];
      for (const e of sent) await a.publish('notification', e);
      await vi.waitFor(() => expect(received).toEqual(sent), WAIT);
      await vi.waitFor(() => expect(handlerErrors).toHaveLength(4), WAIT);
      const messages = handlerErrors.map(({ err }) => (err instanceof Error ? err.message : err));
      expect(messages.sort()).toEqual([
        'handler rejected',
        'handler rejected',
        'handler threw',
        'handler threw',
      ]);
      expect(handlerErrors.every(({ topic }) => topic === 'notification')).toBe(true);
      expect(handlerErrors.map(({ event }) => event.id)).toEqual(
        expect.arrayContaining(sent.map((e) => e.id)),
      );
    });

    it('gives each event to one handler of a group across nodes, and still to every ungrouped one', async () => {
      const [a, b] = await twoNodes();
      const group = newGroup('requests');
      const members = [[], [], []] as HubEvent[][];
      for (const [i, hub] of [a, b, b].entries()) {
        await hub.subscribe(
          'requests',
          (e) => {
            if (e.type === type) members[i]?.push(e);
          },
          { group },
        );
      }
      const everything = await recorder(b, 'requests');
      const sent = Array.from({ length: 30 }, (_, n) => event(n));
      for (const e of sent) await a.publish('requests', e);
      await vi.waitFor(() => expect(everything).toHaveLength(sent.length), WAIT);
      await vi.waitFor(() => expect(members.flat()).toHaveLength(sent.length), WAIT);
      const ids = members.flat().map((e) => e.id);
      expect(new Set(ids).size).toBe(sent.length);
      expect(ids.sort()).toEqual(sent.map((e) => e.id).sort());
      // Shared, not all to one: both nodes took part.
      expect(members[0]?.length).toBeGreaterThan(0);
      expect((members[1]?.length ?? 0) + (members[2]?.length ?? 0)).toBeGreaterThan(0);
    });

    it('gives a group all its events on the nodes still in it once a member unsubscribes', async () => {
      const [a, b] = await twoNodes();
      const group = newGroup('requests');
      const left: HubEvent[] = [];
      const stayed: HubEvent[] = [];
      const leaving = await a.subscribe('requests', (e) => void (e.type === type && left.push(e)), { group });
      await b.subscribe('requests', (e) => void (e.type === type && stayed.push(e)), { group });
      await leaving.unsubscribe();
      const sent = Array.from({ length: 10 }, (_, n) => event(n));
      for (const e of sent) await a.publish('requests', e);
      await vi.waitFor(() => expect(stayed).toHaveLength(sent.length), WAIT);
      expect(left).toEqual([]);
    });

    it('refuses a group name that could not name a queue', async () => {
      const [a] = await twoNodes();
      await expect(a.subscribe('requests', () => undefined, { group: 'no spaces' })).rejects.toThrow(
        /Invalid event group/,
      );
    });

    it('is ready while open and rejects publish and subscribe once closed', async () => {
      const [a, b] = await twoNodes();
      expect(a.isReady()).toBe(true);
      expect(b.isReady()).toBe(true);
      await a.close();
      expect(a.isReady()).toBe(false);
      expect(b.isReady()).toBe(true);
      await expect(a.publish('notification', event(1))).rejects.toThrow(/closed/);
      await expect(a.subscribe('notification', () => undefined)).rejects.toThrow(/closed/);
      await a.close(); // closing twice is harmless
    });
  });
}
