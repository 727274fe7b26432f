/** The Markdown section of `npm run bench -- throttle`: summary, per-scenario tables, throughput, method. */
import { integer, median, percent, table } from '../lib/report.js';
import type { BenchContext } from '../run.js';
import type { Pacing, WindowResult } from './analysis.js';
import type { CpuShares } from './cpu.js';
import type { WindowTrace } from './observer.js';
import type { ThroughputRow } from './throughput.js';

export const TARGET = { max: 1.02, min: 0.98 };

export interface ScenarioResult {
  limit: number;
  multiple: number;
  /** Requests per second over both gateways. */
  rate: number;
  windows: WindowResult[];
  traces: (WindowTrace | undefined)[];
  pacing: Pacing;
}

export interface ReportInput {
  context: BenchContext;
  scenarios: ScenarioResult[];
  startAt: number;
  windowCount: number;
  throughput: ThroughputRow[];
  rounds: number;
  serverDescription: string;
  notes: string[];
  /** CPU over the paced load, % of one core by process. */
  cpu: CpuShares;
}

/** Send → backend p99 above this: requests queued on their way to the gateways (the machine was busy). */
const QUEUED_MS = 50;

const fixed = (n: number | undefined, digits = 0) =>
  n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits);
const signedMs = (n: number | undefined) =>
  n === undefined || !Number.isFinite(n) ? 'n/a' : `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(1)} ms`;
const ratio = (n: number) => n.toFixed(3);
const since = (at: number | undefined, from: number | undefined) =>
  at === undefined || from === undefined ? undefined : at - from;
const perMinute = (s: ScenarioResult) => s.limit * s.multiple;

const rightAligned = (n: number) => Array.from({ length: n }, () => 'right' as const);

export const withinTarget = (w: WindowResult) => w.ratio <= TARGET.max && w.ratio >= TARGET.min;

/** The first 429 of a gateway, after the crossing, with the gateway's admitted requests past it. */
function delayCell(w: WindowResult, g: number): string {
  const gw = w.gateways[g];
  if (!gw) return 'n/a';
  if (w.crossedAt === undefined)
    return gw.first429At === undefined ? 'limit not reached' : 'refused before L';
  if (gw.first429At === undefined) return 'no 429';
  return signedMs(gw.delayMs);
}

function summary(scenarios: ScenarioResult[], windowCount: number): string {
  const headings = [
    'L (per min)',
    'Rate',
    ...Array.from({ length: windowCount }, (_, i) => `Window ${i + 1}: admitted / L`),
  ];
  headings.push('First 429 after crossing L: gateway 1', 'gateway 2');
  const rows = scenarios.map((s) => [
    integer(s.limit),
    `${s.multiple}× L = ${integer(perMinute(s))}/min (${fixed(s.rate, 0)} req/s)`,
    ...s.windows.map((w) => `${ratio(w.ratio)}${withinTarget(w) ? '' : ' **✗**'}`),
    ...[0, 1].map((g) => s.windows.map((w) => delayCell(w, g)).join(' / ')),
  ]);
  return table(headings, rows, ['right', 'left', ...rightAligned(windowCount), 'right', 'right']);
}

function scenarioTable(s: ScenarioResult): string {
  const rows = s.windows.map((w, i) => {
    const other = [...w.other.entries()].map(([status, n]) => `${status || 'no response'}×${n}`).join(', ');
    return [
      `${i + 1} (${new Date(w.start).toISOString().slice(11, 16)} UTC)`,
      integer(w.sent),
      integer(w.admitted),
      integer(w.throttled),
      other || '0',
      ratio(w.ratio),
      ratio(w.ratioByArrival),
      w.crossedAt === undefined ? 'not reached' : `${((w.crossedAt - w.start) / 1000).toFixed(2)} s`,
      ...[0, 1].map((g) => delayCell(w, g)),
      w.gateways.map((gw) => integer(gw.admittedAfter)).join(' + '),
      w.gateways.map((gw) => integer(gw.refusedBefore)).join(' + '),
    ];
  });
  return table(
    [
      'Window',
      'Sent',
      '200',
      '429',
      'Other',
      'Admitted / L',
      'By arrival at backend',
      'L crossed at',
      'First 429 gw 1',
      'gw 2',
      '200s after crossing (gw 1 + gw 2)',
      '429s before crossing',
    ],
    rows,
    ['left', ...rightAligned(11)],
  );
}

