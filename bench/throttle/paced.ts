/**
 * A paced load generator for `npm run bench -- throttle`, in the bench process: each stream sends GET
 * requests at a fixed rate, spread evenly over time (request k is due at start + k / rate), alternating
 * between the gateways (k even: gateway 1, odd: gateway 2), over undici pools of keep-alive connections.
 * A 1 ms timer sends whatever is due. Per request it records when it was sent (epoch milliseconds with
 * sub-millisecond resolution, from the monotonic clock anchored on the edge of a Date.now() millisecond),
 * through which gateway, the status (0: no response), when the response ended, and for an admitted request
 * when it reached the backend (bench/throttle/backend.ts sends that back).
 */
import { Pool } from 'undici';

export interface Stream {
  /** Requests per second, over both gateways. */
  rate: number;
  path: string;
  headers: Record<string, string>;
}

export interface Records {
  sentAt: Float64Array;
  doneAt: Float64Array;
  gateway: Uint8Array;
  status: Uint16Array;
  /** How late each request left after it was due, in ms. */
  lateMs: Float64Array;
  /** When an admitted request reached the backend (its `x-received-at`), NaN otherwise. */
  backendAt: Float64Array;
}

/** Epoch milliseconds, monotonic over the run (one Date.now() reading anchors performance.now()). */
export function makeClock(): () => number {
  // Anchored on the edge of a Date.now() millisecond, so that the offset is exact to a few microseconds; twice,
  // as the first performance.now() of a process can take a millisecond or more.
  const anchor = () => {
    const first = Date.now();
    let edge = first;
    while (edge === first) edge = Date.now();
    return edge - performance.now();
  };
  anchor();
  const offset = anchor();
  return () => offset + performance.now();
}

const CONNECTIONS_PER_GATEWAY = 32;

/** Sends every stream from `startAt` for `durationMs` through the gateways (origins); resolves when done. */
export async function runPaced(
  streams: Stream[],
  gateways: string[],
  startAt: number,
  durationMs: number,
  clock: () => number,
): Promise<Records[]> {
  const pools = gateways.map(
    (origin) => new Pool(origin, { connections: CONNECTIONS_PER_GATEWAY, pipelining: 1 }),
  );
  const plans = streams.map((s) => {
    const total = Math.floor((durationMs * s.rate) / 1000);
    return {
      stream: s,
      interval: 1000 / s.rate,
      total,
      next: 0,
      records: {
        sentAt: new Float64Array(total),
        doneAt: new Float64Array(total),
        gateway: new Uint8Array(total),
        status: new Uint16Array(total),
        lateMs: new Float64Array(total),
        backendAt: new Float64Array(total).fill(NaN),
      } satisfies Records,
    };
  });
  const inFlight = new Set<Promise<void>>();

  const send = (plan: (typeof plans)[number], k: number, due: number) => {
    const g = k % pools.length;
    const pool = pools[g] as Pool;
    const { records } = plan;
    const sentAt = clock();
    records.sentAt[k] = sentAt;
    records.lateMs[k] = sentAt - due;
    records.gateway[k] = g;
    const done = pool
      .request({ path: plan.stream.path, method: 'GET', headers: plan.stream.headers })
      .then(async (response) => {
        await response.body.dump();
        records.status[k] = response.statusCode;
        const receivedAt = response.headers['x-received-at'];
        if (typeof receivedAt === 'string') records.backendAt[k] = Number(receivedAt);
      })
      .catch(() => {
        records.status[k] = 0;
      })
      .finally(() => {
        records.doneAt[k] = clock();
        inFlight.delete(done);
      });
    inFlight.add(done);
  };

  // Sleep until shortly before the start, then tick every millisecond.
  const lead = startAt - clock() - 5;
  if (lead > 0) await new Promise((resolve) => setTimeout(resolve, lead));
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = clock();
      let pending = false;
      for (const plan of plans) {
        while (plan.next < plan.total) {
          const due = startAt + plan.next * plan.interval;
          if (due > now) break;
          send(plan, plan.next, due);
          plan.next++;
        }
        if (plan.next < plan.total) pending = true;
      }
      if (pending) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  await Promise.all(pools.map((p) => p.close()));
  return plans.map((p) => p.records);
}
