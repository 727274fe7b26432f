/**
 * Distributed throttling, measured on separate processes: 2 gateways + 2 traffic managers over RabbitMQ (one
 * `all` node whose gateway is gateway 1 and traffic manager TM 1, one `gateway` node, one `traffic-manager`
 * node). One subscription per scenario with a limit of L requests per minute, driven at a fixed rate of
 * M × L per minute through both gateways (alternating) for full epoch-aligned minute windows; reports the
 * admitted requests per window over L (target ≤ 1.02, never under 0.98), the time from the cluster crossing
 * L to each gateway's first 429, where that time goes (counts → traffic manager → decision, from a listener
 * on the broker), and gateway 1's throughput with a counted limit beside the Unlimited tier (measured first,
 * which also warms gateway 1 up). Every scenario runs in the same minutes, each on its own subscription, so
 * a run takes setup + throughput + the wait for the next minute + the windows: about 5–6 minutes.
 *
 * Environment: BENCH_THROTTLE_LIMITS (default "600,6000"), BENCH_THROTTLE_MULTIPLES (default "2,10"),
 * BENCH_THROTTLE_WINDOWS (full minute windows, default 2), BENCH_THROTTLE_ROUNDS (throughput rounds, default
 * 2; 0 skips the comparison; BENCH_DURATION, BENCH_WARMUP and BENCH_CONNECTIONS apply as everywhere),
 * BENCH_THROTTLE_TRACE=<file> (every paced request as CSV: scenario, sent at, gateway, status, response ms,
 * arrival at the backend), BENCH_RABBITMQ_URL (default amqp://guest:guest@127.0.0.1:5672). A quick dry run
 * (about 2.5 minutes): BENCH_THROTTLE_WINDOWS=1 BENCH_THROTTLE_LIMITS=600 BENCH_THROTTLE_ROUNDS=1
 * BENCH_DURATION=3 BENCH_WARMUP=1 npm run bench -- throttle.
 */
import { createWriteStream } from 'node:fs';
import { countWindows, pacing, WINDOW_MS } from './throttle/analysis.js';
import { HUB_CLUSTER, RABBITMQ_URL, startAllNode, startBackend, startExtraNode } from './throttle/cluster.js';
import { findRabbitMq, watchCpu, type CpuShares } from './throttle/cpu.js';
import { BrokerObserver } from './throttle/observer.js';
import { makeClock, runPaced, type Records } from './throttle/paced.js';
import { report, type ScenarioResult } from './throttle/report.js';
import { apiPath, registerNodeClient, ThrottleSetup, type Subscriber } from './throttle/setup.js';
import { measureThroughput, type ThroughputRow } from './throttle/throughput.js';
import { warmUp } from './lib/load.js';
import { serverBuild, type BenchProcess } from './lib/server.js';
import type { BenchContext } from './run.js';

export const title = 'Distributed throttling: 2 gateways + 2 traffic managers over RabbitMQ';

/** The counted tier's limit: far above what the throughput run sends in a minute. */
const COUNTED_PER_MINUTE = 10_000_000;
/** autocannon through a gateway not warmed up by the throughput comparison, with the counted token. */
const WARM_UP_SEC = 3;

function numbers(variable: string, fallback: number[]): number[] {
  const raw = process.env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isInteger(v) || v <= 0))
    throw new Error(`${variable} must be positive integers separated by commas, not "${raw}"`);
  return values;
}

function count(variable: string, fallback: number, min: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${variable} must be an integer ≥ ${min}, not "${raw}"`);
  return value;
}

/** Polls until `origin` answers the subscriber's token with 200 and the tier's RateLimit-Limit. */
async function untilServed(origin: string, sub: Subscriber, limit: number | undefined): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${origin}${apiPath}`, {
        headers: { authorization: `Bearer ${sub.token}` },
      });
      const body = await response.text();
      const header = response.headers.get('ratelimit-limit');
      if (response.status === 200 && header === (limit === undefined ? null : String(limit))) return;
      last = `${response.status}, RateLimit-Limit ${header ?? 'absent'}: ${body.slice(0, 300)}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${origin} did not serve ${sub.label} (${sub.tier}) within 30 s: ${last}`);
}

