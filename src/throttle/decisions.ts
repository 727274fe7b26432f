/**
 * The traffic managers' decisions as a gateway holds them: a throttled key until its expiry, checked in O(1).
 * Every traffic manager sends the same decisions; a duplicate only sets the same expiry again.
 */
import type { ThrottleDecision } from './throttle-events.js';

export class ThrottleDecisions {
  readonly #until = new Map<string, number>();

  /** When the key's throttling ends (milliseconds since the epoch), or 0 when it is not throttled. */
  until(key: string, now: number): number {
    const expiry = this.#until.get(key);
    if (expiry === undefined) return 0;
    if (expiry > now) return expiry;
    this.#until.delete(key);
    return 0;
  }

  apply(decision: ThrottleDecision, now: number): void {
    const { throttleKey, isThrottled, expiryTimeStamp } = decision;
    if (!isThrottled) {
      // A lifted decision (a raised limit) lifts only the window it was about.
      if ((this.#until.get(throttleKey) ?? 0) <= expiryTimeStamp) this.#until.delete(throttleKey);
      return;
    }
    if (expiryTimeStamp <= now) return;
    if ((this.#until.get(throttleKey) ?? 0) < expiryTimeStamp) this.#until.set(throttleKey, expiryTimeStamp);
  }

  prune(now: number): void {
    for (const [key, expiry] of this.#until) if (expiry <= now) this.#until.delete(key);
  }

  get size(): number {
    return this.#until.size;
  }
}