/** The gateways' side of every window: from the L-th admitted request reaching the backend. */
function timelineTable(scenarios: ScenarioResult[]): string {
  const rows = scenarios.flatMap((s) =>
    s.windows.map((w, i) => {
      const t = s.traces[i];
      const from = w.crossedAtArrival;
      return [
        `L = ${integer(s.limit)} at ${s.multiple}×`,
        String(i + 1),
        signedMs(since(from, w.crossedAt)),
        signedMs(since(t?.countsReachedSentAt, from)),
        signedMs(since(t?.countsReachedArrivedAt, from)),
        signedMs(since(t?.decisionMadeAt, from)),
        signedMs(since(t?.decisionArrivedAt, from)),
        ...[0, 1].map((g) => signedMs(w.gateways[g]?.lagMs)),
        fixed(((Math.max(...w.gateways.map((gw) => gw.lagMs ?? NaN)) / 1000) * s.rate) / s.limit, 4),
      ];
    }),
  );
  return table(
    [
      'Scenario',
      'Window',
      'Queueing (arrival − send of the L-th)',
      'Counts reach L (sent by a gateway)',
      '… seen on broker',
      'TM decision made',
      'Decision seen on broker',
      'Last 200 gw 1',
      'gw 2',
      'Lag × rate / L',
    ],
    rows,
    ['left', ...rightAligned(9)],
  );
}

const rps = (r: ThroughputRow) => median(r.results.map((x) => x.requestsPerSec));
const bestRps = (r: ThroughputRow) => Math.max(...r.windows.map((x) => x.requestsPerSec));
/** Node 1's CPU time per request, in µs (median over rounds). */
const cpuPerRequest = (r: ThroughputRow) =>
  median(r.results.map((x) => ((x.serverCpuPercent ?? NaN) / 100 / x.requestsPerSec) * 1e6));

function throughputTable(rows: ThroughputRow[], context: BenchContext): string {
  const [base] = rows;
  const lines = rows.map((r) => [
    r.label,
    integer(rps(r)),
    `${(rps(r) / (base ? rps(base) : NaN)).toFixed(3)}×`,
    integer(bestRps(r)),
    `${(bestRps(r) / (base ? bestRps(base) : NaN)).toFixed(3)}×`,
    String(r.windows.length),
    fixed(median(r.results.map((x) => x.fine.p50)), 2),
    fixed(median(r.results.map((x) => x.fine.p99)), 2),
    percent(median(r.results.map((x) => x.serverCpuPercent ?? NaN))),
    fixed(cpuPerRequest(r), 1),
    percent(median(r.results.map((x) => x.watchedCpuPercent.tm2 ?? NaN))),
    percent(median(r.results.map((x) => x.loadGenCpuPercent))),
    percent(median(r.results.map((x) => x.otherCpuPercent ?? NaN))),
  ]);
  return [
    `#### Throughput through gateway 1: ${context.connections} connections, as fast as it answers (${rows[0]?.results.length ?? 0} round(s))`,
    '',
    table(
      [
        'Subscription tier',
        'Requests/s (median)',
        '× Unlimited',
        'Requests/s (fastest window)',
        '× Unlimited',
        'Windows',
        'p50 ms',
        'p99 ms',
        'Node 1 CPU',
        'Node 1 CPU µs/request',
        'TM 2 CPU',
        'Load-gen CPU',
        'Other CPU',
      ],
      lines,
      ['left', ...rightAligned(12)],
    ),
  ].join('\n');
}

function verdict(scenarios: ScenarioResult[]): string {
  const all = scenarios.flatMap((s) => s.windows);
  const ratios = all.map((w) => w.ratio);
  const misses = scenarios.flatMap((s) =>
    s.windows
      .map((w, i) => ({ w, i }))
      .filter(({ w }) => !withinTarget(w))
      .map(
        ({ w, i }) =>
          `L = ${s.limit} at ${s.multiple}×, window ${i + 1}: ${ratio(w.ratio)} (by arrival at the backend ${ratio(w.ratioByArrival)})`,
      ),
  );
  const arrivals = all.map((w) => w.ratioByArrival);
  const arrivalsOk = arrivals.every((r) => r <= TARGET.max && r >= TARGET.min);
  const range = (values: number[]) => `${ratio(Math.min(...values))}–${ratio(Math.max(...values))}`;
  const byArrival = `by arrival at the backend (when the gateways counted them): ${range(arrivals)}, ${arrivalsOk ? 'within' : '**outside**'} the target`;
  return misses.length === 0
    ? `**Verdict: target met.** Admitted / L stayed within ${TARGET.min}–${TARGET.max} in all ${all.length} windows (range ${range(ratios)}; ${byArrival}).`
    : `**Verdict: target not met** in ${misses.length} of ${all.length} windows (range ${range(ratios)}; ${byArrival}): ${misses.join('; ')}.`;
}

