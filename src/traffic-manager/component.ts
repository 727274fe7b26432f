/**
 * The Traffic Manager as a node component (profile `traffic-manager`, also in `all`): it adds up the throttle
 * counts every gateway sends on `requests` and publishes decisions on `throttleData` as soon as a key reaches
 * its limit, then again each second while it stays throttled (a gateway that joins late learns them).
 * It keeps nothing on disk: the gateways' counts are cumulative, so a restarted traffic manager rebuilds its
 * view from their next full report, and any number of traffic managers reach the same decisions.
 */
import { Compile } from 'typebox/compile';
import { newEvent, type HubEvent } from '../events/topics.js';
import type { Subscription } from '../events/hub.js';
import type { Component, ComponentDefinition, NodeContext } from '../node/component.js';
import {
  THROTTLE_COUNTS,
  THROTTLE_DECISIONS,
  ThrottleCountsSchema,
  type ThrottleDecision,
} from '../throttle/throttle-events.js';
import { GlobalCounts } from './global-counts.js';

/** Compiled once: checked on every event received. */
const ThrottleCountsValidator = Compile(ThrottleCountsSchema);

/** How often throttled keys are announced again, and old windows forgotten. */
const REPEAT_MS = 1000;
/** Decisions per event: a large backlog goes out in several. */
const DECISIONS_PER_EVENT = 1000;

async function create(context: NodeContext): Promise<Component> {
  const { hub, logger, readiness } = context;
  const log = logger.child({ component: 'traffic-manager' });
  const counts = new GlobalCounts();
  let invalid = 0;

  const publish = (decisions: ThrottleDecision[]) => {
    for (let i = 0; i < decisions.length; i += DECISIONS_PER_EVENT) {
      const batch = decisions.slice(i, i + DECISIONS_PER_EVENT);
      hub
        .publish('throttleData', newEvent(THROTTLE_DECISIONS, { decisions: batch }))
        .catch((err: unknown) =>
          log.warn(
            { err, decisions: batch.length },
            'could not publish throttle decisions; they are repeated',
          ),
        );
    }
  };
  const receive = (event: HubEvent) => {
    if (event.type !== THROTTLE_COUNTS) return;
    const { payload } = event;
    if (!ThrottleCountsValidator.Check(payload)) {
      // Logged now and then, not per event: a misbehaving sender must not flood the log.
      if (invalid++ % 1000 === 0)
        log.warn({ eventId: event.id, invalid }, 'malformed throttle counts ignored');
      return;
    }
    publish(counts.apply(payload.node, payload.counts, Date.now()));
  };

  let subscription: Subscription | undefined;
  let timer: NodeJS.Timeout | undefined;
  readiness.add('trafficManager', () => subscription !== undefined);

  return {
    name: 'traffic-manager',
    register() {},
    async start() {
      subscription = await hub.subscribe('requests', receive);
      timer = setInterval(() => {
        const now = Date.now();
        counts.prune(now);
        publish(counts.throttled(now));
      }, REPEAT_MS);
      timer.unref();
    },
    describe: () => [
      `traffic mgr adds up the gateways' throttle counts (requests → throttleData; see docs/throttling.md)`,
    ],
    async close() {
      clearInterval(timer);
      await subscription?.unsubscribe();
    },
  };
}

export const trafficManagerComponent: ComponentDefinition = { needsDatabase: false, create };
