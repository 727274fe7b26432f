/**
 * Events are values: once published, nobody changes them. The in-process hub hands the published object
 * itself to every receiver, where a broker delivers a copy made through JSON (on the all-in-one node such a
 * copy cost about 3 µs for each request event, on the gateway's thread). So that sharing stays safe and
 * behaves as a broker would, every hub checks that an event holds only what JSON carries unchanged and
 * freezes it, deeply, when it is published, and a broker's hub does the same to what it receives: a
 * publisher or a handler that tries to change an event fails at once, with either hub.
 */
import type { HubEvent } from './topics.js';

/**
 * Freezes a JSON value and everything in it; answers where (`.a[2].b`, '' for the value itself) it holds
 * something JSON would change or drop, or undefined when it holds none. An undefined property is accepted:
 * JSON leaves it out, which reads the same.
 */
function freezeJson(value: unknown, inArray: boolean): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : '';
    case 'undefined':
      return inArray ? '' : undefined;
    case 'object': {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        Object.freeze(value);
        for (let i = 0; i < value.length; i++) {
          const bad = freezeJson(value[i], true);
          if (bad !== undefined) return `[${i}]${bad}`;
        }
        return undefined;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return '';
      Object.freeze(value);
      const record = value as Record<string, unknown>;
      for (const key in record) {
        const bad = freezeJson(record[key], false);
        if (bad !== undefined) return `.${key}${bad}`;
      }
      return undefined;
    }
    default:
      return '';
  }
}

/** Checks that the event is plain JSON and freezes it; throws a TypeError naming what is not. */
export function freezeEvent(event: HubEvent): HubEvent {
  const bad = freezeJson(event, false);
  if (bad !== undefined) {
    throw new TypeError(
      `A ${event.type} event must hold only JSON values (no dates, maps, class instances, functions, ` +
        `NaN or Infinity): event${bad} is not one`,
    );
  }
  return event;
}
