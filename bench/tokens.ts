/**
 * Key Manager throughput, side by side against one server process: client_credentials token issuance with
 * JWT (ES256) and with opaque access tokens, and introspection of a valid token of each kind — all on the
 * plain-HTTP listener — plus JWT issuance over HTTPS for comparison.
 *
 * BENCH_CPU_PROF=<dir> also writes a V8 CPU profile of the server (all scenarios) into <dir>.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { measure, warmUp, type LoadResult, type Request } from './lib/load.js';
import { integer, mib, ms, percent, table } from './lib/report.js';
import { currentRss, peakRss, serverBuild, startServer, type BenchServer } from './lib/server.js';
import type { BenchContext } from './run.js';

export const title = 'Key Manager token issuance and introspection';

type TokenFormat = 'JWT' | 'OPAQUE';

interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  /** RFC 6749 §2.3.1: id and secret form-urlencoded, then Basic. */
  authorization: string;
}

interface Scenario {
  label: string;
  listener: 'HTTP' | 'HTTPS';
  request: Request;
  /** The format of the tokens each request stores, for issuance scenarios. */
  issues?: TokenFormat;
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(user)}:${encodeURIComponent(password)}`).toString('base64')}`;

const FORM = 'application/x-www-form-urlencoded';
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

async function register(
  server: BenchServer,
  name: string,
  tokenType: TokenFormat,
): Promise<RegisteredClient> {
  const response = await fetch(`${server.httpUrl}/client-registration/v0.17/register`, {
    method: 'POST',
    headers: { authorization: basic('admin', server.adminPassword), 'content-type': 'application/json' },
    body: JSON.stringify({ clientName: name, grantType: 'client_credentials', tokenType }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`client registration answered ${response.status}: ${text}`);
  const { clientId, clientSecret } = JSON.parse(text) as { clientId?: unknown; clientSecret?: unknown };
  if (typeof clientId !== 'string' || typeof clientSecret !== 'string') {
    throw new Error(`client registration returned no clientId/clientSecret: ${text}`);
  }
  return { clientId, clientSecret, authorization: basic(clientId, clientSecret) };
}

function tokenRequest(baseUrl: string, client: RegisteredClient, tls?: Request['tls']): Request {
  return {
    url: `${baseUrl}/oauth2/token`,
    method: 'POST',
    headers: { authorization: client.authorization, 'content-type': FORM },
    body: 'grant_type=client_credentials',
    ...(tls ? { tls } : {}),
  };
}

function introspectRequest(baseUrl: string, client: RegisteredClient, token: string): Request {
  return {
    url: `${baseUrl}/oauth2/introspect`,
    method: 'POST',
    headers: { authorization: client.authorization, 'content-type': FORM },
    body: new URLSearchParams({ token }).toString(),
  };
}

async function call(request: Request): Promise<Record<string, unknown>> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${request.url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Issues one token the way the load will, and checks that it is what the scenario claims to measure. */
async function sampleToken(
  server: BenchServer,
  client: RegisteredClient,
  format: TokenFormat,
): Promise<string> {
  const body = await call(tokenRequest(server.httpUrl, client));
  const token = body.access_token;
  if (typeof token !== 'string') throw new Error(`no access_token in ${JSON.stringify(body)}`);
  if (format === 'JWT') {
    const headerPart = token.split('.')[0] ?? '';
    const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as { alg?: string };
    if (!JWT_SHAPE.test(token) || header.alg !== 'ES256') {
      throw new Error(`expected an ES256 JWT, got header ${JSON.stringify(header)}`);
    }
  } else if (JWT_SHAPE.test(token)) {
    throw new Error('expected an opaque access token, got a JWT');
  }
  const introspection = await call(introspectRequest(server.httpUrl, client, token));
  if (introspection.active !== true || introspection.client_id !== client.clientId) {
    throw new Error(`introspection of a fresh ${format} token: ${JSON.stringify(introspection)}`);
  }
  return token;
}

function countTokens(dataDir: string): Record<TokenFormat, number> {
  const db = new SQLite(path.join(dataDir, 'portcullis.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare("SELECT format, count(*) AS n FROM tokens WHERE kind = 'access' GROUP BY format")
      .all() as { format: TokenFormat; n: number }[];
    return { JWT: 0, OPAQUE: 0, ...Object.fromEntries(rows.map((r) => [r.format, r.n])) };
  } finally {
    db.close();
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export async function run(context: BenchContext): Promise<string> {
  const build = await serverBuild();
  const profileDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
  const server = await startServer(
    profileDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {},
  );
  context.log(`tokens: server pid ${server.pid} ready at ${server.httpUrl} and ${server.httpsUrl}`);
  const startupPeak = peakRss(server.pid);
  const results: { scenario: Scenario; result: LoadResult }[] = [];
  const notes: string[] = [...build.warnings];
  let counted: Record<TokenFormat, number>;
  let stored: Record<TokenFormat, number>;
  let dbBytes: number;
  let endRss: number | undefined;
  let logLines: number;
  try {
    const jwtClient = await register(server, 'bench-jwt', 'JWT');
    const opaqueClient = await register(server, 'bench-opaque', 'OPAQUE');
    const jwt = await sampleToken(server, jwtClient, 'JWT');
    const opaque = await sampleToken(server, opaqueClient, 'OPAQUE');
    counted = { JWT: 1, OPAQUE: 1 };

    const https = `https://127.0.0.1:${server.httpsPort}`;
    const scenarios: Scenario[] = [
      {
        label: 'Token: client_credentials, JWT (ES256)',
        listener: 'HTTP',
        request: tokenRequest(server.httpUrl, jwtClient),
        issues: 'JWT',
      },
      {
        label: 'Token: client_credentials, opaque',
        listener: 'HTTP',
        request: tokenRequest(server.httpUrl, opaqueClient),
        issues: 'OPAQUE',
      },
      {
        label: 'Introspect a JWT access token',
        listener: 'HTTP',
        request: introspectRequest(server.httpUrl, jwtClient, jwt),
      },
      {
        label: 'Introspect an opaque access token',
        listener: 'HTTP',
        request: introspectRequest(server.httpUrl, opaqueClient, opaque),
      },
      {
        label: 'Token: client_credentials, JWT (ES256)',
        listener: 'HTTPS',
        request: tokenRequest(https, jwtClient, { ca: server.caPem, servername: 'localhost' }),
        issues: 'JWT',
      },
    ];
    // One pass over every code path first, so that the first rows are not measured on colder code than the
    // last ones (the JIT, and the first growth of the database files).
    context.log(`tokens: warming up every scenario for ${context.warmupSec} s`);
    for (const scenario of scenarios) {
      const ok = await warmUp(
        `${scenario.label} over ${scenario.listener}`,
        server,
        scenario.request,
        context,
      );
      if (scenario.issues) counted[scenario.issues] += ok;
    }
    for (const scenario of scenarios) {
      const name = `${scenario.label} over ${scenario.listener}`;
      context.log(`tokens: ${name}: ${context.warmupSec} s warm-up, ${context.durationSec} s measured…`);
      const result = await measure(name, server, scenario.request, context);
      context.log(
        `tokens:   ${integer(result.requestsPerSec)} req/s, p50 ${ms(result.latencyP50Ms)} ms, ` +
          `p99 ${ms(result.latencyP99Ms)} ms, server CPU ${percent(result.serverCpuPercent)}, ` +
          `peak RSS ${mib(result.serverPeakRss)}`,
      );
      if (scenario.issues) counted[scenario.issues] += result.ok + result.warmupOk;
      results.push({ scenario, result });
    }
    stored = countTokens(server.dataDir);
    const db = path.join(server.dataDir, 'portcullis.db');
    dbBytes = fileSize(db) + fileSize(`${db}-wal`);
    endRss = currentRss(server.pid);
    logLines = server.logLines();
  } finally {
    const code = await server.stop();
    if (code !== 0) notes.push(`The server exited with code ${code} after SIGTERM (expected 0).`);
  }
  if (profileDir) context.log(`tokens: server CPU profile written to ${profileDir}`);

  // Every 2xx token response must have stored its row; the server also finishes the requests still in
  // flight when a run stops (at most one per connection and run), which autocannon does not count.
  const runs = (format: TokenFormat) => 3 * results.filter((r) => r.scenario.issues === format).length;
  for (const format of ['JWT', 'OPAQUE'] as const) {
    const extra = stored[format] - counted[format];
    if (extra < 0 || extra > runs(format) * context.connections) {
      const problem = `${format}: ${stored[format]} rows in tokens, but ${counted[format]} 2xx token responses`;
      context.log(`tokens: WARNING ${problem}`);
      notes.push(`**Mismatch** ${problem}.`);
    }
  }
  const busiest = Math.max(...results.map((r) => r.result.otherCpuPercent ?? 0));
  if (busiest >= 15) {
    const warning =
      `Other processes (or the hypervisor) used up to ${percent(busiest)} of a core during a window ` +
      `(Other CPU): the machine was not idle, so these figures are noisy; rerun on an idle machine.`;
    context.log(`tokens: WARNING ${warning}`);
    notes.push(`**Noisy:** ${warning}`);
  }
  if (logLines > 0) notes.push(`The server logged ${logLines} line(s) at warn or above during the run.`);
  if (results.some((r) => !r.result.peakRssWindowed)) {
    notes.push(
      'Peak RSS could not be reset between windows (`clear_refs`): it is the peak since the server started.',
    );
  }

  const rows = results.map(({ scenario, result }) => [
    scenario.label,
    scenario.listener,
    integer(result.requestsPerSec),
    ms(result.latencyP50Ms),
    ms(result.latencyP99Ms),
    `${integer(result.ok)} in ${result.windowSec.toFixed(1)} s`,
    String(result.non2xx),
    percent(result.serverCpuPercent),
    percent(result.loadGenCpuPercent),
    percent(result.otherCpuPercent),
    mib(result.serverPeakRss),
  ]);
  const rate = (i: number) => results[i]?.result.requestsPerSec ?? NaN;
  const [jwtHttp, opaqueHttp, introJwt, introOpaque, jwtHttps] = [0, 1, 2, 3, 4].map(rate) as number[];

  return [
    table(
      [
        'Scenario',
        'Listener',
        'Requests/s (mean)',
        'p50 ms',
        'p99 ms',
        '2xx responses',
        'non-2xx',
        'Server CPU',
        'Load-gen CPU',
        'Other CPU',
        'Server peak RSS',
      ],
      rows,
      ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    `- Opaque issuance runs at ${(opaqueHttp! / jwtHttp!).toFixed(2)}× the rate of JWT issuance; ` +
      `introspection of a JWT at ${(introJwt! / jwtHttp!).toFixed(2)}× and of an opaque token at ` +
      `${(introOpaque! / jwtHttp!).toFixed(2)}× JWT issuance; JWT issuance over HTTPS reaches ` +
      `${((jwtHttps! / jwtHttp!) * 100).toFixed(0)} % of its plain-HTTP rate.`,
    `- Server RSS: ${mib(startupPeak)} peak while starting, ${mib(endRss)} after the last window. ` +
      `\`tokens\` table at the end: ${integer(stored.JWT)} JWT and ${integer(stored.OPAQUE)} opaque access-token ` +
      `rows (autocannon counted ${integer(counted.JWT)} and ${integer(counted.OPAQUE)} 2xx token responses in ` +
      `warm-ups, windows and the two sample requests; the server also finishes requests in flight when a run ` +
      `stops); database + WAL ${mib(dbBytes)}.`,
    ...notes.map((n) => `- ${n}`),
    '',
    '### Method',
    '',
    `- Server: ${build.description}. Default configuration: profile \`all\`, in-process event hub, ES256 signing keys, SQLite in WAL mode with \`synchronous = NORMAL\` (a commit appends to the WAL without fsync; fsync happens at checkpoints). One server process serves every scenario, in the order of the table.`,
    `- Load: autocannon 9.0.0, ${context.connections} keep-alive connections, pipelining ${context.pipelining}. First every scenario's request is sent for ${context.warmupSec} s in turn (warm-up of all code paths, discarded); then each scenario gets another ${context.warmupSec} s warm-up (discarded) and ${context.durationSec} s measured (\`BENCH_WARMUP\`, \`BENCH_DURATION\`, \`BENCH_CONNECTIONS\`).`,
    "- Listener: the plain-HTTP one (9763-style port) for every row but the last, so that TLS does not dominate the cost being measured. The HTTPS row sends the same JWT request to the HTTPS listener (9443-style port) over keep-alive TLS: one handshake per connection, then encryption of every request and response. The node CA is given to autocannon, but autocannon 9 always sets `rejectUnauthorized: false`, so the client does not verify the certificate (a client-side cost only; the server's work is the same).",
    "- Token request: `POST /oauth2/token` with `grant_type=client_credentials` and HTTP Basic client authentication. The server SELECTs the client and compares the SHA-256 of the secret in constant time, SELECTs the owner's roles (one join), then signs an ES256 JWT (WebCrypto) or draws 32 random bytes and hashes them (opaque), and INSERTs one row into `tokens`. The table grows by one row per token during the run; the rates include that write. Prepared SQLite statements are reused across requests (`src/store/statement-cache.ts`).",
    '- Introspection: `POST /oauth2/introspect` of one valid token, again and again, authenticated as the client that owns it: client authentication as above, then for a JWT the ES256 signature verification and a SELECT by `jti`, for an opaque token its SHA-256 and a SELECT by hash.',
    '- Before the load, each client issues one token that is checked (an ES256 JWT, or not a JWT) and introspected (`active: true`). Any non-2xx response, socket error or timeout, warm-ups included, fails the benchmark.',
  ].join('\n');
}
