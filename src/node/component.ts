/** What a component (Key Manager, Publisher, …) is to the node that runs it. */
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema.js';
import type { NodeCredentials } from '../platform/auth/node-credentials.js';
import type { EventHub } from '../events/hub.js';
import type { Readiness } from '../platform/health.js';
import type { App } from '../platform/http-server.js';
import type { Logger } from '../platform/logger.js';
import type { Database } from '../store/database.js';

export interface NodeContext {
  config: Config;
  /** This node's name (`node.name`, or the host name and a random suffix): it names its event-hub queues. */
  nodeId: string;
  logger: Logger;
  hub: EventHub;
  /** Present for the components that declare `needsDatabase`. */
  database: Database | undefined;
  readiness: Readiness;
  /** The node's Prometheus registry (served at /metrics): components register their series in it. */
  metrics: Registry;
  /** This node's own base URLs, e.g. https://localhost:9443. */
  urls: { https: string; http: string };
  /** PEM of the CA that other nodes' certificates are verified against. */
  ca: string;
  /** This node's certificate and key (PEM), for listeners of its own (the gateway's). */
  tls: { cert: string; key: string };
  /** This node's own client at the Key Manager: configured, or provided by a Key Manager in this process. */
  nodeClient: NodeCredentials | undefined;
}

export interface Component {
  readonly name: string;
  /** Adds the component's routes to the node's HTTP application. */
  register(app: App): void | Promise<void>;
  /** Lines for the start-up banner: where the component is reached. */
  describe(): string[];
  /** Runs once the node serves its management routes (a gateway pulls its state from them then). */
  start?(): Promise<void>;
  close?(): Promise<void>;
  /** Where the component answers on listeners of its own (the gateway's http and https), once started. */
  readonly urls?: Readonly<Record<string, string>>;
  /** A node client this component made for the node (the Key Manager does, when none is configured). */
  readonly nodeClient?: NodeCredentials;
}

export interface ComponentDefinition {
  readonly needsDatabase: boolean;
  create(context: NodeContext): Promise<Component>;
}
