/** `/health/live` (the process answers) and `/health/ready` (every dependency it needs is usable). */
import type { App } from './http-server.js';

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
