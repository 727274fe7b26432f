/**
 * A Portcullis node in its own process, for benchmarks: the load generator must not share its event loop.
 *
 * The working tree is compiled once per `npm run bench` with `tsc -p tsconfig.build.json` into a temporary
 * directory (not `dist/`, which other work may be using), then each server runs `node <tmp>/dist/cli/main.js
 * start` with a fresh data dir, free ports and a random admin password. BENCH_SERVER=tsx runs the sources with
 * the tsx loader instead (no compile step; one process either way, so the pid is the server's).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const TAIL_CHARS = 8_000;

export interface ServerBuild {
  /** Arguments to `node` that start a node (`start` included). */
  args: string[];
  /** How the server is run, for the method section. */
  description: string;
  /** Problems worth reporting, e.g. type errors that tsc reported while still emitting. */
  warnings: string[];
}

/** A process under load (or serving one), as the load runner needs it. */
export interface BenchProcess {
  pid: number;
  /** The last few KB of the process's stdout and stderr, for error messages. */
  tail(): string;
  /** SIGTERM, wait for exit (SIGKILL after 15 s), remove its temp dir if any. Returns the exit code. */
  stop(): Promise<number | null>;
}

export interface BenchServer extends BenchProcess {
  /** Plain-HTTP listener, e.g. http://127.0.0.1:40123. */
  httpUrl: string;
  httpsUrl: string;
  httpsPort: number;
  dataDir: string;
  adminPassword: string;
  /** The CA that signed the node's certificate (PEM). */
  caPem: string;
  /** The gateway's plain-HTTP listener (gateway.http_port), e.g. http://127.0.0.1:40125. */
  gatewayHttpUrl: string;
  /** Lines the server wrote to stdout (JSON logs at warn and above). */
  logLines(): number;
}

let building: Promise<ServerBuild> | undefined;
const tempDirs = new Set<string>();
/** Running children, with the signal that ends each at once when the benchmark is interrupted. */
const children = new Map<ChildProcess, NodeJS.Signals>();

