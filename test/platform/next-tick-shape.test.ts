/**
 * The nextTick workaround holds what it means to hold: one of nextTick's own queued objects (the async
 * resource of a nextTick callback, with nextTick's `callback` and `args` fields), the same one on every call.
 * Should a Node upgrade hand out something else, this fails and the workaround needs looking at again. Its
 * effect on speed is measured by `npm run bench -- gateway` (bench/RESULTS.md), not here.
 */
import { describe, expect, it } from 'vitest';
import { keepNextTickFast } from '../../src/platform/next-tick-shape.js';

describe('keepNextTickFast', () => {
  it("holds one of nextTick's objects, once", async () => {
    const held = await keepNextTickFast();
    expect(Object.keys(held)).toEqual(['callback', 'args']);
    expect(Object.getOwnPropertySymbols(held)).toHaveLength(2);
    expect(await keepNextTickFast()).toBe(held);
  });
});
