/**
 * retryWithBackoff, which a starting node uses to wait for its database and event hub: it retries failures
 * with a wait that starts at 500 ms and doubles up to the cap, logs each failure and the recovery, and
 * rethrows at once an error that `isFatal` says no wait can fix. The waits are recorded by a spy on
 * node:timers/promises (instant unless a test asks for real ones).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { retryWithBackoff } from '../../src/node/retry.js';
import { createLogger } from '../../src/platform/logger.js';

const waits: number[] = [];
let realWaits = false;

vi.mock('node:timers/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:timers/promises')>();
  return {
    ...real,
    setTimeout: (ms: number) => {
      waits.push(ms);
      return realWaits ? real.setTimeout(ms) : Promise.resolve();
    },
  };
});

afterEach(() => {
  waits.length = 0;
  realWaits = false;
});

interface Line {
  level: number;
  msg: string;
  attempt?: number;
  attempts?: number;
  retryInMs?: number;
  err?: { message: string };
}

function capturingLogger() {
  const lines: Line[] = [];
  const logger = createLogger('trace', {
    write: (line: string) => void lines.push(JSON.parse(line) as Line),
  });
  return { logger, lines };
}

/** An attempt that throws each of `failures` in turn, then answers `result`. */
function attemptsFailing<T>(failures: unknown[], result: T) {
  let calls = 0;
  const attempt = async () => {
    calls += 1;
    if (calls <= failures.length) throw failures[calls - 1];
    return result;
  };
  return { attempt, calls: () => calls };
}

const transient = (n: number) => Array.from({ length: n }, (_, i) => new Error(`ECONNREFUSED #${i + 1}`));

describe('retryWithBackoff', () => {
  it('answers the first success without waiting or logging', async () => {
    const { logger, lines } = capturingLogger();
    const { attempt, calls } = attemptsFailing([], 'ready');
    await expect(retryWithBackoff('database', attempt, { logger, maxDelayMs: 10_000 })).resolves.toBe(
      'ready',
    );
    expect(calls()).toBe(1);
    expect(waits).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('waits 500 ms, doubling up to maxDelayMs, between failures; logs each one and the recovery', async () => {
    const { logger, lines } = capturingLogger();
    const { attempt, calls } = attemptsFailing(transient(8), 'connected');
    await expect(retryWithBackoff('event hub', attempt, { logger, maxDelayMs: 10_000 })).resolves.toBe(
      'connected',
    );
    expect(calls()).toBe(9);
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);

    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings.map((l) => [l.attempt, l.retryInMs])).toEqual(waits.map((ms, i) => [i + 1, ms]));
    expect(warnings[0]?.msg).toMatch(/^event hub: not available yet; retrying/);
    expect(warnings[7]?.err?.message).toBe('ECONNREFUSED #8');
    const recovered = lines.filter((l) => l.level === 30);
    expect(recovered).toMatchObject([{ msg: 'event hub: available', attempts: 9 }]);
  });

  it('starts from initialDelayMs and never waits longer than maxDelayMs', async () => {
    const { logger } = capturingLogger();
    const { attempt } = attemptsFailing(transient(5), 1);
    await retryWithBackoff('x', attempt, { logger, initialDelayMs: 300, maxDelayMs: 1000 });
    expect(waits).toEqual([300, 600, 1000, 1000, 1000]);
  });

  it('rethrows a fatal error at once: no wait, no second attempt', async () => {
    const { logger, lines } = capturingLogger();
    const fatal = new Error('schema is newer');
    const { attempt, calls } = attemptsFailing([fatal], 'never');
    const retrying = retryWithBackoff('database', attempt, {
      logger,
      maxDelayMs: 10_000,
      isFatal: (err) => err === fatal,
    });
    await expect(retrying).rejects.toBe(fatal);
    expect(calls()).toBe(1);
    expect(waits).toEqual([]);
    expect(lines.filter((l) => l.level === 40)).toEqual([]);
  });

  it('rethrows a fatal error that follows transient ones, after their waits only', async () => {
    const { logger } = capturingLogger();
    class Fatal extends Error {}
    const fatal = new Fatal('unusable broker list');
    const { attempt, calls } = attemptsFailing([...transient(2), fatal, new Error('not reached')], 'never');
    const retrying = retryWithBackoff('event hub', attempt, {
      logger,
      maxDelayMs: 10_000,
      isFatal: (err) => err instanceof Fatal,
    });
    await expect(retrying).rejects.toBe(fatal);
    expect(calls()).toBe(3);
    expect(waits).toEqual([500, 1000]);
  });

  it('really waits between attempts', async () => {
    realWaits = true;
    const { logger } = capturingLogger();
    const { attempt } = attemptsFailing(transient(3), 'ok');
    const started = performance.now();
    await retryWithBackoff('x', attempt, { logger, initialDelayMs: 20, maxDelayMs: 40 });
    expect(waits).toEqual([20, 40, 40]);
    // Timers may fire a millisecond early; the sum is 100.
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });
});
