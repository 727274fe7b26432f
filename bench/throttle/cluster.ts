/**
 * The processes of `npm run bench -- throttle`, each its own Node process on 127.0.0.1: the backend
 * (bench/throttle/backend.ts), one node of profile `all` (its gateway is gateway 1, its traffic manager
 * TM 1), one node of profile `gateway` (gateway 2) and one of profile `traffic-manager` (TM 2), all on one
 * RabbitMQ event hub (exchanges `bench-throttle.<topic>`). The separate nodes get the `all` node's CA and
 * node certificate, its URL as Key Manager and Publisher (services.*_url), and gateway 2 a node client
 * registered at its Key Manager, as in test/e2e/control-plane-story.test.ts.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  cleanEnv,
  freePorts,
  makeTempDir,
  REPO,
  serverBuild,
  startProcess,
  startServer,
  statusOf,
  type BenchServer,
  type StartedProcess,
} from '../lib/server.js';

export const RABBITMQ_URL = process.env.BENCH_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/**
 * The exchanges' prefix on the broker (event_hub.cluster): the benchmark's events stay apart from those of
 * test suites using the same broker. One fixed name, so that runs do not leave exchanges behind.
 */
export const HUB_CLUSTER = 'bench-throttle';

/** The settings every node of the cluster shares. */
export const HUB_ENV = {
  PORTCULLIS_EVENT_HUB__TYPE: 'rabbitmq',
  PORTCULLIS_EVENT_HUB__BROKERS: RABBITMQ_URL,
  PORTCULLIS_EVENT_HUB__CLUSTER: HUB_CLUSTER,
};

/** A node of profile `gateway` or `traffic-manager`. */
export interface ExtraNode extends StartedProcess {
  httpUrl: string;
  /** The gateway's plain-HTTP listener; meaningless for a traffic manager. */
  gatewayHttpUrl: string;
}

export interface NodeClient {
  clientId: string;
  clientSecret: string;
}

/** The backend, in its own process through the tsx loader. */
export async function startBackend(): Promise<{ process: StartedProcess; origin: string }> {
  const [port] = (await freePorts(1)) as [number];
  const origin = `http://127.0.0.1:${port}`;
  const backend = await startProcess({
    name: 'the backend',
    command: process.execPath,
    args: [
      '--import',
      import.meta.resolve('tsx'),
      path.join(REPO, 'bench/throttle/backend.ts'),
      String(port),
    ],
    cwd: REPO,
    env: cleanEnv({ NODE_ENV: 'production' }),
    ready: async () => (await statusOf(`${origin}/`)) === 200,
  });
  return { process: backend, origin };
}

/** The `all` node on RabbitMQ (SQLite in its data dir: the other nodes need no database). */
export function startAllNode(): Promise<BenchServer> {
  return startServer({ env: { ...HUB_ENV, PORTCULLIS_NODE__NAME: `bench-all-${process.pid}` } });
}

/** A gateway or traffic-manager node that trusts the `all` node and pulls its state from it. */
export async function startExtraNode(
  profile: 'gateway' | 'traffic-manager',
  all: BenchServer,
  nodeClient?: NodeClient,
): Promise<ExtraNode> {
  const build = await serverBuild();
  const root = makeTempDir(`portcullis-bench-${profile}-`);
  const dataDir = path.join(root, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  const [httpsPort, httpPort, gatewayHttpsPort, gatewayHttpPort] = (await freePorts(4)) as [
    number,
    number,
    number,
    number,
  ];
  const certs = path.join(all.dataDir, 'certs');
  const env = cleanEnv({
    ...HUB_ENV,
    PORTCULLIS_NODE__PROFILE: profile,
    PORTCULLIS_NODE__NAME: `bench-${profile}-${process.pid}`,
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_ADMIN_PASSWORD: all.adminPassword,
    PORTCULLIS_HTTP__HOST: '127.0.0.1',
    PORTCULLIS_HTTP__HTTPS_PORT: String(httpsPort),
    PORTCULLIS_HTTP__HTTP_PORT: String(httpPort),
    PORTCULLIS_GATEWAY__HTTPS_PORT: String(gatewayHttpsPort),
    PORTCULLIS_GATEWAY__HTTP_PORT: String(gatewayHttpPort),
    PORTCULLIS_LOG__LEVEL: 'warn',
    PORTCULLIS_HTTP__CERT_FILE: path.join(certs, 'node.pem'),
    PORTCULLIS_HTTP__KEY_FILE: path.join(certs, 'node-key.pem'),
    PORTCULLIS_HTTP__CA_FILE: path.join(certs, 'ca.pem'),
    PORTCULLIS_SERVICES__KEY_MANAGER_URL: all.httpsUrl,
    PORTCULLIS_SERVICES__PUBLISHER_URL: all.httpsUrl,
    ...(nodeClient
      ? {
          PORTCULLIS_SERVICES__NODE_CLIENT_ID: nodeClient.clientId,
          PORTCULLIS_SERVICES__NODE_CLIENT_SECRET: nodeClient.clientSecret,
        }
      : {}),
  });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  let last = 0;
  const node = await startProcess({
    name: `the ${profile} node`,
    command: process.execPath,
    args: build.args,
    cwd: root,
    env,
    tempDir: root,
    ready: async () => (last = await statusOf(`${httpUrl}/health/ready`)) === 200,
    lastCheck: () => `GET /health/ready answered ${last || 'nothing'}`,
  });
  return { ...node, httpUrl, gatewayHttpUrl: `http://127.0.0.1:${gatewayHttpPort}` };
}
