/**
 * The machine's RabbitMQ and PostgreSQL, stopped and started by the infrastructure fault suites with their
 * own tools (rabbitmqctl, pg_ctlcluster). The `restore…` functions bring each back from whatever a failed test
 * left it in; those suites call them in a `finally` and in afterAll.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs the command; the milliseconds it took. */
async function timed(command: string, args: string[]): Promise<number> {
  const started = performance.now();
  await run(command, args, { timeout: 60_000 });
  return performance.now() - started;
}

/** `rabbitmqctl stop_app` / `start_app` (the Erlang node stays up); start_app waits for the broker. */
export async function rabbitmq(action: 'stop_app' | 'start_app'): Promise<number> {
  const elapsed = await timed('rabbitmqctl', [action]);
  return action === 'start_app' ? elapsed + (await timed('rabbitmqctl', ['await_startup'])) : elapsed;
}

/** Starts the broker's application if it is stopped (start_app on a running one changes nothing). */
export async function restoreRabbitMq(): Promise<void> {
  await rabbitmq('start_app');
}

/** The machine's PostgreSQL cluster (Debian's pg_ctlcluster): `<version> main`. */
const cluster = () => [readdirSync('/etc/postgresql')[0] ?? '', 'main'];

/** Stops or starts PostgreSQL (pg_ctlcluster waits until it is down, or accepts connections). */
export function postgres(action: 'stop' | 'start'): Promise<number> {
  return timed('pg_ctlcluster', ['--skip-systemctl-redirect', ...cluster(), action]);
}

/** Starts PostgreSQL if it is stopped. */
export async function restorePostgres(): Promise<void> {
  const running = await run('pg_ctlcluster', [...cluster(), 'status']).then(
    () => true,
    () => false,
  );
  if (!running) await postgres('start');
}
