/** What the node's thread and the gateway's data-plane thread say to each other (besides the event hub). */
import type { Config } from '../config/schema.js';
import type { HubDeliveries, HubRequests } from '../events/thread-hub.js';
import type { NodeCredentials } from '../platform/auth/node-credentials.js';
import type { ThreadMetricValues } from '../platform/thread-metrics.js';
import type { DataPlane } from './data-plane.js';
import type { RequestBatchWire } from './request-batch-codec.js';

/** Everything the data plane's thread starts from: cloned into it. */
export interface DataPlaneThreadData {
  config: Config;
  nodeId: string;
  urls: { https: string; http: string };
  ca: string;
  tls: { cert: string; key: string };
  nodeClient: NodeCredentials;
  log: { level: string; bindings: Record<string, unknown> };
}

export type ToDataPlane = HubDeliveries & {
  /** Starts the data plane; answers where it listens, its backend-JWT key and its metric series. */
  start: {
    body: undefined;
    answer: { urls: DataPlane['urls']; publicJwk: DataPlane['publicJwk']; series: ThreadMetricValues };
  };
  ready: { body: undefined; answer: boolean };
  metrics: { body: undefined; answer: ThreadMetricValues };
  /** Stops taking requests, drains them, sends what is queued and saves the state. */
  close: { body: undefined; answer: void };
};

export type FromDataPlane = HubRequests & {
  /** A log line, for the node's destination. */
  log: { body: string; answer: void };
  /** Request events, for the node to publish on `requests`; answered once the hub has them. */
  requests: { body: RequestBatchWire; answer: void };
};
