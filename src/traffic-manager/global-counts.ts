/**
 * A traffic manager's view of every throttle key: the counts each gateway process sent for the key's current
 * window, added up. A key whose total reaches its limit is throttled until its window ends. The gateways'
 * counts are cumulative, so this state is rebuilt from them alone: a restarted traffic manager knows every
 * throttled key again after the gateways' next full report (each second), and two traffic managers fed the
 * same counts, in any order, reach the same decisions.
 *
 * The limit of a key is the one of the newest policies that reported it (`policyVersion`): a gateway that has
 * not pulled a changed policy yet, or repeats an old count, cannot put the old limit back.
 */
import type { KeyCount, ThrottleDecision } from '../throttle/throttle-events.js';

interface KeyState {
  windowStart: number;
  windowMs: number;
  max: number;
  version: number;
  /** Count per gateway process. */
  nodes: Map<string, number>;
  total: number;
  throttled: boolean;
}

export class GlobalCounts {
  readonly #keys = new Map<string, KeyState>();

  /** Takes one gateway's counts in; answers the decisions they change (newly throttled or lifted keys). */
  apply(node: string, counts: readonly KeyCount[], now: number): ThrottleDecision[] {
    const changed: ThrottleDecision[] = [];
    for (const [key, windowStart, windowMs, max, count, version] of counts) {
      const end = windowStart + windowMs;
      if (end <= now) continue;
      const state = this.#state(key, windowStart, windowMs, max, version);
      if (!state) continue;
      if (version >= state.version) {
        state.max = max;
        state.version = version;
      }
      const before = state.nodes.get(node) ?? 0;
      if (count > before) {
        state.nodes.set(node, count);
        state.total += count - before;
      }
      const throttled = state.total >= state.max;
      if (throttled !== state.throttled) {
        state.throttled = throttled;
        changed.push({ throttleKey: key, isThrottled: throttled, expiryTimeStamp: end });
      }
    }
    return changed;
  }

  /** The key's state for a count of this window; undefined when the count is about an older window or policy. */
  #state(
    key: string,
    windowStart: number,
    windowMs: number,
    max: number,
    version: number,
  ): KeyState | undefined {
    const state = this.#keys.get(key);
    const fresh = (): KeyState => {
      const next = { windowStart, windowMs, max, version, nodes: new Map(), total: 0, throttled: false };
      // A new window keeps the newer limit it knows.
      if (state && state.windowMs === windowMs && state.version > version) {
        next.max = state.max;
        next.version = state.version;
      }
      this.#keys.set(key, next);
      return next;
    };
    if (!state) return fresh();
    if (windowMs !== state.windowMs) {
      // Another window length is another policy: the newer one wins, the older one's counts are ignored.
      return version > state.version ? fresh() : undefined;
    }
    if (windowStart > state.windowStart) return fresh();
    return windowStart < state.windowStart ? undefined : state;
  }

  /** Every key throttled now: sent again regularly, so that a gateway that joins late learns them. */
  throttled(now: number): ThrottleDecision[] {
    const out: ThrottleDecision[] = [];
    for (const [key, s] of this.#keys) {
      const end = s.windowStart + s.windowMs;
      if (s.throttled && end > now) out.push({ throttleKey: key, isThrottled: true, expiryTimeStamp: end });
    }
    return out;
  }

  /** The total of a key in its current window (0 when unknown). */
  total(key: string, now: number): number {
    const s = this.#keys.get(key);
    return s && s.windowStart + s.windowMs > now ? s.total : 0;
  }

  /** Forgets keys whose window has ended. */
  prune(now: number): void {
    for (const [key, s] of this.#keys) if (s.windowStart + s.windowMs <= now) this.#keys.delete(key);
  }

  get size(): number {
    return this.#keys.size;
  }
}
