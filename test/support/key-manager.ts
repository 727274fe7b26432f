/** A Key Manager over a test database, with an in-process hub whose events the test can read. */
import { Registry } from 'prom-client';
import { Value } from 'typebox/value';
import { ConfigSchema } from '../../src/config/schema.js';
import type { EventTopic, HubEvent } from '../../src/events/topics.js';
import { InProcessEventHub } from '../../src/events/in-process.js';
import { KeyManager } from '../../src/key-manager/key-manager.js';
import { TokenMetrics } from '../../src/key-manager/token-metrics.js';
import { createLogger } from '../../src/platform/logger.js';
import type { Database } from '../../src/store/database.js';

export interface KeyManagerHarness {
  km: KeyManager;
  hub: InProcessEventHub;
  /** Every event published so far, by topic. */
  events: { topic: EventTopic; event: HubEvent }[];
}

export async function keyManagerOn(
  database: Database,
  overrides: Record<string, unknown> = {},
): Promise<KeyManagerHarness> {
  const hub = new InProcessEventHub();
  const events: KeyManagerHarness['events'] = [];
  for (const topic of ['notification', 'tokenRevocation'] as const) {
    await hub.subscribe(topic, (event) => {
      events.push({ topic, event });
    });
  }
  const config = Value.Default(ConfigSchema, { key_manager: overrides }) as {
    key_manager: KeyManager['config'];
  };
  const km = new KeyManager({
    db: database.db,
    hub,
    logger: createLogger('silent'),
    config: config.key_manager,
    issuer: 'https://km.test/oauth2/token',
    baseUrl: 'https://km.test',
    metrics: new TokenMetrics(new Registry()),
  });
  return { km, hub, events };
}

/** Lets the in-process hub deliver what was published. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
