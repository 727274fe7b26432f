/**
 * Keeps a worker thread running: a thread that stops while it should run is started again, after a pause that
 * doubles (up to a maximum) while starts keep failing. The first start is the caller's: its failure is thrown.
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from './logger.js';

export interface RestartDelays {
  first: number;
  max: number;
}

export class ThreadSupervisor<T extends { readonly worker: Worker }> {
  #current: T | undefined;
  #closed = false;
  #delay: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    /** Starts a thread and what runs in it; rejects, with the thread stopped, if that cannot start. */
    private readonly launch: () => Promise<T>,
    /** Stops a thread for good (at close, or one whose start ended after the close). */
    private readonly stop: (thread: T) => Promise<void>,
    private readonly logger: Logger,
    private readonly delays: RestartDelays = { first: 1000, max: 30_000 },
  ) {
    this.#delay = delays.first;
  }

  /** The thread running now; undefined while it is being started again. */
  get current(): T | undefined {
    return this.#current;
  }

  async start(): Promise<T> {
    const started = await this.launch();
    this.#watch(started);
    return started;
  }

  /** No more restarts; stops the thread running now. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const running = this.#current;
    this.#current = undefined;
    if (running) await this.stop(running);
  }

  #watch(thread: T): void {
    if (this.#closed) {
      void this.stop(thread).catch((err: unknown) =>
        this.logger.error({ err }, 'a worker thread did not stop'),
      );
      return;
    }
    this.#current = thread;
    thread.worker.once('exit', (code) => {
      if (this.#current !== thread || this.#closed) return;
      this.#current = undefined;
      this.logger.error({ code, restartInMs: this.#delay }, 'a worker thread stopped; starting it again');
      this.#restartLater();
    });
  }

  #restartLater(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.launch().then(
        (thread) => {
          this.#delay = this.delays.first;
          this.#watch(thread);
        },
        (err: unknown) => {
          this.#delay = Math.min(this.#delay * 2, this.delays.max);
          this.logger.error({ err, restartInMs: this.#delay }, 'a worker thread cannot start; trying again');
          this.#restartLater();
        },
      );
    }, this.#delay);
  }
}
