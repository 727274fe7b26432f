/**
 * One load scenario with autocannon against a server process: a warm-up that is thrown away, then the
 * measured window, with the server's CPU time and peak RSS over that window read from /proc.
 * Any non-2xx response, socket error or timeout, in the warm-up too, fails the scenario.
 */
import autocannon from 'autocannon';
import { cpuSeconds, machineBusySeconds, peakRss, resetPeakRss, type BenchServer } from './server.js';

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
}

function options(request: Request, settings: LoadSettings, duration: number): autocannon.Options {
  return {
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
  server: BenchServer,
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
  server: BenchServer,
  request: Request,
  settings: LoadSettings,
  durationSec = settings.warmupSec,
): Promise<number> {
  const result = await autocannon(options(request, settings, durationSec));
  await check(name, 'warm-up', result, request, server);
  return result['2xx'];
}

/** A warm-up (discarded), then the measured window. */
export async function measure(
  name: string,
  server: BenchServer,
  request: Request,
  settings: LoadSettings,
): Promise<LoadResult> {
  const warmupOk = await warmUp(name, server, request, settings);

  const peakRssWindowed = resetPeakRss(server.pid);
  const cpuBefore = cpuSeconds(server.pid);
  const machineBefore = machineBusySeconds();
  const ownBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await autocannon(options(request, settings, settings.durationSec));
  const wallSec = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = cpuSeconds(server.pid);
  const machineAfter = machineBusySeconds();
  const own = process.cpuUsage(ownBefore);
  const serverPeakRss = peakRss(server.pid);
  await check(name, 'measured', result, request, server);

  const perCore = (seconds: number) => (seconds / wallSec) * 100;
  const serverCpu = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
  const ownCpu = (own.user + own.system) / 1e6;
  const machineCpu =
    machineBefore !== undefined && machineAfter !== undefined ? machineAfter - machineBefore : undefined;
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
      machineCpu === undefined || serverCpu === undefined
        ? undefined
        : Math.max(0, perCore(machineCpu - serverCpu - ownCpu)),
    serverPeakRss,
    peakRssWindowed,
  };
}
