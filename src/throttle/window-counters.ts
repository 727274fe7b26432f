/**
 * Counts per throttle key in its current window. A gateway keeps one set for the keys the traffic managers
 * add up (changed ones are sent on, and all of them now and then) and one for what it limits alone (bursts,
 * backend TPS). A key's count starts again when its window ends; old windows are pruned.
 */
import type { KeyCount } from './throttle-events.js';
import { windowStart, type Limit } from './limits.js';

export interface WindowCount {
  windowStart: number;
  windowMs: number;
  max: number;
  count: number;
  /** The version of the policies the limit came from (0 for limits that are not sent). */
  version: number;
  dirty: boolean;
}

export class WindowCounters {
  readonly #entries = new Map<string, WindowCount>();
  #dirty: string[] = [];

  /**
   * The key's count in the window that holds `now` (a new or restarted one at 0), under the limit given. A
   * changed limit (a policy changed) marks the key changed, so that it is sent on even while no call counts.
   */
  current(key: string, limit: Limit, now: number, version = 0): WindowCount {
    const start = windowStart(limit.windowMs, now);
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = {
        windowStart: start,
        windowMs: limit.windowMs,
        max: limit.max,
        count: 0,
        version,
        dirty: false,
      };
      this.#entries.set(key, entry);
      return entry;
    }
    if (entry.windowStart !== start || entry.windowMs !== limit.windowMs) {
      entry.windowStart = start;
      entry.windowMs = limit.windowMs;
      entry.count = 0;
    }
    if (entry.max !== limit.max || entry.version !== version) {
      entry.max = limit.max;
      entry.version = version;
      if (entry.count > 0) this.#changed(key, entry);
    }
    return entry;
  }

  add(key: string, limit: Limit, now: number, amount: number, version = 0): WindowCount {
    const entry = this.current(key, limit, now, version);
    entry.count += amount;
    this.#changed(key, entry);
    return entry;
  }

  #changed(key: string, entry: WindowCount): void {
    if (entry.dirty) return;
    entry.dirty = true;
    this.#dirty.push(key);
  }

  /** The keys counted since the last call, as sent to traffic managers. */
  takeChanged(): KeyCount[] {
    const out: KeyCount[] = [];
    for (const key of this.#dirty) {
      const entry = this.#entries.get(key);
      if (!entry) continue;
      entry.dirty = false;
      out.push([key, entry.windowStart, entry.windowMs, entry.max, entry.count, entry.version]);
    }
    this.#dirty = [];
    return out;
  }

  get changed(): number {
    return this.#dirty.length;
  }

  /** Every key whose window is still running. */
  all(now: number): KeyCount[] {
    const out: KeyCount[] = [];
    for (const [key, e] of this.#entries) {
      if (e.windowStart + e.windowMs > now && e.count > 0) {
        out.push([key, e.windowStart, e.windowMs, e.max, e.count, e.version]);
      }
    }
    return out;
  }

  /** Forgets keys whose window has ended. */
  prune(now: number): void {
    for (const [key, e] of this.#entries) {
      if (e.windowStart + e.windowMs <= now && !e.dirty) this.#entries.delete(key);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