function cpuLine(cpu: CpuShares): string {
  const parts = Object.entries(cpu)
    .filter(([label]) => label !== 'other')
    .map(([label, share]) => `${label} ${percent(share)}`);
  return `CPU over the paced load (% of one core): ${parts.join(', ')}; everything else on the machine ${percent(cpu.other)}.`;
}

export function report(input: ReportInput): string {
  const { context, scenarios, throughput, windowCount } = input;
  const m = context.machine;
  const thr = throughput.length === 2 ? throughput : undefined;
  const thrRatio = thr ? bestRps(thr[1] as ThroughputRow) / bestRps(thr[0] as ThroughputRow) : NaN;
  const cpuRatio = thr
    ? cpuPerRequest(thr[1] as ThroughputRow) / cpuPerRequest(thr[0] as ThroughputRow)
    : NaN;
  const pacingLines = scenarios.map(
    (s) =>
      `L = ${integer(s.limit)} at ${s.multiple}×: sent late by p50 ${fixed(s.pacing.lateP50Ms, 2)} ms, p99 ${fixed(s.pacing.lateP99Ms, 2)} ms, max ${fixed(s.pacing.lateMaxMs, 1)} ms; response time p50 ${fixed(s.pacing.latencyP50Ms, 2)} ms, p99 ${fixed(s.pacing.latencyP99Ms, 2)} ms; send → backend (admitted requests) p50 ${fixed(s.pacing.reachP50Ms, 2)} ms, p99 ${fixed(s.pacing.reachP99Ms, 2)} ms, max ${fixed(s.pacing.reachMaxMs, 0)} ms`,
  );
  const queued = Math.max(...scenarios.map((s) => s.pacing.reachP99Ms));
  const queueWarning =
    queued > QUEUED_MS
      ? [
          `- **Requests queued on their way to the gateways** (send → backend p99 up to ${fixed(queued, 0)} ms; see Method), as the machine was busy. ${cpuLine(input.cpu)} Send times then run ahead of the gateways' clocks, so the send-time windows, the crossing and the first-429 delays include that queueing; the "by arrival at the backend" ratio counts admitted requests in the window in which the gateways counted them, and the gateways' side table is timed by the backend's clock, without that queueing.`,
        ]
      : [];
  const total = scenarios.reduce((sum, s) => sum + s.rate, 0);
  return [
    verdict(scenarios),
    '',
    `#### Admitted requests per window (${scenarios.length} scenarios at once, ${windowCount} full minute window(s) from ${new Date(input.startAt).toISOString()})`,
    '',
    summary(scenarios, windowCount),
    '',
    `Target: admitted / L ≤ ${TARGET.max}, and never under ${TARGET.min} once traffic flows (every window here has traffic from its first millisecond). A **✗** marks a window outside. First-429 delays are per window (window 1 / window 2 …), from the send time of the L-th admitted request of the window (cluster-wide, in send order) to the send time of the gateway's first 429.`,
    '',
    ...scenarios.flatMap((s) => [
      `##### L = ${integer(s.limit)} per minute, driven at ${s.multiple}× (${integer(perMinute(s))}/min, ${fixed(s.rate, 0)} req/s over both gateways: each gateway gets one request every ${fixed(2000 / s.rate, 0)} ms)`,
      '',
      scenarioTable(s),
      '',
    ]),
    'A gateway\'s first 429 can only come with its next request after the decision reached it, so at low rates the first-429 delay is mostly the spacing of its requests. "200s after crossing" is the excess, split by the gateway that admitted it; "429s before crossing" counts refusals sent before the cluster reached L (in send order).',
    '',
    "##### On the gateways' side: from the L-th admitted request reaching the backend",
    '',
    timelineTable(scenarios),
    '',
    "Times are relative to the moment the L-th admitted request of the window reached the backend (right after a gateway counted it; the backend's clock): when the gateways' counts seen on the broker first added up to L (the gateway's send time of that count message, and its arrival at a listener on the broker), when a traffic manager made its first decision for the window (event timestamp; both decide, the earlier counts), when that decision reached a listener on the broker, and when each gateway's last admitted request of the window reached the backend, i.e. how long each gateway went on admitting. \"Queueing\" is how much later the L-th admitted request reached the backend than it was sent. Lag × rate / L is the excess that lag explains (excess / L ≈ lag × M / 60 s at M × L per minute).",
    '',
    thr
      ? [
          throughputTable(throughput, context),
          '',
          `- Counted / Unlimited, fastest windows: ${thrRatio.toFixed(3)}× the requests/s (${
            thrRatio <= 1
              ? `a cost of ${((1 - thrRatio) * 100).toFixed(1)} %`
              : 'no measurable cost: the counted tier ran faster'
          }); node 1's CPU per request: ${cpuRatio.toFixed(3)}× (${cpuRatio >= 1 ? '+' : '−'}${Math.abs((cpuRatio - 1) * 100).toFixed(1)} %). That is the price of counting every request against a limit that is never reached and sending the counts; node 1 is the \`all\` node, so its CPU includes TM 1 adding them up. Other CPU is what the rest of this 2-CPU machine used meanwhile (a window with 25 % or more was measured again, up to 3 tries; the median is over the quietest window of each round, the fastest window is the least disturbed); the throughput figures are sensitive to that, the accuracy figures much less (a note says so when requests queued on their way to the gateways).`,
        ].join('\n')
      : '_Throughput comparison skipped (BENCH_THROTTLE_ROUNDS=0)._',
    ...queueWarning,
    ...input.notes.map((n) => `- ${n}`),
    '',
    '### Method',
    '',
    `- Topology, every part its own process on one machine (${m.cpu} × ${m.cpus} logical CPUs, ${m.memory}, Node ${m.node}): one Portcullis node of profile \`all\` (Key Manager, Publisher, Developer Portal, TM 1 and gateway 1; SQLite), one of profile \`gateway\` (gateway 2) and one of profile \`traffic-manager\` (TM 2), all three on one RabbitMQ broker (\`event_hub.type = rabbitmq\`, 127.0.0.1:5672; \`event_hub.cluster = bench-throttle\`, so fanout exchanges \`bench-throttle.requests\`, \`bench-throttle.throttleData\`…, apart from test suites using the same broker). Gateway 2 and TM 2 use the \`all\` node's CA and node certificate and its URL as Key Manager and Publisher; gateway 2 has a node client registered there. Server: ${input.serverDescription}. The backend is \`bench/throttle/backend.ts\` (node:http, a fixed 90-byte JSON body, and \`x-received-at\`: when the request reached it).`,
    "- Setup through the REST APIs (`bench/throttle/setup.ts`): one subscription tier per L (L requests per 1 min, stop on quota, no burst limit) and a counted tier (10,000,000 per minute); one API (one GET resource, API and resource tiers Unlimited) offering them; per scenario its own application (application tier Unlimited, JWT tokens) with its own subscription, so that scenarios count on separate throttle keys (`{applicationId}:{context}:{version}`). Before the load each token gets 200 from both gateways with the tier's `RateLimit-Limit`, which shows that both gateways hold the tier.",
    `- Load (\`bench/throttle/paced.ts\`): a paced open-loop generator in the benchmark process, undici pools of 32 keep-alive connections per gateway; per scenario, request k is due at start + k / rate and goes to gateway 1 when k is even, to gateway 2 when odd, so each gateway gets half the rate, interleaved. A 1 ms timer sends what is due. **All ${scenarios.length} scenarios run at the same time** (same minutes, ${fixed(total, 0)} req/s in all), each on its own key, to keep the run short. They start on a minute boundary (UTC) and last ${windowCount} full minute(s).`,
    `- Pacing achieved: ${pacingLines.join('; ')}. ${cpuLine(input.cpu)}`,
    "- Counting: each request belongs to the epoch-aligned minute of its send time (the gateways align windows to the epoch too, with their own clock at arrival: a request sent in the last millisecond of a minute may be counted by the gateway in the next one). Admitted = 200; throttled = 429 (900804). The crossing is the send time of the L-th 200 of the window in send order; each gateway's delay is its first 429 minus that (negative: refused before the cluster reached L). As a cross-check, admitted requests are also counted by the minute in which they reached the backend (its `x-received-at`, right after the gateway counted them): where requests queue before the gateways, that is the window in which the gateways counted them.",
    "- Broker trace (`bench/throttle/observer.ts`): a listener with its own queues on `requests` and `throttleData` sums the gateways' cumulative counts per key and window (as a traffic manager does) and notes the first decision per window.",
    `- Throughput: autocannon 9.0.0 through gateway 1, ${context.connections} connections, ${context.warmupSec} s warm-up and ${context.durationSec} s measured per row (\`BENCH_WARMUP\`, \`BENCH_DURATION\`, \`BENCH_CONNECTIONS\`), ${input.rounds} round(s) alternating the order (\`BENCH_THROTTLE_ROUNDS\`), before the paced load (it warms gateway 1 up; gateway 2 gets 3 s of autocannon with the counted tier's token). Node 1 CPU µs/request is the \`all\` node's CPU time over its requests/s; TM 2 CPU is the traffic-manager node's.`,
  ].join('\n');
}
