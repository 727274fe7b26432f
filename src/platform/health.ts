/** `/health/live` (the process answers) and `/health/ready` (every dependency it needs is usable). */
import type { App, Handler } from './http-server.js';

export type ReadinessCheck = () => boolean | Promise<boolean>;

export class Readiness {
  readonly #checks = new Map<string, ReadinessCheck>();

  add(name: string, check: ReadinessCheck): void {
    this.#checks.set(name, check);
  }

  async report(): Promise<{ ready: boolean; checks: Record<string, 'UP' | 'DOWN'> }> {
    const entries = await Promise.all(
      [...this.#checks].map(async ([name, check]) => {
        const up = await Promise.resolve()
          .then(check)
          .catch(() => false);
        return [name, up ? 'UP' : 'DOWN'] as const;
      }),
    );
    return { ready: entries.every(([, s]) => s === 'UP'), checks: Object.fromEntries(entries) };
  }
}

export function registerHealthRoutes(app: App, readiness: Readiness): void {
  app.get('/health/live', { logLevel: 'warn' }, () => ({ status: 'UP' }));
  app.get('/health/ready', { logLevel: 'warn' }, async (_req, reply) => {
    const { ready, checks } = await readiness.report();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'UP' : 'DOWN', checks });
  });
}

/**
 * Serves the health routes while the node waits for its dependencies (before its application exists): live,
 * and not ready with the checks that are still down; every other request gets a 503 "starting".
 */
export function startingHandler(readiness: Readiness): Handler {
  const send = (res: Parameters<Handler>[1], status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1' });
    res.end(JSON.stringify(body));
  };
  return (req, res) => {
    const url = req.url?.split('?', 1)[0];
    if (url === '/health/live') return send(res, 200, { status: 'UP' });
    if (url === '/health/ready') {
      void readiness.report().then(({ checks }) => send(res, 503, { status: 'DOWN', checks }));
      return;
    }
    send(res, 503, {
      code: 503,
      message: 'Service Unavailable',
      description: 'The node is starting: it is waiting for its database or event hub (see /health/ready).',
    });
  };
}
