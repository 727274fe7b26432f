/**
 * The Gateway's cost, side by side in one run on one machine, with the same load generator and the same
 * connections: a node:http backend (1) straight, (2) behind a minimal undici `Pool.stream` proxy, (3) behind
 * Portcullis's gateway with JWT application tokens, (4) the same with opaque tokens, (5) behind Express
 * Gateway with key-auth, (6) behind fast-gateway, and (7) behind nginx when the machine has it. Every row
 * runs as fast as it answers, then again at half of (2)'s rate (autocannon's overallRate, and paced with wrk
 * when the machine has it), in rounds whose order rotates; the section reports the median of the rounds.
 * Then (2), (3), (4) and (5) in short alternating windows (bench/gateway/paired.ts), on which the issue's
 * targets are judged; BENCH_PAIRED_CYCLES (default 10) sets how many cycles.
 *
 * BENCH_ROUNDS (default 3) sets the rounds. Before each window the benchmark waits until the machine is
 * idle (BENCH_QUIET_WAIT seconds at most, default 120), and measures a window again while other processes
 * used 20 % of a core or more during it (BENCH_TRIES windows in all, default 3). BENCH_CPU_PROF=<dir> also
 * writes a V8 CPU profile of the Portcullis node (setup and every round) into <dir>.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, type LoadResult, type MeasureOptions, type Request, type Target } from './lib/load.js';
import {
  fixed2,
  integer,
  median,
  mib,
  percent,
  ratio,
  signed2,
  spread,
  table,
  type Align,
} from './lib/report.js';
import {
  cleanEnv,
  freePorts,
  makeTempDir,
  REPO,
  serverBuild,
  startProcess,
  startServer,
  statusOf,
  waitForQuiet,
  type BenchServer,
  type StartedProcess,
} from './lib/server.js';
import { findNginx, nginxVersion, startNginx } from './gateway/nginx.js';
import { ensurePeers, peerVersions } from './gateway/peers.js';
import { API, gatewayMetrics, setUpGateway } from './gateway/portcullis.js';
import {
  measurePaired,
  p99Differences,
  PAIRED_FULL_SEC,
  PAIRED_PACED_SEC,
  PAIRED_WARMUP_SEC,
  pairedTable,
  rotated,
  throughputRatios,
  type Paired,
} from './gateway/paired.js';
import { findWrk, paceFor, wrkVersion, wrkWindow, type Pace, type WrkResult } from './gateway/wrk.js';
import type { BenchContext } from './run.js';

export const title = 'Gateway proxying beside a bare undici proxy and other gateways';

/** Other processes using this much of a core during a window make it noisy. */
const NOISY_PERCENT = 20;

const HERE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gateway');

interface Row {
  /** (1)…(7). */
  id: number;
  label: string;
  /** What each request is checked for before it is forwarded. */
  auth: string;
  process: Target;
  /** CPU of its child processes too (nginx's worker). */
  tree?: boolean;
  request: Request;
}

interface Measured {
  full: LoadResult[];
  half: LoadResult[];
}

const get = (url: string, headers: Record<string, string> = {}): Request => ({ url, method: 'GET', headers });

/** A positive integer from the environment, or its default. */
function count(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}

/** A TypeScript program of bench/gateway in its own Node process (through the tsx loader). */
function startScript(
  name: string,
  script: string,
  args: string[],
  ready: () => Promise<boolean>,
): Promise<StartedProcess> {
  return startProcess({
    name,
    command: process.execPath,
    args: ['--import', import.meta.resolve('tsx'), path.join(HERE, script), ...args],
    cwd: REPO,
    env: cleanEnv({ LOG_LEVEL: 'error', NODE_ENV: 'production' }),
    ready,
  });
}

async function fetchText(request: Request): Promise<{ status: number; body: string }> {
  const response = await fetch(request.url, { method: request.method, headers: request.headers });
  return { status: response.status, body: await response.text() };
}

/** One request through the row answers what the backend answers; without credentials it is refused. */
async function checkRow(row: Row, expected: string, refused?: Request): Promise<void> {
  const { status, body } = await fetchText(row.request);
  if (status !== 200 || body !== expected) {
    throw new Error(
      `(${row.id}) ${row.label}: GET ${row.request.url} answered ${status}: ${body.slice(0, 500)}`,
    );
  }
  if (refused) {
    const without = await fetchText(refused);
    if (without.status !== 401 && without.status !== 403) {
      throw new Error(`(${row.id}) ${row.label}: without credentials it answered ${without.status}, not 401`);
    }
  }
}