function run(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

async function compile(): Promise<ServerBuild> {
  if (process.env.BENCH_SERVER === 'tsx') {
    return {
      args: ['--import', import.meta.resolve('tsx'), path.join(REPO, 'src/cli/main.ts'), 'start'],
      description:
        '`node --import tsx src/cli/main.ts start` (BENCH_SERVER=tsx: sources through the tsx loader)',
      warnings: [],
    };
  }
  const root = makeTempDir('portcullis-bench-build-');
  const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
  const { code, output } = await run(
    process.execPath,
    [tsc, '-p', 'tsconfig.build.json', '--outDir', path.join(root, 'dist'), '--sourceMap', 'false'],
    REPO,
  );
  const main = path.join(root, 'dist/cli/main.js');
  if (!existsSync(main))
    throw new Error(`tsc -p tsconfig.build.json emitted nothing (exit ${code}):\n${output}`);
  const warnings: string[] = [];
  if (code !== 0) {
    const errors = output.split('\n').filter((l) => /error TS\d+/.test(l));
    warnings.push(
      `tsc reported ${errors.length} type error(s) while compiling the server (it still emitted): ` +
        errors.slice(0, 3).join('; '),
    );
  }
  // dist/cli/version.js reads ../../package.json; "type": "module" makes the .js files ESM.
  writeFileSync(path.join(root, 'package.json'), readFileSync(path.join(REPO, 'package.json')));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return {
    args: [main, 'start'],
    description:
      '`node dist/cli/main.js start` (what `bin/portcullis.js start` runs), compiled from the working tree ' +
      'with `tsc -p tsconfig.build.json` into a temporary directory at the start of the run',
    warnings,
  };
}

/** Compiles the server once per process. */
export function serverBuild(): Promise<ServerBuild> {
  building ??= compile();
  return building;
}

/** Ports free on 127.0.0.1 right now (the OS's choice). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => net.createServer());
  const ports = await Promise.all(
    servers.map(
      (s) =>
        new Promise<number>((resolve, reject) => {
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve((s.address() as net.AddressInfo).port));
        }),
    ),
  );
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** How to start a process and know that it is ready. */
export interface ProcessSpec {
  /** For error messages. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Polled every 100 ms until true (60 s at most); a throw is a failure at once. */
  ready(): Promise<boolean>;
  /** What the last readiness check saw, for the message when the process never gets ready. */
  lastCheck?: () => string;
  /** Removed once the process has stopped. */
  tempDir?: string;
  /**
   * What ends it when the benchmark is interrupted (cleanUp): SIGKILL by default; a process with children
   * of its own (nginx's master) needs a signal it handles, or they would be left running.
   */
  interruptSignal?: NodeJS.Signals;
}

export interface StartedProcess extends BenchProcess {
  /** Lines written to stdout so far. */
  logLines(): number;
}

/**
 * Starts a process with its pipes drained (a full pipe would block its writes), waits until it is ready,
 * and keeps it on the list that `cleanUp` kills on exit.
 */
export async function startProcess(spec: ProcessSpec): Promise<StartedProcess> {
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(child, spec.interruptSignal ?? 'SIGKILL');
  child.once('exit', () => children.delete(child));
  // spawn reports a missing command asynchronously, as an 'error' event.
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));

  let tail = '';
  let lines = 0;
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_CHARS);
  };
  child.stdout.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 10) lines++;
    keep(chunk);
  });
  child.stderr.on('data', keep);

  let stopped: Promise<number | null> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
          child.kill('SIGKILL');
          await waitForExit(child, STOP_TIMEOUT_MS);
        }
      }
      if (spec.tempDir) removeTempDir(spec.tempDir);
      return child.exitCode;
    })();
    return stopped;
  };

  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (spawnError) throw new Error(`${spec.name} could not be started: ${spawnError.message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${spec.name} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
      }
      if (await spec.ready()) break;
      if (Date.now() > deadline) {
        const last = spec.lastCheck ? ` (${spec.lastCheck()})` : '';
        throw new Error(`${spec.name} was not ready within 60 s${last}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- ${spec.name} output ---\n${tail}`, { cause: err });
  }
  return { pid: child.pid as number, tail: () => tail, logLines: () => lines, stop };
}

/** The status of GET `url` (0 when it cannot be reached within 2 s). */
export async function statusOf(url: string, headers: Record<string, string> = {}): Promise<number> {
  return fetch(url, { headers, signal: AbortSignal.timeout(2_000) }).then(
    async (r) => {
      await r.arrayBuffer();
      return r.status;
    },
    () => 0,
  );
}

/** The environment of a child process: this one's, without what would configure it behind our back. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('PORTCULLIS_') && k !== 'NODE_OPTIONS' && !/^(https?|no|all)_proxy$/i.test(k),
    ),
  );
  return { ...env, ...extra };
}

export interface StartOptions {
  /** Extra PORTCULLIS_* settings. */
  env?: Record<string, string>;
  /** Extra `node` flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

export async function startServer(options: StartOptions = {}): Promise<BenchServer> {
  const build = await serverBuild();
  const root = makeTempDir('portcullis-bench-');
  const dataDir = path.join(root, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  const adminPassword = randomBytes(18).toString('base64url');
  const [httpsPort, httpPort, gatewayHttpsPort, gatewayHttpPort] = (await freePorts(4)) as [
    number,
    number,
    number,
    number,
  ];
  // Nothing from the caller's environment configures the server (or a portcullis.toml in the cwd).
  const env = cleanEnv({
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_ADMIN_PASSWORD: adminPassword,
    PORTCULLIS_HTTP__HOST: '127.0.0.1',
    PORTCULLIS_HTTP__HTTPS_PORT: String(httpsPort),
    PORTCULLIS_HTTP__HTTP_PORT: String(httpPort),
    // The gateway (profile all) gets free ports too, rather than its defaults 8243 and 8280.
    PORTCULLIS_GATEWAY__HTTPS_PORT: String(gatewayHttpsPort),
    PORTCULLIS_GATEWAY__HTTP_PORT: String(gatewayHttpPort),
    PORTCULLIS_LOG__LEVEL: 'warn',
    // The plain-HTTP rows measure the Key Manager without TLS, as behind a TLS-terminating load balancer.
    PORTCULLIS_KEY_MANAGER__ALLOW_PLAIN_HTTP: 'true',
    ...options.env,
  });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  let last = 0;
  const server = await startProcess({
    name: 'the server',
    command: process.execPath,
    args: [...(options.nodeFlags ?? []), ...build.args],
    cwd: root,
    env,
    tempDir: root,
    ready: async () => (last = await statusOf(`${httpUrl}/health/ready`)) === 200,
    lastCheck: () => `GET /health/ready answered ${last || 'nothing'}`,
  });
  return {
    ...server,
    httpUrl,
    httpsUrl: `https://localhost:${httpsPort}`,
    httpsPort,
    gatewayHttpUrl: `http://127.0.0.1:${gatewayHttpPort}`,
    dataDir,
    adminPassword,
    caPem: readFileSync(path.join(dataDir, 'certs/ca.pem'), 'utf8'),
  };
}

