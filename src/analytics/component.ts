/**
 * Analytics as a node component (profile `analytics`, also in `all`): it rolls up the request events the
 * gateways publish on `requests` per minute and writes them to the database, and prunes them after
 * `analytics.retention_days`. The Publisher and Developer Portal read the rollups from the same database.
 * It subscribes in the group `analytics`, so that several analytics nodes share the events instead of each
 * counting all of them.
 */
import type { Subscription } from '../events/hub.js';
import type { Component, ComponentDefinition, NodeContext } from '../node/component.js';
import { Retention } from './retention.js';
import { RollupStore } from './rollup-store.js';
import { RollupWriter } from './rollup-writer.js';

export const ANALYTICS_GROUP = 'analytics';

export interface AnalyticsComponent extends Component {
  /** Writes every rollup held in memory now, the current minute's too (for tests and shutdown). */
  flush(): Promise<void>;
}

async function create(context: NodeContext): Promise<AnalyticsComponent> {
  const { config, database, hub, logger, readiness } = context;
  if (!database) throw new Error('analytics needs the database');
  const log = logger.child({ component: 'analytics' });
  const store = new RollupStore(database.db);
  const writer = new RollupWriter({
    store,
    logger: log,
    delayMs: config.analytics.flush_delay_seconds * 1000,
  });
  const retention = new Retention(store, config.analytics.retention_days, log);
  let subscription: Subscription | undefined;
  readiness.add('analytics', () => subscription !== undefined);

  return {
    name: 'analytics',
    register() {},
    async start() {
      subscription = await hub.subscribe('requests', (event) => writer.receive(event), {
        group: ANALYTICS_GROUP,
      });
      writer.start();
      retention.start();
    },
    describe: () => [
      `analytics   rolls up request events per minute, kept ${config.analytics.retention_days} days (see docs/analytics.md)`,
    ],
    flush: () => writer.flush({ all: true }),
    async close() {
      await subscription?.unsubscribe();
      await writer.close();
      await retention.close();
    },
  };
}

export const analyticsComponent: ComponentDefinition = { needsDatabase: true, create };
