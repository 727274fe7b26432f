/**
 * Starts a node: certificates, database (if a component needs it), event hub, listeners, components.
 * The same path serves the all-in-one process and each node of a distributed deployment.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema.js';
import { createEventHub } from '../events/create.js';
import type { EventHub } from '../events/hub.js';
import { MeteredEventHub } from '../events/metered-hub.js';
import { BrokerConfigError } from '../events/rabbitmq.js';
import { ensureNodeCertificates } from '../platform/certs.js';
import { Readiness, registerHealthRoutes, startingHandler } from '../platform/health.js';
import { createApp, HttpServers } from '../platform/http-server.js';
import { keepNextTickFast } from '../platform/next-tick-shape.js';
import type { Logger } from '../platform/logger.js';
import {
  createMetricsRegistry,
  observeHttpRequests,
  registerMetricsRoute,
  servingMetrics,
} from '../platform/metrics.js';
import { DatabaseMetrics } from '../store/database-metrics.js';
import { openDatabase, type Database, type QueryObserver } from '../store/database.js';
import { migrate, SchemaError } from '../store/migrate.js';
import { retryWithBackoff } from './retry.js';
import type { Component } from './component.js';
import { componentsOf } from './profiles.js';
import { COMPONENTS } from './registry.js';

/** Longest wait between attempts to reach the database or the event hub while the node starts. */
const START_RETRY_MAX_DELAY_MS = 10_000;

export interface RunningNode {
  urls: { https: string; http: string };
  /** PEM of the CA this node trusts (and, unless configured otherwise, that signed its certificate). */
  ca: string;
  components: Component[];
  /** The node's Prometheus registry, served at /metrics. */
  metrics: Registry;
  /** Stops accepting, drains in-flight requests, closes components, event hub and database. */
  close(): Promise<void>;
}

export function nodeName(config: Config): string {
  return (
    config.node.name || `${os.hostname().replace(/[^A-Za-z0-9._-]/g, '-')}-${randomBytes(3).toString('hex')}`
  );
}

export async function openMigratedDatabase(
  config: Config,
  logger: Logger,
  onQuery?: QueryObserver,
): Promise<Database> {
  const database = openDatabase({
    ...(onQuery ? { onQuery } : {}),
    onIdleError: (err) => logger.warn({ err }, 'a PostgreSQL connection failed; the pool replaces it'),
    url: config.database.url,
    dataDir: config.data_dir,
    poolSize: config.database.pool_size,
  });
  try {
    const applied = await migrate(database.db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** A node of one component that shares nothing with others is almost always a configuration mistake. */
function warnAboutLoneNode(config: Config, needsDatabase: boolean, logger: Logger): void {
  const { profile } = config.node;
  if (profile === 'all') return;
  if (config.event_hub.type === 'in-process') {
    logger.warn(
      { profile },
      "event_hub.type is in-process on a single-component node: it sees no other node's events (set rabbitmq)",
    );
  }
  if (needsDatabase && !config.database.url) {
    logger.warn(
      { profile },
      'database.url is empty: this node uses its own SQLite file, which no other node shares (set postgres://…)',
    );
  }
}

export async function startNode(config: Config, logger: Logger): Promise<RunningNode> {
  void keepNextTickFast();
  const names = componentsOf(config.node.profile);
  const needsDatabase = names.some((n) => COMPONENTS[n].needsDatabase);
  warnAboutLoneNode(config, needsDatabase, logger);
  mkdirSync(config.data_dir, { recursive: true, mode: 0o700 });
  const tls = await ensureNodeCertificates({
    certsDir: path.join(config.data_dir, 'certs'),
    hostname: config.node.hostname,
    ...(config.http.cert_file ? { certFile: config.http.cert_file } : {}),
    ...(config.http.key_file ? { keyFile: config.http.key_file } : {}),
    ...(config.http.ca_file ? { caFile: config.http.ca_file } : {}),
  });
  let servers: HttpServers | undefined;
  let database: Database | undefined;
  let hub: EventHub | undefined;
  const components: Component[] = [];
  // Reverse order of start: stop taking requests and drain them first, then what they used.
  const close = async () => {
    const steps = [
      () => servers?.close(),
      ...components.reverse().map((c) => () => c.close?.()),
      () => hub?.close(),
      () => database?.close(),
    ];
    for (const step of steps)
      await Promise.resolve()
        .then(step)
        .catch((err: unknown) => logger.error({ err }, 'close failed'));
  };
  try {
    const metrics = createMetricsRegistry();
    const databaseMetrics = needsDatabase ? new DatabaseMetrics(metrics) : undefined;
    const readiness = new Readiness();
    if (needsDatabase) readiness.add('database', () => database?.ping() ?? false);
    readiness.add('eventHub', () => hub?.isReady() ?? false);
    // The ports come first: while the node waits for its database and broker, /health/ready says what it
    // waits for, and the node's URLs are known to the components built afterwards.
    servers = new HttpServers({
      host: config.http.host,
      httpsPort: config.http.https_port,
      httpPort: config.http.http_port,
      tls,
    });
    await servers.bind();
    servers.handle(servingMetrics(metrics, startingHandler(readiness)));
    const urls = {
      https: servers.url('https', config.node.hostname) as string,
      http: servers.url('http', config.node.hostname) as string,
    };
    const retry = { logger, maxDelayMs: START_RETRY_MAX_DELAY_MS };
    if (needsDatabase) {
      database = await retryWithBackoff(
        'database',
        () => openMigratedDatabase(config, logger, databaseMetrics?.observe),
        { ...retry, isFatal: (err) => err instanceof SchemaError },
      );
      databaseMetrics?.watch(database);
    }
    const nodeId = nodeName(config);
    const chosenHub = await retryWithBackoff(
      'event hub',
      () =>
        createEventHub({
          type: config.event_hub.type,
          brokers: config.event_hub.brokers,
          cluster: config.event_hub.cluster,
          nodeId,
          logger,
          reconnectMaxDelayMs: config.event_hub.reconnect_max_delay_ms,
        }),
      // A broker list that cannot work (bad URLs, mixed credentials) is a configuration error, not a wait.
      { ...retry, isFatal: (err) => err instanceof BrokerConfigError },
    );
    const eventHub = new MeteredEventHub(chosenHub, metrics);
    hub = eventHub;
    const app = createApp({ bodyLimit: config.http.body_limit, logger, trustProxy: config.http.trust_proxy });
    observeHttpRequests(app, metrics);
    registerHealthRoutes(app, readiness);
    registerMetricsRoute(app, metrics);
    const { node_client_id: clientId, node_client_secret: clientSecret } = config.services;
    let nodeClient = clientId ? { clientId, clientSecret } : undefined;
    for (const name of names) {
      const component = await COMPONENTS[name].create({
        config,
        nodeId,
        logger,
        hub: eventHub,
        database,
        readiness,
        metrics,
        urls,
        ca: tls.ca,
        tls: { cert: tls.cert, key: tls.key },
        nodeClient,
      });
      nodeClient ??= component.nodeClient;
      components.push(component);
      await component.register(app);
    }
    await servers.serve(app);
    for (const component of components) await component.start?.();
    return { urls, ca: tls.ca, components, metrics, close };
  } catch (err) {
    await close();
    throw err;
  }
}