/**
 * At the end, or on an interrupt: kills servers still running (stop() is the graceful way) and removes the
 * temporary directories, the compiled server's included. Synchronous, so that it can run on 'exit'.
 */
export function cleanUp(): void {
  for (const [child, signal] of children) child.kill(signal);
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
  building = undefined;
}

// ---- /proc (Linux); the readers return undefined elsewhere ----

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size in bytes (VmHWM): since start, or since the last resetPeakRss. */
export const peakRss = (pid: number) => procStatus(pid, 'VmHWM');
export const currentRss = (pid: number) => procStatus(pid, 'VmRSS');

/** Resets VmHWM to the current RSS (`echo 5 > /proc/<pid>/clear_refs`); false where not permitted. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** User + system CPU seconds the process has used (/proc/<pid>/stat utime, stime). */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields from 3 (state) on: utime is field 14, stime 15.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** CPU seconds the whole machine has spent busy (all CPUs; idle and iowait excluded), from /proc/stat. */
export function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (
      ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / CLOCK_TICKS
    );
  } catch {
    return undefined;
  }
}

/** The pids of a process's children, grandchildren… (from the ppid of every /proc/<pid>/stat). */
function descendants(pid: number): number[] {
  let parents: Map<number, number[]>;
  try {
    parents = new Map();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
      } catch {
        // It ended meanwhile.
      }
    }
  } catch {
    return [];
  }
  const found: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of parents.get(next) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * CPU seconds of a process and its descendants alive now (nginx's workers). Read the same set of pids at
 * both ends of a window: pass the pids from the first call to the second.
 */
export function treeCpuSeconds(
  pid: number,
  pids = [pid, ...descendants(pid)],
): {
  seconds: number | undefined;
  pids: number[];
} {
  let total = 0;
  for (const p of pids) {
    const seconds = cpuSeconds(p);
    if (seconds === undefined) return { seconds: undefined, pids };
    total += seconds;
  }
  return { seconds: total, pids };
}

/**
 * Waits (at most `maxWaitSec`) until the whole machine stays below `busyPercent` of one core for a second:
 * between windows the benchmark's own processes are idle, so what remains is someone else's work. Resolves
 * to the busy % of the last second and the seconds waited.
 */
export async function waitForQuiet(
  maxWaitSec: number,
  busyPercent = 15,
): Promise<{ busy: number | undefined; waitedSec: number }> {
  const started = Date.now();
  for (;;) {
    const before = machineBusySeconds();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = machineBusySeconds();
    const busy = before === undefined || after === undefined ? undefined : (after - before) * 100;
    const waitedSec = (Date.now() - started) / 1000;
    if (busy === undefined || busy < busyPercent || waitedSec >= maxWaitSec) return { busy, waitedSec };
  }
}
