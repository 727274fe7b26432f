/** Starting, watching and stopping the local cluster's processes (nodes and nginx). */
import { spawn, execFile } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { configFile } from './node-configs.js';
import { NGINX_CONF, NGINX_DIR, NGINX_PID } from './nginx-config.js';
import { REPO_DIR, nodeDir, type NodeSpec } from './topology.js';

const run = promisify(execFile);

export const pidFile = (name: string) => path.join(nodeDir(name), 'pid');
export const logFile = (name: string) => path.join(nodeDir(name), 'node.log');

/** True while the process runs (a killed one that is not reaped yet, a zombie, is not running). */
export function isAlive(pid: number | undefined): pid is number {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // The state follows the command name in parentheses: "<pid> (<comm>) <state> …".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): signal 0 is all there is
  }
}

export function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export const nodePid = (name: string) => readPid(pidFile(name));

/**
 * This process's environment without its PORTCULLIS_ variables: a node's settings come from its config file
 * only (the caller's own overrides, or the cluster tool's variables, would otherwise reach every node).
 */
function nodeEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PORTCULLIS_')));
}

/**
 * Starts a node in the background, detached (it outlives this process), its output appended to its log. The
 * node runs from the TypeScript sources, so the cluster always runs the code of this checkout.
 */
export function spawnNode(spec: NodeSpec, env: NodeJS.ProcessEnv = {}): number {
  const log = openSync(logFile(spec.name), 'a');
  try {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_DIR, 'src/cli/main.ts'), 'start', '--config', configFile(spec.name)],
      { cwd: REPO_DIR, detached: true, stdio: ['ignore', log, log], env: { ...nodeEnvironment(), ...env } },
    );
    child.unref();
    if (!child.pid) throw new Error(`could not start node ${spec.name}`);
    writeFileSync(pidFile(spec.name), `${child.pid}\n`, { mode: 0o600 });
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** The last lines of a node's log, for an error message. */
export function logTail(name: string, lines = 25): string {
  if (!existsSync(logFile(name))) return '(no log)';
  return readFileSync(logFile(name), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Waits until the node's /health/ready answers 200; fails early if the process ends. */
export async function waitUntilReady(spec: NodeSpec, pid: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ready = `http://127.0.0.1:${spec.httpPort}/health/ready`;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new Error(
        `node ${spec.name} exited while starting; the end of ${logFile(spec.name)}:\n${logTail(spec.name)}`,
      );
    }
    try {
      const response = await fetch(ready, { signal: AbortSignal.timeout(2000) });
      last = `${response.status} ${await response.text()}`;
      if (response.status === 200) return;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(250);
  }
  throw new Error(`node ${spec.name} was not ready within ${timeoutMs / 1000} s (last answer: ${last})`);
}

/** SIGTERM (a graceful shutdown), then SIGKILL after the grace period. */
export async function stopProcess(pid: number, graceMs = 12_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
}

/** Starts nginx with the cluster's configuration, or makes a running one reload it. */
export async function startNginx(): Promise<void> {
  const args = ['-p', NGINX_DIR, '-c', NGINX_CONF];
  await run('nginx', [...args, '-t', '-q']).catch((err: { stderr?: string }) => {
    throw new Error(`nginx rejects ${NGINX_CONF}: ${err.stderr ?? String(err)}`);
  });
  const pid = readPid(NGINX_PID);
  if (isAlive(pid)) await run('nginx', [...args, '-s', 'reload']);
  else await run('nginx', args);
}

export async function stopNginx(): Promise<void> {
  const pid = readPid(NGINX_PID);
  if (pid) await stopProcess(pid, 5000);
  rmSync(NGINX_PID, { force: true });
}

/** True when nginx is on the PATH (Debian: apt-get install nginx). */
export async function nginxInstalled(): Promise<boolean> {
  return run('nginx', ['-v']).then(
    () => true,
    () => false,
  );
}
