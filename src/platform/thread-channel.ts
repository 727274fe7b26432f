/**
 * Messages between two threads of a node (a worker and the thread that started it): one-way messages and calls
 * that are answered, over the worker's port. Both sides say what they send and receive as a protocol: each kind
 * of message with its body and what a call to it answers. A call fails with the other side's error message,
 * and every call still waiting fails when the channel is closed (the other thread is gone).
 */
import type { MessagePort, Worker } from 'node:worker_threads';

/** Kinds of message, each with the body it carries and what answering it gives back. */
export type Protocol = Record<string, { body: unknown; answer: unknown }>;

type Handler<P extends Protocol, K extends keyof P> = (
  body: P[K]['body'],
) => P[K]['answer'] | Promise<P[K]['answer']>;

interface Envelope {
  kind?: string;
  body?: unknown;
  /** A call waiting for its answer. */
  call?: number;
  /** The answer to this call. */
  reply?: number;
  /** The call failed with this message. */
  error?: string;
}

export class ThreadChannel<Send extends Protocol, Receive extends Protocol> {
  #lastCall = 0;
  readonly #waiting = new Map<number, { resolve(answer: unknown): void; reject(err: Error): void }>();
  readonly #handlers = new Map<string, (body: unknown) => unknown>();
  #closed: Error | undefined;

  constructor(
    private readonly port: MessagePort | Worker,
    /** A one-way message whose handler failed (nobody waits for it to say so). */
    private readonly onError: (err: unknown, kind: string) => void,
  ) {
    port.on('message', (message: Envelope) => this.#receive(message));
  }

  on<K extends keyof Receive & string>(kind: K, handler: Handler<Receive, K>): void {
    this.#handlers.set(kind, handler as (body: unknown) => unknown);
  }

  send<K extends keyof Send & string>(kind: K, body: Send[K]['body']): void {
    if (!this.#closed) this.port.postMessage({ kind, body } satisfies Envelope);
  }

  /** Asks the other side; with `timeoutMs`, a call not answered by then fails (a thread that is stuck). */
  call<K extends keyof Send & string>(
    kind: K,
    body: Send[K]['body'],
    timeoutMs?: number,
  ): Promise<Send[K]['answer']> {
    if (this.#closed) return Promise.reject(this.#closed);
    const call = ++this.#lastCall;
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.#waiting.delete(call);
              reject(new Error(`no answer to "${kind}" within ${timeoutMs} ms`));
            }, timeoutMs);
      const settled =
        <T>(settle: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          settle(value);
        };
      this.#waiting.set(call, {
        resolve: settled(resolve as (answer: unknown) => void),
        reject: settled(reject),
      });
      this.port.postMessage({ kind, body, call } satisfies Envelope);
    });
  }

  /** Fails the calls still waiting, and every later one, with this error. */
  close(err: Error): void {
    this.#closed ??= err;
    for (const waiting of this.#waiting.values()) waiting.reject(err);
    this.#waiting.clear();
  }

  #receive(message: Envelope): void {
    if (message.reply !== undefined) {
      const waiting = this.#waiting.get(message.reply);
      this.#waiting.delete(message.reply);
      if (message.error !== undefined) waiting?.reject(new Error(message.error));
      else waiting?.resolve(message.body);
      return;
    }
    const kind = message.kind ?? '';
    const answered = Promise.resolve(message.body).then((body) => {
      const handler = this.#handlers.get(kind);
      if (!handler) throw new Error(`no handler for "${kind}" messages`);
      return handler(body);
    });
    const { call } = message;
    if (call === undefined) {
      answered.catch((err: unknown) => this.onError(err, kind));
      return;
    }
    answered.then(
      (body) => this.#post({ reply: call, body }),
      (err: unknown) => this.#post({ reply: call, error: err instanceof Error ? err.message : String(err) }),
    );
  }

  #post(envelope: Envelope): void {
    if (!this.#closed) this.port.postMessage(envelope);
  }
}
