/** The part of autocannon 9's programmatic API the benchmarks use (it ships no types). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';
  import type { ConnectionOptions } from 'node:tls';

  namespace autocannon {
    interface Options {
      url: string;
      method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
      headers?: Record<string, string>;
      body?: string;
      connections?: number;
      pipelining?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds without a response before a request counts as a timeout. */
      timeout?: number;
      /**
       * Requests per second over all connections (split evenly between them). Each connection sends its
       * share back to back at the start of each second, then waits for the next: paced per second, not
       * spread over it.
       */
      overallRate?: number;
      /** Requests per second per connection (same pacing as overallRate). */
      connectionRate?: number;
      /**
       * With a rate, autocannon adds corrected samples for responses slower than the expected interval
       * (coordinated omission); true records the measured latencies only.
       */
      ignoreCoordinatedOmission?: boolean;
      servername?: string;
      /** Passed to tls.connect; autocannon 9 always adds rejectUnauthorized: false. */
      tlsOptions?: ConnectionOptions;
    }

    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
    }

    interface Result {
      duration: number;
      start: Date;
      finish: Date;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram & { totalCount: number };
      requests: Histogram & { sent: number };
      throughput: Histogram;
    }

    /** The running instance: a promise of the result that also emits events as the load runs. */
    interface Instance extends PromiseLike<Result>, Pick<EventEmitter, 'off'> {
      /**
       * Every response: `responseTime` is in milliseconds, with sub-millisecond precision (process.hrtime),
       * from writing the request to the end of its response.
       */
      on(
        event: 'response',
        listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
      ): this;
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;

  export = autocannon;
}
