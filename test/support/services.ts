/**
 * External services for the suites that need real servers (PostgreSQL, RabbitMQ).
 * Without them a suite skips with a printed notice; under CI (`CI=true`) a missing service is a failure.
 */
import net from 'node:net';

export const POSTGRES_URL =
  process.env.PORTCULLIS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const RABBITMQ_URL = process.env.PORTCULLIS_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * True when the service answers. False (with a notice) when it does not and we are not under CI.
 * Throws under CI, so that a missing service fails the run instead of silently skipping.
 */
export async function serviceAvailable(name: string, url: string, defaultPort: number): Promise<boolean> {
  if (await reachable(url, defaultPort)) return true;
  const notice = `${name} is not reachable at ${new URL(url).host}`;
  if (process.env.CI === 'true') throw new Error(`${notice}: required under CI`);
  console.warn(`NOTICE: ${notice}; skipping the ${name} suite (set CI=true to make this a failure)`);
  return false;
}

export const postgresAvailable = () => serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);
export const rabbitmqAvailable = () => serviceAvailable('RabbitMQ', RABBITMQ_URL, 5672);
