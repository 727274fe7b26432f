/**
 * The seed's topology on one machine: two Key Managers and two Gateways behind nginx, one Publisher, one
 * Developer Portal, two Traffic Managers, and an analytics node, on PostgreSQL and RabbitMQ at 127.0.0.1. Ports are fixed (away from
 * the all-in-one node's defaults, so both can run at once); every node and load balancer answers on localhost.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Profile } from '../../src/config/schema.js';

export const CLUSTER_DIR = path.dirname(fileURLToPath(import.meta.url));
/** Everything `cluster:up` makes: certificates, node configs and data, logs, nginx's files, cluster.json. */
export const RUN_DIR = path.join(CLUSTER_DIR, '.run');
export const REPO_DIR = path.resolve(CLUSTER_DIR, '../..');

export const HOST = 'localhost';
/** The shared control-plane database, created on the local PostgreSQL when missing. */
export const DATABASE_NAME = 'portcullis_cluster';
export const POSTGRES_URL =
  process.env.PORTCULLIS_CLUSTER_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const RABBITMQ_URL =
  process.env.PORTCULLIS_CLUSTER_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
/** The cluster's exchanges on the broker: another deployment on the same broker never sees its events. */
export const EVENT_HUB_CLUSTER = 'local-cluster';

export interface NodeSpec {
  name: string;
  profile: Exclude<Profile, 'all'>;
  httpsPort: number;
  httpPort: number;
  /** The gateway's own listeners. */
  gateway?: { httpPort: number; httpsPort: number };
}

export const LOAD_BALANCERS = {
  /** HTTPS, in front of both Key Managers: the other nodes' Key Manager URL, and the token issuer. */
  keyManager: { httpsPort: 9543 },
  /** HTTP and HTTPS, in front of both gateways: where API consumers call. */
  gateway: { httpPort: 8380, httpsPort: 8343 },
} as const;

export const NODES: readonly NodeSpec[] = [
  { name: 'km-1', profile: 'key-manager', httpsPort: 9501, httpPort: 9601 },
  { name: 'km-2', profile: 'key-manager', httpsPort: 9502, httpPort: 9602 },
  { name: 'publisher-1', profile: 'publisher', httpsPort: 9503, httpPort: 9603 },
  { name: 'devportal-1', profile: 'devportal', httpsPort: 9504, httpPort: 9604 },
  { name: 'an-1', profile: 'analytics', httpsPort: 9509, httpPort: 9609 },
  { name: 'tm-1', profile: 'traffic-manager', httpsPort: 9505, httpPort: 9605 },
  { name: 'tm-2', profile: 'traffic-manager', httpsPort: 9506, httpPort: 9606 },
  {
    name: 'gw-1',
    profile: 'gateway',
    httpsPort: 9507,
    httpPort: 9607,
    gateway: { httpPort: 8301, httpsPort: 8401 },
  },
  {
    name: 'gw-2',
    profile: 'gateway',
    httpsPort: 9508,
    httpPort: 9608,
    gateway: { httpPort: 8302, httpsPort: 8402 },
  },
];

export const url = (protocol: 'http' | 'https', port: number) => `${protocol}://${HOST}:${port}`;

export const CLUSTER_URLS = {
  keyManager: url('https', LOAD_BALANCERS.keyManager.httpsPort),
  gateway: url('https', LOAD_BALANCERS.gateway.httpsPort),
  gatewayHttp: url('http', LOAD_BALANCERS.gateway.httpPort),
  publisher: url('https', 9503),
  devportal: url('https', 9504),
};

export function nodeSpec(name: string): NodeSpec {
  const spec = NODES.find((n) => n.name === name);
  if (!spec)
    throw new Error(`no node "${name}" in the local cluster (${NODES.map((n) => n.name).join(', ')})`);
  return spec;
}

export const runPath = (...parts: string[]) => path.join(RUN_DIR, ...parts);
export const nodeDir = (name: string) => runPath('nodes', name);
export const CERTS_DIR = runPath('certs');
export const CA_FILE = path.join(CERTS_DIR, 'ca.pem');
export const CLUSTER_FILE = runPath('cluster.json');
