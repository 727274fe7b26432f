/**
 * One load scenario with autocannon against a server process: a warm-up that is thrown away, then the
 * measured window, with the server's CPU time and peak RSS over that window read from /proc.
 * Any non-2xx response, socket error or timeout, in the warm-up too, fails the scenario.
 */
import autocannon from 'autocannon';
import { machineBusySeconds, peakRss, resetPeakRss, treeCpuSeconds, type BenchProcess } from './server.js';

/** What a scenario loads: a process whose CPU is measured, and whose output shows what went wrong. */
export type Target = Pick<BenchProcess, 'pid' | 'tail'>;

/** Another process whose CPU is read over the window (a backend behind the server, say). */
export interface Watched {
  label: string;
  pid: number;
}

export interface MeasureOptions {
  /** Requests per second over all connections (autocannon's overallRate); unset: as fast as answered. */
  overallRate?: number;
  /** Count the CPU of the server's child processes too (nginx's workers). */
  serverTree?: boolean;
  watch?: Watched[];
}

/** Latency percentiles at sub-millisecond resolution, in milliseconds, from every 2xx of the window. */
export interface FineLatency {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LoadSettings {
  /** Measured seconds per scenario (BENCH_DURATION). */
  durationSec: number;
  /** Seconds of load before measuring, discarded (BENCH_WARMUP). */
  warmupSec: number;
  /** Concurrent keep-alive connections (BENCH_CONNECTIONS). */
  connections: number;
  pipelining: number;
}

export interface Request {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** For https URLs: the CA to trust and the name to send (SNI). */
  tls?: { ca: string; servername: string };
}

export interface LoadResult {
  /** autocannon's mean of its per-second samples. */
  requestsPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  /** 2xx responses in the measured window. */
  ok: number;
  /** Seconds the measured window really lasted (autocannon may take one more 1 s sample than asked). */
  windowSec: number;
  /** 2xx responses in the warm-up. */
  warmupOk: number;
  non2xx: number;
  /** Server CPU over the window, in % of one core (user + system, all threads). */
  serverCpuPercent: number | undefined;
  /** This process's (autocannon's) CPU over the window, in % of one core. */
  loadGenCpuPercent: number;
  /** CPU used by everything else on the machine over the window, in % of one core: noise if not ~0. */
  otherCpuPercent: number | undefined;
  /** Peak RSS of the server in bytes: over the window, or since the server started if it cannot be reset. */
  serverPeakRss: number | undefined;
  peakRssWindowed: boolean;
  /** autocannon's latency histogram counts whole milliseconds; these come from each response's hrtime. */
  fine: FineLatency;
  /** CPU of the watched processes over the window, in % of one core, by label. */
  watchedCpuPercent: Record<string, number | undefined>;
}

function options(
  request: Request,
  settings: LoadSettings,
  duration: number,
  measureOptions: MeasureOptions = {},
): autocannon.Options {
  return {
    ...(measureOptions.overallRate !== undefined
      ? { overallRate: Math.max(1, Math.round(measureOptions.overallRate)), ignoreCoordinatedOmission: true }
      : {}),
    url: request.url,
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
    connections: settings.connections,
    pipelining: settings.pipelining,
    duration,
    timeout: 10,
    ...(request.tls ? { servername: request.tls.servername, tlsOptions: { ca: request.tls.ca } } : {}),
  };
}

/** One request outside the load, to show what a failing status was about. */
async function sample(request: Request): Promise<string> {
  if (request.tls) return '(not sampled over https)';
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    return `a single request now gets ${response.status}: ${(await response.text()).slice(0, 500)}`;
  } catch (err) {
    return `a single request now fails: ${(err as Error).message}`;
  }
}

async function check(
  name: string,
  phase: string,
  result: autocannon.Result,
  request: Request,
  server: Target,
) {
  const { non2xx, errors, timeouts, resets } = result;
  if (non2xx === 0 && errors === 0 && timeouts === 0 && resets === 0 && result['2xx'] > 0) return;
  const statuses = Object.entries(result.statusCodeStats)
    .map(([status, { count }]) => `${status}×${count}`)
    .join(', ');
  throw new Error(
    `${name} (${phase}): ${non2xx} non-2xx responses [${statuses}], ${errors} errors, ${timeouts} timeouts, ` +
      `${resets} resets, ${result['2xx']} 2xx; ${await sample(request)}\n--- server output (tail) ---\n${server.tail()}`,
  );
}