function writeTrace(file: string, labels: string[], records: Records[]): Promise<void> {
  const out = createWriteStream(file);
  out.write('scenario,sent_at_ms,gateway,status,response_ms,backend_at_ms\n');
  records.forEach((r, s) => {
    for (let k = 0; k < r.sentAt.length; k++) {
      const sent = r.sentAt[k] as number;
      out.write(
        `${labels[s]},${sent.toFixed(3)},${(r.gateway[k] as number) + 1},${r.status[k]},${((r.doneAt[k] as number) - sent).toFixed(3)},${Number.isNaN(r.backendAt[k]) ? '' : (r.backendAt[k] as number).toFixed(3)}\n`,
      );
    }
  });
  return new Promise((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

export async function run(context: BenchContext): Promise<string> {
  const limits = numbers('BENCH_THROTTLE_LIMITS', [600, 6000]);
  const multiples = numbers('BENCH_THROTTLE_MULTIPLES', [2, 10]);
  const windowCount = count('BENCH_THROTTLE_WINDOWS', 2, 1);
  const rounds = count('BENCH_THROTTLE_ROUNDS', 2, 0);
  const build = await serverBuild();
  const notes = [...build.warnings];
  const started: BenchProcess[] = [];
  let observer: BrokerObserver | undefined;
  const scenarios: ScenarioResult[] = [];
  let throughput: ThroughputRow[] = [];
  let startAt = 0;
  let cpu: CpuShares = {};
  try {
    context.log('throttle: starting the backend and the `all` node (RabbitMQ event hub)');
    const backend = await startBackend();
    started.push(backend.process);
    const all = await startAllNode();
    started.push(all);

    context.log('throttle: tiers, API, applications and subscriptions');
    const setup = await ThrottleSetup.connect(all);
    const tierOf = (limit: number) => `BenchPerMinute${limit}`;
    for (const limit of limits) await setup.tier(tierOf(limit), limit);
    await setup.tier('BenchCounted', COUNTED_PER_MINUTE);
    const apiId = await setup.api(backend.origin, ['Unlimited', ...limits.map(tierOf), 'BenchCounted']);
    const plan = limits.flatMap((limit) => multiples.map((multiple) => ({ limit, multiple })));
    const subscribers: Subscriber[] = [];
    for (const { limit, multiple } of plan) {
      subscribers.push(await setup.subscriber(apiId, `l${limit}-x${multiple}`, tierOf(limit)));
    }
    const unlimited = await setup.subscriber(apiId, 'unlimited', 'Unlimited');
    const counted = await setup.subscriber(apiId, 'counted', 'BenchCounted');

    context.log('throttle: starting gateway 2 and TM 2');
    const nodeClient = await registerNodeClient(all, 'bench-throttle-gateway-2');
    const tm2 = await startExtraNode('traffic-manager', all);
    started.push(tm2);
    const gateway2 = await startExtraNode('gateway', all, nodeClient);
    started.push(gateway2);
    const gateways = [all.gatewayHttpUrl, gateway2.gatewayHttpUrl];
    for (const origin of gateways) {
      for (const [i, sub] of subscribers.entries()) await untilServed(origin, sub, plan[i]?.limit);
      await untilServed(origin, unlimited, undefined);
      await untilServed(origin, counted, COUNTED_PER_MINUTE);
    }

    // The throughput comparison first: it also warms gateway 1 up; gateway 2 gets a short warm-up of its own.
    const request = (origin: string, sub: Subscriber) => ({
      url: `${origin}${apiPath}`,
      method: 'GET' as const,
      headers: { authorization: `Bearer ${sub.token}` },
    });
    if (rounds > 0) {
      throughput = await measureThroughput(
        context,
        all,
        [
          { label: 'Unlimited (not counted)', request: request(all.gatewayHttpUrl, unlimited) },
          {
            label: `BenchCounted (${COUNTED_PER_MINUTE.toLocaleString('en-US')}/min, counted)`,
            request: request(all.gatewayHttpUrl, counted),
          },
        ],
        rounds,
        [
          { label: 'tm2', pid: tm2.pid },
          { label: 'gateway2', pid: gateway2.pid },
          { label: 'backend', pid: backend.process.pid },
        ],
      );
    }
    for (const [i, origin] of gateways.entries()) {
      if (i === 0 && rounds > 0) continue;
      context.log(`throttle: warming gateway ${i + 1} up for ${WARM_UP_SEC} s`);
      await warmUp(
        `gateway ${i + 1} warm-up`,
        i === 0 ? all : gateway2,
        request(origin, counted),
        context,
        WARM_UP_SEC,
      );
    }

    const clock = makeClock();
    const prefixes = subscribers.map((s) => `${s.applicationId}:`);
    observer = await BrokerObserver.start(
      [RABBITMQ_URL],
      HUB_CLUSTER,
      (key) => prefixes.some((p) => key.startsWith(p)),
      clock,
    );
    // The next minute at least 2 s away: the checks above count in an earlier window.
    startAt = Math.ceil((clock() + 2000) / WINDOW_MS) * WINDOW_MS;
    const streams = plan.map(({ limit, multiple }, i) => ({
      rate: (limit * multiple) / 60,
      path: apiPath,
      headers: { authorization: `Bearer ${(subscribers[i] as Subscriber).token}` },
    }));
    context.log(
      `throttle: ${plan.length} scenario(s) from ${new Date(startAt).toISOString()} for ${windowCount} minute(s) ` +
        `(${Math.round((startAt - clock()) / 1000)} s from now), ${streams.reduce((s, x) => s + x.rate, 0).toFixed(0)} req/s in all`,
    );
    const rabbitMq = findRabbitMq();
    const stopCpu = watchCpu({
      'node 1 (gateway 1 + TM 1)': all.pid,
      'gateway 2': gateway2.pid,
      'TM 2': tm2.pid,
      backend: backend.process.pid,
      'load generator': process.pid,
      ...(rabbitMq ? { RabbitMQ: rabbitMq } : {}),
    });
    const records = await runPaced(streams, gateways, startAt, windowCount * WINDOW_MS, clock);
    cpu = stopCpu();
    // Late decisions and counts still on their way.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (process.env.BENCH_THROTTLE_TRACE) {
      await writeTrace(
        process.env.BENCH_THROTTLE_TRACE,
        subscribers.map((s) => s.label),
        records,
      );
      context.log(`throttle: per-request trace written to ${process.env.BENCH_THROTTLE_TRACE}`);
    }
    const keys = observer.keys();
    plan.forEach(({ limit, multiple }, i) => {
      const r = records[i] as Records;
      const windows = countWindows(r, limit, startAt, windowCount, gateways.length);
      const key = keys.find((k) => k.startsWith(prefixes[i] as string));
      const traces = windows.map((w) => (key ? observer?.trace(key, w.start) : undefined));
      scenarios.push({ limit, multiple, rate: streams[i]?.rate ?? NaN, windows, traces, pacing: pacing(r) });
      context.log(
        `throttle: L=${limit} ×${multiple}: ` +
          windows
            .map(
              (w) =>
                `${w.admitted}/${limit} = ${w.ratio.toFixed(3)} (by arrival ${w.ratioByArrival.toFixed(3)}; first 429 ${w.gateways.map((g) => g.delayMs?.toFixed(1) ?? 'n/a').join(' / ')} ms)`,
            )
            .join('; '),
      );
      const reach = scenarios.at(-1)?.pacing;
      context.log(
        `throttle:   send → backend p50 ${reach?.reachP50Ms.toFixed(1)} ms, p99 ${reach?.reachP99Ms.toFixed(1)} ms, max ${reach?.reachMaxMs.toFixed(0)} ms`,
      );
      if (!key) notes.push(`No throttle counts of ${subscribers[i]?.label} were seen on the broker.`);
    });
    await observer.close();
    observer = undefined;
  } finally {
    await observer?.close().catch(() => undefined);
    for (const p of started.reverse()) {
      const code = await p.stop();
      if (code !== 0 && code !== null) notes.push(`A process exited with code ${code} after SIGTERM.`);
    }
  }
  return report({
    context,
    scenarios,
    startAt,
    windowCount,
    throughput,
    rounds,
    serverDescription: build.description,
    notes,
    cpu,
  });
}