/** Polls until the gateway serves the API with this token (it applies the deployment's events). */
async function untilServed(request: Request, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = { status: 0, body: '' };
  while (Date.now() < deadline) {
    last = await fetchText(request).catch((err: unknown) => ({ status: 0, body: String(err) }));
    if (last.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `the gateway did not serve ${request.url} within 30 s: ${last.status} ${last.body.slice(0, 500)}`,
  );
}

/** Express Gateway's admin API: a user and a key-auth credential; the header its key-auth policy reads. */
async function expressGatewayKey(adminPort: number): Promise<string> {
  const admin = `http://127.0.0.1:${adminPort}`;
  const post = async (url: string, body: unknown) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Express Gateway ${url}: ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  await post(`${admin}/users`, { username: 'bench', firstname: 'Bench', lastname: 'Mark' });
  const credential = await post(`${admin}/credentials`, { consumerId: 'bench', type: 'key-auth' });
  if (typeof credential.keyId !== 'string' || typeof credential.keySecret !== 'string') {
    throw new Error(`Express Gateway gave no key: ${JSON.stringify(credential)}`);
  }
  return `apiKey ${credential.keyId}:${credential.keySecret}`;
}

const medianOf = (results: LoadResult[], pick: (r: LoadResult) => number | undefined) =>
  median(results.map((r) => pick(r) ?? NaN));
const fixed1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const range = (values: number[]) =>
  values.length > 1 ? `${integer(Math.min(...values))}–${integer(Math.max(...values))}` : '–';

export async function run(context: BenchContext): Promise<string> {
  const roundCount = count('BENCH_ROUNDS', 3);
  const pairedCycles = count('BENCH_PAIRED_CYCLES', 10);
  const quietWait = Number(process.env.BENCH_QUIET_WAIT ?? 120);
  const tries = Math.max(1, Number(process.env.BENCH_TRIES ?? 3));
  let busyStarts = 0;
  let remeasured = 0;
  let noisyKept = 0;
  const notes: string[] = [];
  const started: { stop(): Promise<number | null>; name: string }[] = [];
  const keep = <T extends { stop(): Promise<number | null> }>(name: string, p: T): T => {
    started.push({ name, stop: () => p.stop() });
    return p;
  };
  const build = await serverBuild();
  notes.push(...build.warnings);
  const profileDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;

  let peersState = 'not needed';
  const rows: Row[] = [];
  const measured = new Map<number, Measured>();
  const rates: number[] = [];
  const wrkResults = new Map<number, WrkResult>();
  /** Half load, paced with wrk: each row's window of each round, and each round's pause. */
  const wrkPaced = new Map<number, WrkResult[]>();
  const wrkPaces: Pace[] = [];
  const wrk = findWrk();
  let server: BenchServer | undefined;
  let metrics = new Map<string, number>();
  let paired: Paired | undefined;
  let nginxLine = '';
  let bodyBytes = NaN;
  let clientHeaders: Record<string, string> = {};
  /** (2) at full load on the same request without its Authorization header, one window per round. */
  const bareProxy: LoadResult[] = [];
  try {
    type Six = [number, number, number, number, number, number];
    const [backendPort, proxyPort, egPort, egAdminPort, fastPort, nginxPort] = (await freePorts(6)) as Six;
    const origin = `http://127.0.0.1:${backendPort}`;

    context.log('gateway: starting the backend and the undici proxy');
    const backend = keep(
      'backend',
      await startScript(
        'the backend',
        'backend.ts',
        [String(backendPort)],
        async () => (await statusOf(`${origin}/`)) === 200,
      ),
    );
    const expected = (await fetchText(get(`${origin}/hello`))).body;
    bodyBytes = Buffer.byteLength(expected);

    const proxyUrl = `http://127.0.0.1:${proxyPort}`;
    const proxy = keep(
      'undici proxy',
      await startScript(
        'the undici proxy',
        'undici-proxy.ts',
        [String(proxyPort), origin],
        async () => (await statusOf(`${proxyUrl}/hello`)) === 200,
      ),
    );

    context.log('gateway: starting Portcullis (profile all) and deploying the API');
    server = keep(
      'Portcullis',
      await startServer(profileDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
    );
    const setup = await setUpGateway(server, origin);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    await untilServed(get(setup.url, bearer(setup.tokens.JWT)));
    // Every row is sent what an API client sends: the request of (3), its access token included. The rows
    // that check no credentials forward the header; (4) and (5) send their own credentials instead.
    clientHeaders = bearer(setup.tokens.JWT);
    rows.push(
      {
        id: 1,
        label: 'Backend directly (node:http)',
        auth: 'none',
        process: backend,
        request: get(`${origin}/hello`, clientHeaders),
      },
      {
        id: 2,
        label: 'Minimal undici Pool.stream proxy',
        auth: 'none',
        process: proxy,
        request: get(`${proxyUrl}/hello`, clientHeaders),
      },
    );
    const portcullisRows: Row[] = [
      {
        id: 3,
        label: 'Portcullis gateway, JWT token',
        auth: 'JWT (ES256) + subscription',
        process: server,
        request: get(setup.url, bearer(setup.tokens.JWT)),
      },
      {
        id: 4,
        label: 'Portcullis gateway, opaque token',
        auth: 'opaque token + subscription',
        process: server,
        request: get(setup.url, bearer(setup.tokens.OAUTH)),
      },
    ];
    rows.push(...portcullisRows);

    try {
      peersState = await ensurePeers(context.log);
    } catch (err) {
      peersState = `unavailable: ${(err as Error).message.split('\n')[0]}`;
      context.log(`gateway: WARNING bench/peers could not be installed; rows (5) and (6) skipped`);
      notes.push(`Rows (5) and (6) were skipped: bench/peers could not be installed (${peersState}).`);
    }
    if (!peersState.startsWith('unavailable')) {
      context.log('gateway: starting Express Gateway and fast-gateway');
      const egDir = makeTempDir('portcullis-bench-eg-');
      const eg = keep(
        'Express Gateway',
        await startScript(
          'Express Gateway',
          'express-gateway.ts',
          [egDir, String(egPort), String(egAdminPort), origin],
          async () => (await statusOf(`http://127.0.0.1:${egAdminPort}/users`)) === 200,
        ),
      );
      const egKey = await expressGatewayKey(egAdminPort);
      rows.push({
        id: 5,
        label: 'Express Gateway 1.16.11',
        auth: 'key-auth (API key)',
        process: eg,
        request: get(`http://127.0.0.1:${egPort}${API.context}/${API.version}${API.resource}`, {
          authorization: egKey,
        }),
      });
      const fastUrl = `http://127.0.0.1:${fastPort}${API.context}${API.resource}`;
      const fast = keep(
        'fast-gateway',
        await startScript(
          'fast-gateway',
          'fast-gateway.ts',
          [String(fastPort), origin],
          async () => (await statusOf(fastUrl)) === 200,
        ),
      );
      rows.push({
        id: 6,
        label: 'fast-gateway 5.0.1',
        auth: 'none',
        process: fast,
        request: get(fastUrl, clientHeaders),
      });
    }

    const nginx = findNginx();
    if (nginx) {
      nginxLine = nginxVersion(nginx);
      context.log(`gateway: starting ${nginxLine}`);
      const proc = keep('nginx', await startNginx(nginx, nginxPort, backendPort));
      rows.push({
        id: 7,
        label: nginxLine.replace('/', ' '),
        auth: 'none',
        process: proc,
        tree: true,
        request: get(`http://127.0.0.1:${nginxPort}/hello`, clientHeaders),
      });
    } else {
      notes.push('Row (7) was skipped: nginx is not installed on this machine (`apt-get install nginx`).');
    }

    for (const row of rows) {
      const refused =
        row.id === 3 || row.id === 4 || row.id === 5 ? { ...row.request, headers: {} } : undefined;
      await checkRow(row, expected, refused);
      measured.set(row.id, { full: [], half: [] });
    }
    context.log(
      `gateway: every row answers the backend's body; ${roundCount} round(s) of ${rows.length} rows`,
    );

    const watch = (row: Row): MeasureOptions => ({
      serverTree: row.tree === true,
      watch: row.id === 1 ? [] : [{ label: 'backend', pid: backend.pid }],
    });
    const describe = (r: LoadResult) =>
      `${integer(r.requestsPerSec)} req/s, p50 ${fixed2(r.fine.p50)} ms, p99 ${fixed2(r.fine.p99)} ms, ` +
      `CPU ${percent(r.serverCpuPercent)} (backend ${percent(r.watchedCpuPercent.backend)}, load ${percent(r.loadGenCpuPercent)})`;
    // Other work on the machine (another benchmark, a test suite) would be measured as the rows' slowness:
    // before each window, wait until the machine has been idle for a second (BENCH_QUIET_WAIT seconds at most).
    const settle = async () => {
      const { busy, waitedSec } = await waitForQuiet(quietWait);
      if (waitedSec > 1.5)
        context.log(`gateway:   waited ${waitedSec.toFixed(0)} s for the machine to be idle`);
      if (busy !== undefined && busy >= 15) {
        busyStarts++;
        context.log(`gateway:   WARNING the machine is busy (${percent(busy)} of a core) before this window`);
      }
    };
    /**
     * One window, measured again (at most BENCH_TRIES times in all) while other processes used more than
     * 20 % of a core during it; keeps the quietest.
     */
    const quietly = async (row: Row, what: string, options: MeasureOptions): Promise<LoadResult> => {
      let kept: LoadResult | undefined;
      for (let attempt = 1; attempt <= tries; attempt++) {
        await settle();
        context.log(`gateway: ${what}: (${row.id}) ${row.label}…`);
        const result = await measure(
          `(${row.id}) ${row.label}, ${what}`,
          row.process,
          row.request,
          context,
          options,
        );
        context.log(`gateway:   ${describe(result)}`);
        const other = result.otherCpuPercent ?? 0;
        if (!kept || other < (kept.otherCpuPercent ?? 0)) kept = result;
        if (other < NOISY_PERCENT) break;
        if (attempt < tries) {
          remeasured++;
          context.log(
            `gateway:   other processes used ${percent(other)} of a core meanwhile: measuring again`,
          );
        }
      }
      if ((kept?.otherCpuPercent ?? 0) >= NOISY_PERCENT) noisyKept++;
      return kept as LoadResult;
    };
    for (let round = 0; round < roundCount; round++) {
      // Each round starts one row further on, so that no row is always measured first or last.
      const order = rotated(rows, round);
      const tag = `round ${round + 1}/${roundCount}`;
      for (const row of order) {
        measured.get(row.id)?.full.push(await quietly(row, `${tag}, full load`, watch(row)));
      }
      const proxyRow = rows.find((row) => row.id === 2);
      if (proxyRow) {
        const bare = { ...proxyRow, request: { ...proxyRow.request, headers: {} } };
        bareProxy.push(
          await quietly(bare, `${tag}, full load, without the Authorization header`, watch(bare)),
        );
      }
      const rate = Math.round((measured.get(2)?.full[round]?.requestsPerSec ?? NaN) / 2);
      rates.push(rate);
      for (const row of order) {
        const result = await quietly(row, `${tag}, ${integer(rate)} req/s`, {
          ...watch(row),
          overallRate: rate,
        });
        measured.get(row.id)?.half.push(result);
      }
      // The same rate with wrk, paced: each connection pauses between its requests, so that they spread over
      // time (autocannon's half load comes in bursts each second, see Method). In every round, beside the
      // autocannon windows: one window is a single sample of a tail latency, and the machine's speed drifts
      // between rounds, so each row's p99 is compared with (2)'s of the same round.
      const proxyFull = measured.get(2)?.full[round];
      if (wrk && proxyFull && Number.isFinite(rate)) {
        const pace = paceFor(rate, context.connections, proxyFull.fine.p50 / 2);
        wrkPaces.push(pace);
        for (const row of order) {
          await settle();
          context.log(
            `gateway: ${tag}, wrk paced at about ${integer(rate)} req/s: (${row.id}) ${row.label}…`,
          );
          const result = await wrkWindow(
            wrk,
            `paced (${row.id}) ${row.label}`,
            row.request,
            context.connections,
            context,
            pace,
          );
          context.log(
            `gateway:   ${integer(result.requestsPerSec)} req/s, p50 ${fixed2(result.p50Ms)} ms, p99 ${fixed2(result.p99Ms)} ms`,
          );
          wrkPaced.set(row.id, [...(wrkPaced.get(row.id) ?? []), result]);
        }
      }
    }

    if (wrk) {
      for (const row of rows) {
        context.log(`gateway: wrk, full load: (${row.id}) ${row.label}…`);
        wrkResults.set(
          row.id,
          await wrkWindow(wrk, `(${row.id}) ${row.label}`, row.request, context.connections, context),
        );
      }
    }

    const pairRows = [2, 3, 4, 5].flatMap((id) => rows.filter((row) => row.id === id));
    const proxyP50 = median((measured.get(2)?.full ?? []).map((r) => r.fine.p50));
    context.log(`gateway: paired windows of (2)–(5), ${pairedCycles} cycle(s)`);
    paired = await measurePaired({
      context,
      rows: pairRows.map((row) => ({ ...row, options: watch(row), paced: row.id !== 5 })),
      cycles: pairedCycles,
      settle,
      paced: wrk ? { wrk, rate: median(rates), latencyMs: proxyP50 / 2 } : undefined,
    });
    metrics = await gatewayMetrics(server);
  } finally {
    for (const p of started.reverse()) {
      const code = await p.stop();
      if (code !== 0 && code !== null && p.name !== 'nginx')
        notes.push(`${p.name} exited with code ${code} after SIGTERM.`);
    }
  }
  if (profileDir) context.log(`gateway: Portcullis CPU profile written to ${profileDir}`);
  if (remeasured > 0) {
    notes.push(
      `${remeasured} window(s) were measured again because other processes used ${NOISY_PERCENT} % of a core or more during them (at most ${tries} tries, \`BENCH_TRIES\`; the quietest kept).`,
    );
  }
  if (noisyKept > 0) {
    notes.push(
      `**Noisy:** ${noisyKept} window(s) stayed noisy after ${tries} tries (see Other CPU): their figures understate what the row can do.`,
    );
  }
  if (busyStarts > 0) {
    notes.push(
      `**Noisy:** ${busyStarts} window(s) started while the machine was still busy with other work after waiting ${quietWait} s (\`BENCH_QUIET_WAIT\`).`,
    );
  }

  return report({
    context,
    rows,
    measured,
    rates,
    wrk: wrk
      ? { version: wrkVersion(wrk), results: wrkResults, paced: wrkPaced, paces: wrkPaces }
      : undefined,
    bareProxy,
    paired,
    metrics,
    notes,
    peersState,
    nginxLine,
    serverDescription: build.description,
    roundCount,
    bodyBytes,
  });
}

interface ReportInput {
  context: BenchContext;
  rows: Row[];
  measured: Map<number, Measured>;
  rates: number[];
  wrk:
    | {
        version: string;
        results: Map<number, WrkResult>;
        /** Half load, paced: each row's window of each round (empty when (2) had no full-load result). */
        paced: Map<number, WrkResult[]>;
        /** Each round's pause. */
        paces: Pace[];
      }
    | undefined;
  bareProxy: LoadResult[];
  paired: Paired | undefined;
  metrics: Map<string, number>;
  notes: string[];
  peersState: string;
  nginxLine: string;
  serverDescription: string;
  roundCount: number;
  bodyBytes: number;
}

function report(input: ReportInput): string {
  const { context, rows, measured, rates, metrics, notes, roundCount } = input;
  const of = (id: number) => measured.get(id) ?? { full: [], half: [] };
  const rps = (id: number) => medianOf(of(id).full, (r) => r.requestsPerSec);
  const baseRps = rps(2);
  /** p99 at half load minus (2)'s in the same round, median over rounds. */
  const p99Overhead = (id: number) =>
    median(of(id).half.map((r, i) => r.fine.p99 - (of(2).half[i]?.fine.p99 ?? NaN)));

  const cpu = (results: LoadResult[]) => percent(medianOf(results, (r) => r.serverCpuPercent));
  /** The proxy's CPU time per request: its CPU share over its rate (less sensitive to contention). */
  const perRequest = (results: LoadResult[]) =>
    fixed1(medianOf(results, (r) => ((r.serverCpuPercent ?? NaN) / 100 / r.requestsPerSec) * 1e6));
  const backendCpu = (row: Row, results: LoadResult[]) =>
    row.id === 1 ? '–' : percent(medianOf(results, (r) => r.watchedCpuPercent.backend));
  const fullRows = rows.map((row) => {
    const results = of(row.id).full;
    return [
      `(${row.id}) ${row.label}`,
      row.auth,
      integer(rps(row.id)),
      range(results.map((r) => r.requestsPerSec)),
      ratio(rps(row.id) / baseRps),
      fixed2(medianOf(results, (r) => r.fine.p50)),
      fixed2(medianOf(results, (r) => r.fine.p99)),
      cpu(results),
      perRequest(results),
      backendCpu(row, results),
      percent(medianOf(results, (r) => r.loadGenCpuPercent)),
      percent(medianOf(results, (r) => r.otherCpuPercent)),
      mib(medianOf(results, (r) => r.serverPeakRss)),
    ];
  });
  const halfRows = rows.map((row) => {
    const results = of(row.id).half;
    return [
      `(${row.id}) ${row.label}`,
      integer(medianOf(results, (r) => r.requestsPerSec)),
      fixed2(medianOf(results, (r) => r.fine.p50)),
      fixed2(medianOf(results, (r) => r.fine.p99)),
      row.id === 2 ? '–' : signed2(p99Overhead(row.id)),
      cpu(results),
      perRequest(results),
      backendCpu(row, results),
      percent(medianOf(results, (r) => r.loadGenCpuPercent)),
      percent(medianOf(results, (r) => r.otherCpuPercent)),
    ];
  });

  // The issue's targets, for row (3) and, for comparison, row (4).
  const eg = rps(5);
  const paced = input.wrk?.paced ?? new Map<number, WrkResult[]>();
  const pacedOf = (id: number) => paced.get(id) ?? [];
  /** p99 at paced half load (wrk) minus (2)'s in the same round: the target's figure when wrk ran. */
  const pacedDifferences = (id: number) => pacedOf(id).map((w, i) => w.p99Ms - (pacedOf(2)[i]?.p99Ms ?? NaN));
  const pacedOverhead = (id: number) => median(pacedDifferences(id));
  /** Judged on the paired windows (see below); the rounds' figure beside it. */
  const target = (id: number) => {
    const pairs = input.paired;
    const throughput = pairs ? median(throughputRatios(pairs, id)) : NaN;
    const pacedPairs = pairs !== undefined && pairs.paced.size > 0;
    const overhead = pacedPairs ? median(p99Differences(pairs, id)) : p99Overhead(id);
    const vsEg = pairs ? median(throughputRatios(pairs, id, 5)) : NaN;
    const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');
    return [
      `(${id}) ${id === 3 ? 'JWT' : 'opaque'}`,
      `${ratio(throughput)} ${verdict(throughput >= 0.8)} (rounds: ${ratio(rps(id) / baseRps)})`,
      `${signed2(overhead)} ms ${verdict(overhead < 1)}${pacedPairs ? ` (rounds, paced: ${signed2(pacedOverhead(id))} ms; autocannon, bursts: ${signed2(p99Overhead(id))} ms)` : ''}`,
      Number.isFinite(vsEg)
        ? `${ratio(vsEg)} ${verdict(vsEg >= 3)} (rounds: ${ratio(rps(id) / eg)})`
        : 'n/a (row 5 skipped)',
    ];
  };

  const share = (id: number) => `${((median(rates) / rps(id)) * 100).toFixed(0)} %`;
  const p99Pair = (id: number) =>
    `${fixed2(medianOf(of(id).full, (r) => r.fine.p99))} → ${fixed2(medianOf(of(id).half, (r) => r.fine.p99))}`;
  const requests = [...metrics.entries()]
    .filter(([k]) => k.startsWith('portcullis_gateway_requests_total{') && k.includes('api="BenchPizza"'))
    .map(([k, v]) => `${k.replace(/^.*status="([^"]+)".*$/, '$1')}: ${integer(v)}`)
    .join(', ');
  const dropped = metrics.get('portcullis_gateway_request_events_dropped_total') ?? NaN;
  const versions = peerVersions()
    .map((p) => `${p.name} ${p.installed ?? `(${p.wanted}, not installed)`}`)
    .join(', ');

  const wrkTable = input.wrk
    ? [
        '',
        `#### The same at full load with ${input.wrk.version} (one thread, ${context.connections} connections, ${context.durationSec} s, after ${context.warmupSec} s discarded; one window per row, not rounds: a cross-check with another load tool)`,
        '',
        table(
          ['Row', 'Requests/s', '× (2)', 'p50 ms', 'p99 ms'],
          rows.map((row) => {
            const w = input.wrk?.results.get(row.id);
            const base = input.wrk?.results.get(2)?.requestsPerSec ?? NaN;
            return [
              `(${row.id}) ${row.label}`,
              integer(w?.requestsPerSec ?? NaN),
              ratio((w?.requestsPerSec ?? NaN) / base),
              fixed2(w?.p50Ms ?? NaN),
              fixed2(w?.p99Ms ?? NaN),
            ];
          }),
          ['left', 'right', 'right', 'right', 'right'],
        ),
        ...(paced.size > 0
          ? [
              '',
              `#### Half load, paced, with ${input.wrk.version}: the half-load rate of each round (${rates.map(integer).join(', ')} requests/s), requests spread over time: each connection pauses ${input.wrk.paces.map((p) => `${p.minMs}–${p.maxMs}`).join(', ')} ms (at random, per round) between its requests; median of ${roundCount} round(s)`,
              '',
              table(
                [
                  'Row',
                  'Requests/s',
                  'p50 ms',
                  'p99 ms',
                  'p99 − (2)’s p99 of the round, ms',
                  'Range over rounds',
                ],
                rows.map((row) => {
                  const windows = pacedOf(row.id);
                  return [
                    `(${row.id}) ${row.label}`,
                    integer(median(windows.map((w) => w.requestsPerSec))),
                    fixed2(median(windows.map((w) => w.p50Ms))),
                    fixed2(median(windows.map((w) => w.p99Ms))),
                    row.id === 2 ? '–' : signed2(pacedOverhead(row.id)),
                    row.id === 2 ? '–' : spread(pacedDifferences(row.id), signed2),
                  ];
                }),
                ['left', 'right', 'right', 'right', 'right', 'right'],
              ),
            ]
          : []),
      ]
    : [];

  return [
    `#### Full load: ${context.connections} connections, as fast as each row answers (median of ${roundCount} round(s))`,
    '',
    table(
      [
        'Row',
        'Checked per request',
        'Requests/s',
        'Range over rounds',
        '× (2)',
        'p50 ms',
        'p99 ms',
        'Proxy CPU',
        'Proxy CPU µs/request',
        'Backend CPU',
        'Load-gen CPU',
        'Other CPU',
        'Proxy peak RSS',
      ],
      fullRows,
      ['left', 'left', ...Array<Align>(11).fill('right')],
    ),
    '',
    `#### Half load: ${integer(median(rates))} requests/s (half of (2)'s rate in each round; ${rates.map(integer).join(', ')}), same ${context.connections} connections`,
    '',
    table(
      [
        'Row',
        'Requests/s',
        'p50 ms',
        'p99 ms',
        'p99 − (2)’s p99, ms',
        'Proxy CPU',
        'Proxy CPU µs/request',
        'Backend CPU',
        'Load-gen CPU',
        'Other CPU',
      ],
      halfRows,
      ['left', ...Array<Align>(9).fill('right')],
    ),
    ...wrkTable,
    ...(input.paired
      ? [
          '',
          `#### Paired windows: (2), (3), (4) and (5) in turn, in an order rotated each cycle, ${input.paired.cycles} cycle(s) of ${PAIRED_FULL_SEC} s at full load${input.paired.pace ? ` and, for (2)–(4), ${PAIRED_PACED_SEC} s paced with wrk at about ${integer(input.paired.pace.rate)} requests/s (pauses ${input.paired.pace.minMs}–${input.paired.pace.maxMs} ms)` : ''}; each ratio and difference is taken within a cycle`,
          '',
          pairedTable(input.paired, new Map(rows.map((row) => [row.id, `(${row.id}) ${row.label}`]))),
        ]
      : []),
    '',
    "#### The issue's targets for Portcullis (judged on the paired windows; the rounds' figures in brackets)",
    '',
    table(
      ['Row', 'Throughput ≥ 0.8 × (2)', 'p99 overhead over (2) at half load < 1 ms', '≥ 3 × Express Gateway'],
      [target(3), target(4)],
    ),
    '',
    `- The half-load rate is half of (2)'s full-load rate, but ${share(3)} of (3)'s and ${share(4)} of (4)'s. As autocannon sends each second's requests in a burst at its start (see Method), a row spends about that share of each second with all ${context.connections} connections in flight, so its half-load p99 stays near its full-load p99: (2) ${p99Pair(2)}, (3) ${p99Pair(3)}, (4) ${p99Pair(4)} ms (full → half). The p99 overhead at half load therefore mostly measures queueing at ${context.connections} concurrent requests, i.e. throughput, not the added latency of a lightly loaded gateway.`,
    `- Portcullis's own count (\`/metrics\`, whole run, warm-ups and checks included): ${requests || 'n/a'}; request events dropped: ${integer(dropped)}.`,
    ...(input.wrk ? [] : ['- wrk is not installed on this machine (`which wrk`): autocannon only.']),
    ...(input.bareProxy.length > 0
      ? [
          `- Every row is sent the request of (3), access token included (see Method). On the same request without its Authorization header, (2) answered ${integer(medianOf(input.bareProxy, (r) => r.requestsPerSec))} req/s at full load (median of ${input.bareProxy.length} window(s), one per round, ${fixed1(medianOf(input.bareProxy, (r) => ((r.serverCpuPercent ?? NaN) / 100 / r.requestsPerSec) * 1e6))} µs of CPU per request): against that, (3) reads ${ratio(rps(3) / medianOf(input.bareProxy, (r) => r.requestsPerSec))} and (4) ${ratio(rps(4) / medianOf(input.bareProxy, (r) => r.requestsPerSec))}.`,
        ]
      : []),
    ...notes.map((n) => `- ${n}`),
    '',
    '### Method',
    '',
    `- Every row is its own process on 127.0.0.1, started by the benchmark and stopped at its end; the load comes from autocannon 9.0.0 in the \`npm run bench\` process. Rows (1)–(6) are Node ${process.version} processes, the TypeScript ones run through the tsx loader (it only compiles modules as they load). All rows forward to one backend process, so the proxy, the backend and the load generator share the machine's CPUs (Proxy, Backend and Load-gen CPU: % of one core each).`,
    `- Backend (\`bench/gateway/backend.ts\`): node:http answering every request with the same ${input.bodyBytes}-byte JSON body and a content-length, keep-alive. Every row is checked before the load to answer exactly that body, and rows (3)–(5) to refuse a request without credentials (401).`,
    "- Requests: every row is sent the same GET, with the `Authorization: Bearer` header of (3) (an ES256 JWT, about 600 bytes), as an API's clients send it; the rows that check no credentials ((1), (2), (6), (7)) pass it on to the backend, Portcullis strips it. (4) sends its opaque token instead, (5) its API key.",
    "- (2) `bench/gateway/undici-proxy.ts`: node:http in front, undici 7 `Pool.stream` behind with Portcullis's pool settings (128 connections, no pipelining), hop-by-hop headers dropped. The yardstick: what any Node gateway built on undici pays at least. Like every Portcullis node it holds one of `process.nextTick`'s objects from its start (`src/platform/next-tick-shape.ts`): without that, V8 can fall into a slow path in nextTick after the idle wait while the benchmark sets Portcullis up, and (2) would be slower than it can be in some runs and not others.",
    `- (3), (4) Portcullis: ${input.serverDescription}; one all-in-one node (profile \`all\`, SQLite, in-process event hub, log level warn) whose gateway serves the API on its plain-HTTP gateway port (\`gateway.http_port\`). Set up through the REST APIs as a user would (\`bench/gateway/portcullis.ts\`): an API with one GET resource (auth type Application & Application User, throttling tier Unlimited, subscription tier Unlimited) and the backend as production endpoint, a revision deployed to Default, published; per row an application (Unlimited; tokenType JWT, or OAUTH for opaque tokens) subscribed with Unlimited and PRODUCTION keys, whose first token every request sends as \`Authorization: Bearer\`. Per request the gateway routes, verifies the token (a JWT once by ES256 signature, then from its cache of verified tokens; an opaque token by introspection at the Key Manager, cached for a minute), checks the subscription, deny policies and scopes, runs its throttling step (every tier Unlimited: nothing is counted and no Traffic Manager is asked), forwards with undici \`Pool.stream\`, counts Prometheus metrics and queues a request event (published in batches on the \`requests\` topic, which the node's analytics component rolls up per minute in the same process).`,
    `- (5) Express Gateway 1.16.11 (\`bench/gateway/express-gateway.ts\`): one pipeline, key-auth then proxy (http-proxy, keep-alive agent), in-memory data store (\`db.redis.emulate\`); its models/*.json are copied next to its config, as it requires. **Its rate-limit policy is left out**: without a Redis server it stalls requests, so Express Gateway does less work per request here than Portcullis. (6) fast-gateway 5.0.1 (\`bench/gateway/fast-gateway.ts\`): one route, prefix stripped, no middleware (no authentication); fast-proxy-lite pinned to 1.1.2 by an npm override (5.0.1 asks for ^1.1.3, which the registry does not have). Both come from bench/peers (its own package.json and package-lock.json, installed by the benchmark with \`npm ci\` on first use; this run: ${input.peersState}; ${versions}).`,
    `- (7) ${input.nginxLine || 'nginx'}: one worker process (the Node rows are one event loop each), access log off, keep-alive to clients and an upstream keepalive pool to the backend; its CPU is the master's and the worker's.`,
    `- Load: ${context.connections} keep-alive connections, pipelining 1, the same for every row. ${roundCount} round(s); in each, every row gets ${context.warmupSec} s of warm-up (discarded) then ${context.durationSec} s measured at full load, then the same at half load; each round starts one row further on. Tables show the median over rounds; the range is the lowest and highest full-load rate.`,
    "- Half load uses autocannon's `overallRate` (split evenly over the connections), set to half of (2)'s full-load rate of the same round, for every row. **autocannon paces per second, not evenly**: each connection sends its share back to back as soon as a second starts, then waits for the next second. So the half-load window alternates about half a second of all connections busy with about half a second idle: latency percentiles at half load still contain the queueing of all connections in flight at once, not that of requests spread evenly over time. Coordinated-omission correction is off (`ignoreCoordinatedOmission`), so the latencies are the measured ones.",
    "- Paced half load (when wrk is installed): in every round, after the autocannon half-load windows, each row gets a wrk window (one thread, the same connections, 2 s of warm-up discarded) at the round's half-load rate: each connection pauses a random whole number of milliseconds (a Lua `delay()`) before each request, chosen so that the connections together send about that rate; the pause is not part of the latency wrk reports (from writing the request to the end of the response). Requests then arrive spread over each second, as from many independent clients, and p99 shows the latency a moderately loaded gateway adds rather than the queueing of a burst. A row slower to answer sends slightly fewer requests (closed loop). One window's p99 is a single sample of a tail that moves by a millisecond or more from one window to the next on this machine, so a row's overhead is its p99 minus (2)'s of the same round, and the table shows the median over the rounds and its range. The paired windows (below) measure the same again for the target.",
    `- Paired windows (the targets' figures): after the rounds, (2), (3), (4) and (5) in turn (each cycle starting one row further on, the paced windows too, so that no row always comes first or right after (2)), each a ${PAIRED_FULL_SEC}-s autocannon window at full load after ${PAIRED_WARMUP_SEC} s of warm-up, then (2)–(4) each a ${PAIRED_PACED_SEC}-s paced wrk window at half load (half of (2)'s median full-load rate of the rounds) after ${PAIRED_WARMUP_SEC} s of warm-up; that is one cycle, repeated \`BENCH_PAIRED_CYCLES\` times (default 10). A row's ratio to (2) (and to (5)) and its p99 difference are taken within each cycle, where the rows ran seconds apart, and the median over the cycles is its figure. Why: on this shared virtual machine the CPUs' speed moves in steps of tens of percent from one minute, or second, to the next (a fixed loop of arithmetic, timed every second on the idle machine, took from 4 to 48 ms), so windows minutes apart, as the rounds' are, compare the machine's moments as much as the rows. The targets are judged on these figures, and without wrk the p99 target falls back to autocannon's half load of the rounds.`,
    "- Latency: p50 and p99 come from every 2xx response of the window at sub-millisecond resolution (autocannon's `response` event, measured with `process.hrtime` from writing the request to the end of the response); autocannon's own histogram rounds to whole milliseconds, too coarse for a 1 ms target. Requests/s is autocannon's mean of its per-second samples.",
    "- CPU is user + system time from `/proc/<pid>/stat` over the window, where 100 % is one core; Proxy CPU µs/request is the proxy's CPU time divided by the requests it answered (for rows (3) and (4) the whole node: the analytics that consume the request events, and the other components, which are idle). Other CPU is the rest of the machine (busy time from `/proc/stat` minus proxy, backend and load generator), which should be near 0; before each window the benchmark waits until the machine has been idle for a second (at most `BENCH_QUIET_WAIT` s, default 120). Peak RSS is `VmHWM`, reset before each window.",
    "- Three busy processes (load generator, proxy, backend) share 2 vCPUs in every proxied row, so no row gets a core to itself: requests/s measures the whole chain on this machine, and CPU µs/request is the figure to compare the proxies' own cost with.",
  ].join('\n');
}