/** Load for `durationSec` without measuring (JIT, caches); fails like a measured run. Returns the 2xx count. */
export async function warmUp(
  name: string,
  server: Target,
  request: Request,
  settings: LoadSettings,
  durationSec = settings.warmupSec,
  measureOptions: MeasureOptions = {},
): Promise<number> {
  const result = await autocannon(options(request, settings, durationSec, measureOptions));
  await check(name, 'warm-up', result, request, server);
  return result['2xx'];
}

/** Latencies of one window, kept as they come (a few hundred thousand at most). */
class Latencies {
  #values = new Float64Array(1 << 16);
  #count = 0;

  add(ms: number): void {
    if (this.#count === this.#values.length) {
      const bigger = new Float64Array(this.#values.length * 2);
      bigger.set(this.#values);
      this.#values = bigger;
    }
    this.#values[this.#count++] = ms;
  }

  summary(): FineLatency {
    const sorted = this.#values.subarray(0, this.#count).sort();
    const n = sorted.length;
    const at = (q: number) => (n === 0 ? NaN : (sorted[Math.min(n - 1, Math.ceil(q * n) - 1)] as number));
    let sum = 0;
    for (const v of sorted) sum += v;
    return { count: n, mean: n ? sum / n : NaN, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
  }
}

/** A warm-up (discarded), then the measured window. */
export async function measure(
  name: string,
  server: Target,
  request: Request,
  settings: LoadSettings,
  measureOptions: MeasureOptions = {},
): Promise<LoadResult> {
  const warmupOk = await warmUp(name, server, request, settings, settings.warmupSec, measureOptions);

  const watch = measureOptions.watch ?? [];
  const latencies = new Latencies();
  const peakRssWindowed = resetPeakRss(server.pid);
  // The server's pids (with its children's, for serverTree) are read once: the same set at both ends.
  const cpuBefore = treeCpuSeconds(server.pid, measureOptions.serverTree ? undefined : [server.pid]);
  const watchedBefore = watch.map((w) => treeCpuSeconds(w.pid, [w.pid]));
  const machineBefore = machineBusySeconds();
  const ownBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const instance = autocannon(options(request, settings, settings.durationSec, measureOptions));
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.add(responseTime);
  });
  const result = await instance;
  const wallSec = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = treeCpuSeconds(server.pid, cpuBefore.pids);
  const watchedAfter = watch.map((w) => treeCpuSeconds(w.pid, [w.pid]));
  const machineAfter = machineBusySeconds();
  const own = process.cpuUsage(ownBefore);
  const serverPeakRss = peakRss(server.pid);
  await check(name, 'measured', result, request, server);

  const perCore = (seconds: number) => (seconds / wallSec) * 100;
  const difference = (before: number | undefined, after: number | undefined) =>
    before !== undefined && after !== undefined ? after - before : undefined;
  const serverCpu = difference(cpuBefore.seconds, cpuAfter.seconds);
  const watchedCpu = watch.map((_, i) => difference(watchedBefore[i]?.seconds, watchedAfter[i]?.seconds));
  const ownCpu = (own.user + own.system) / 1e6;
  const machineCpu = difference(machineBefore, machineAfter);
  const accounted =
    serverCpu === undefined || watchedCpu.some((c) => c === undefined)
      ? undefined
      : serverCpu + ownCpu + watchedCpu.reduce((a: number, c) => a + (c ?? 0), 0);
  return {
    requestsPerSec: result.requests.mean,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMeanMs: result.latency.mean,
    ok: result['2xx'],
    windowSec: result.duration,
    warmupOk,
    non2xx: result.non2xx,
    serverCpuPercent: serverCpu === undefined ? undefined : perCore(serverCpu),
    loadGenCpuPercent: perCore(ownCpu),
    otherCpuPercent:
      machineCpu === undefined || accounted === undefined
        ? undefined
        : Math.max(0, perCore(machineCpu - accounted)),
    serverPeakRss,
    peakRssWindowed,
    fine: latencies.summary(),
    watchedCpuPercent: Object.fromEntries(
      watch.map((w, i) => {
        const cpu = watchedCpu[i];
        return [w.label, cpu === undefined ? undefined : perCore(cpu)];
      }),
    ),
  };
}
