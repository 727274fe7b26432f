/**
 * Keeps `process.nextTick` on V8's fast path for the life of the process: a workaround, measured on Node 20.
 *
 * nextTick queues each callback as an object literal with computed (symbol) keys. V8 gives such an object
 * its hidden class (map) through a chain of map transitions that it holds only weakly. When a full GC runs
 * while no queued callback is alive, typically after a quiet spell (V8's memory reducer collects an idle
 * process), those maps are collected with them, the optimized code built on them is thrown away, and the code
 * that replaces it defines the properties through the V8 runtime on every call, for good. Every request
 * passes through nextTick several times (Node's streams, node:http): the gateway benchmark's minimal proxy,
 * left idle 25 s after its first request, then used 46–60 µs of CPU per request instead of 39–42, in every
 * run (perf: Runtime_DefineKeyedOwnPropertyInLiteral, JSObject::MigrateToMap); a gateway node caught in the
 * same state used 67 µs instead of 61.
 *
 * Holding one of nextTick's objects keeps its map chain alive, so the optimized code stays valid: with it,
 * the same proxy stayed at 38–41 µs after the idle spell in every run.
 */
import { executionAsyncResource } from 'node:async_hooks';

/** The nextTick object held, once there is one. */
const held: object[] = [];

/**
 * Holds one of nextTick's own objects (the async resource of a nextTick callback) for the rest of the
 * process. Resolves to it; calling again holds nothing more.
 */
export function keepNextTickFast(): Promise<object> {
  return new Promise((resolve) => {
    process.nextTick(() => {
      if (held.length === 0) held.push(executionAsyncResource());
      resolve(held[0] as object);
    });
  });
}
