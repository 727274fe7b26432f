import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ThreadSupervisor } from '../../src/platform/thread-supervisor.js';

/** A thread that waits until told to exit with a code. */
const WAITING = `require('node:worker_threads').parentPort.on('message', (code) => process.exit(code));`;

interface Running {
  worker: Worker;
  n: number;
}

const supervisors: ThreadSupervisor<Running>[] = [];
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.close()));
});

function supervised(failStarts = 0) {
  let launched = 0;
  const launch = vi.fn(async (): Promise<Running> => {
    launched++;
    if (launched > 1 && failStarts-- > 0) throw new Error('cannot start');
    const worker = new Worker(WAITING, { eval: true });
    await once(worker, 'online');
    return { worker, n: launched };
  });
  const stop = vi.fn(async ({ worker }: Running) => void (await worker.terminate()));
  const logger = pino({ level: 'silent' });
  const supervisor = new ThreadSupervisor(launch, stop, logger, { first: 20, max: 80 });
  supervisors.push(supervisor);
  return { supervisor, launch, stop };
}

describe('ThreadSupervisor', () => {
  it('starts a thread that stopped again, and counts it as the current one', async () => {
    const { supervisor } = supervised();
    const first = await supervisor.start();
    expect(supervisor.current).toBe(first);
    first.worker.postMessage(3);
    await once(first.worker, 'exit');
    expect(supervisor.current).toBeUndefined();
    await vi.waitFor(() => expect(supervisor.current?.n).toBe(2));
  });

  it('keeps trying while starts fail, with doubling pauses', async () => {
    const { supervisor, launch } = supervised(3);
    const first = await supervisor.start();
    const stoppedAt = performance.now();
    first.worker.postMessage(1);
    await vi.waitFor(() => expect(supervisor.current?.n).toBe(5), { timeout: 3000 });
    expect(launch).toHaveBeenCalledTimes(5);
    // Pauses of 20, 40, 80 and 80 ms before the four tries.
    expect(performance.now() - stoppedAt).toBeGreaterThanOrEqual(220);
  });

  it('throws when the first start fails', async () => {
    const supervisor = new ThreadSupervisor(
      () => Promise.reject(new Error('no port')),
      async () => {},
      pino({ level: 'silent' }),
    );
    await expect(supervisor.start()).rejects.toThrow('no port');
  });

  it('stops the current thread at close, and starts none afterwards', async () => {
    const { supervisor, launch, stop } = supervised();
    const first = await supervisor.start();
    await supervisor.close();
    expect(stop).toHaveBeenCalledWith(first);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(launch).toHaveBeenCalledOnce();
    expect(supervisor.current).toBeUndefined();
  });

  it('stops a thread whose start ends after the close', async () => {
    const { supervisor, launch, stop } = supervised();
    const first = await supervisor.start();
    first.worker.postMessage(1);
    await vi.waitFor(() => expect(launch).toHaveBeenCalledTimes(2));
    await supervisor.close();
    await vi.waitFor(() => expect(stop).toHaveBeenCalledOnce());
    expect(stop.mock.calls[0]?.[0].n).toBe(2);
  });
});
