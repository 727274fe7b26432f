/**
 * A gateway's side of distributed throttling: it sends the counts of its shared throttle keys to the traffic
 * managers on `requests` (the keys counted since the last send, every SEND_MS; every running key each
 * FULL_MS, so that a traffic manager that restarted learns them again) and applies their decisions from
 * `throttleData`. A send that fails is not retried as such: the counts are cumulative, the next send carries
 * them.
 */
import { randomBytes } from 'node:crypto';
import { Compile } from 'typebox/compile';
import type { EventHub, Subscription } from '../../events/hub.js';
import { newEvent, type HubEvent } from '../../events/topics.js';
import type { Logger } from '../../platform/logger.js';
import {
  THROTTLE_COUNTS,
  THROTTLE_DECISIONS,
  ThrottleDecisionsSchema,
  type KeyCount,
} from '../../throttle/throttle-events.js';
import type { Throttling } from './throttling.js';

/** Compiled once: checked on every event received. */
const ThrottleDecisionsValidator = Compile(ThrottleDecisionsSchema);

/** How often changed counts go out: the lag that bounds how far gateways together pass a limit. */
const SEND_MS = 10;
const FULL_MS = 1000;
/** Keys per event: a gateway with many keys sends several. */
const KEYS_PER_EVENT = 2000;

export class CountSync {
  /** This process: counts of an earlier run of the same node are other counts, not these. */
  readonly node: string;
  #subscription: Subscription | undefined;
  #sendTimer: NodeJS.Timeout | undefined;
  #fullTimer: NodeJS.Timeout | undefined;
  #warned = false;

  constructor(
    private readonly throttling: Throttling,
    private readonly hub: EventHub,
    nodeId: string,
    private readonly logger: Logger,
  ) {
    this.node = `${nodeId}/${randomBytes(4).toString('hex')}`;
  }

  async start(): Promise<void> {
    this.#subscription = await this.hub.subscribe('throttleData', (event) => this.#receive(event));
    this.#sendTimer = setInterval(() => {
      if (this.throttling.shared.changed > 0) this.#send(this.throttling.shared.takeChanged());
    }, SEND_MS);
    this.#fullTimer = setInterval(() => {
      const now = Date.now();
      this.throttling.shared.prune(now);
      this.throttling.local.prune(now);
      this.throttling.decisions.prune(now);
      this.#send(this.throttling.shared.all(now));
    }, FULL_MS);
    this.#sendTimer.unref();
    this.#fullTimer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.#sendTimer);
    clearInterval(this.#fullTimer);
    if (this.throttling.shared.changed > 0) this.#send(this.throttling.shared.takeChanged());
    await this.#subscription?.unsubscribe();
  }

  #receive(event: HubEvent): void {
    if (event.type !== THROTTLE_DECISIONS || !ThrottleDecisionsValidator.Check(event.payload)) return;
    const now = Date.now();
    for (const decision of event.payload.decisions) this.throttling.decisions.apply(decision, now);
  }

  #send(counts: KeyCount[]): void {
    if (counts.length === 0) return;
    for (let i = 0; i < counts.length; i += KEYS_PER_EVENT) {
      const batch = counts.slice(i, i + KEYS_PER_EVENT);
      this.hub
        .publish('requests', newEvent(THROTTLE_COUNTS, { node: this.node, counts: batch }))
        .catch((err: unknown) => {
          if (this.#warned) return;
          // Logged once per outage, not per send.
          this.#warned = true;
          this.logger.warn({ err }, 'cannot send throttle counts to the traffic managers; retrying');
          setTimeout(() => (this.#warned = false), FULL_MS).unref();
        });
    }
  }
}
