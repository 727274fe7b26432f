/**
 * `npm run cluster:up` and `cluster:down`: the seed's distributed deployment on this machine.
 *
 * `up` makes what is missing (CA and node certificates, the shared database, node configs, nginx config),
 * starts nginx and every node that is not running (the Key Managers first: the other nodes need the node
 * client registered at them), waits until each is ready and writes `.run/cluster.json`. Run again, it starts
 * only the nodes that died, so it also restarts a killed node. `down` stops the nodes and nginx; certificates,
 * data and logs stay under `.run/` for the next `up`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { Agent, fetch } from 'undici';
import { createCertificateAuthority, issueCertificate } from '../../src/platform/certs.js';
import { writeFileAtomic } from '../../src/platform/certs/files.js';
import { configFile, nodeConfig, type NodeClient } from './node-configs.js';
import { NGINX_CONF, NGINX_DIR, nginxConfig } from './nginx-config.js';
import {
  isAlive,
  nginxInstalled,
  nodePid,
  pidFile,
  spawnNode,
  startNginx,
  stopNginx,
  stopProcess,
  waitUntilReady,
} from './processes.js';
import {
  CA_FILE,
  CERTS_DIR,
  CLUSTER_FILE,
  CLUSTER_URLS,
  DATABASE_NAME,
  HOST,
  NODES,
  POSTGRES_URL,
  RUN_DIR,
  nodeDir,
  runPath,
  url,
  type NodeSpec,
} from './topology.js';

export interface ClusterNode {
  name: string;
  profile: NodeSpec['profile'];
  /** The node's management HTTPS URL. */
  url: string;
  pid: number;
  /** A gateway's own listeners. */
  gateway?: { http: string; https: string };
}

/** `.run/cluster.json`: where everything is. keyManager and gateway are the load balancers. */
export interface ClusterFile {
  keyManager: string;
  publisher: string;
  devportal: string;
  gateway: string;
  gatewayHttp: string;
  nodes: ClusterNode[];
  caFile: string;
  /** The admin account the Key Managers were first started with. */
  admin: { username: string; password: string };
}

interface Secrets {
  adminPassword: string;
  nodeClient?: NodeClient;
}

const SECRETS_FILE = runPath('secrets.json');
const say = (line: string) => console.error(`cluster: ${line}`);

async function ensureCertificates(): Promise<void> {
  mkdirSync(CERTS_DIR, { recursive: true, mode: 0o700 });
  const write = async (name: string, pair: { certPem: string; keyPem: string }) => {
    await writeFileAtomic(`${CERTS_DIR}/${name}-key.pem`, pair.keyPem, 0o600);
    await writeFileAtomic(`${CERTS_DIR}/${name}.pem`, pair.certPem, 0o644);
  };
  if (!existsSync(CA_FILE)) {
    await write('ca', await createCertificateAuthority({ commonName: 'Portcullis local cluster CA' }));
    say(`made the cluster CA in ${CERTS_DIR}`);
  }
  const ca = {
    certPem: readFileSync(CA_FILE, 'utf8'),
    keyPem: readFileSync(`${CERTS_DIR}/ca-key.pem`, 'utf8'),
  };
  // Each node's certificate names the node (CN); every node answers on localhost on this one machine.
  for (const name of [...NODES.map((n) => n.name), 'load-balancer']) {
    if (existsSync(`${CERTS_DIR}/${name}.pem`)) continue;
    const commonName = `${name}.portcullis.local`;
    await write(
      name,
      await issueCertificate({ ca, commonName, dnsNames: [commonName, HOST], ipAddresses: ['127.0.0.1'] }),
    );
  }
}

async function adminQuery<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({
    connectionString: `${POSTGRES_URL}/postgres`,
    connectionTimeoutMillis: 5000,
  });
  await client.connect().catch((err: Error) => {
    throw new Error(`PostgreSQL is not reachable at ${POSTGRES_URL} (${err.message}); start it first`);
  });
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The cluster's secrets, and its database. A database without the secrets of the `up` that made it (their
 * `.run` removed) cannot be signed in to: it is dropped and made again.
 */
async function ensureSecretsAndDatabase(): Promise<Secrets> {
  const exists =
    (await adminQuery('select 1 from pg_database where datname = $1', [DATABASE_NAME])).length > 0;
  if (existsSync(SECRETS_FILE) && exists) return JSON.parse(readFileSync(SECRETS_FILE, 'utf8')) as Secrets;
  if (exists) {
    say(`database ${DATABASE_NAME} has no credentials under ${RUN_DIR}: making it again`);
    await adminQuery(`drop database ${DATABASE_NAME} with (force)`);
  }
  await adminQuery(`create database ${DATABASE_NAME}`);
  const secrets: Secrets = { adminPassword: randomBytes(18).toString('base64url') };
  writeFileSync(SECRETS_FILE, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** The node client of the non-Key-Manager nodes: the one made before if it still works, else a new one. */
async function ensureNodeClient(secrets: Secrets): Promise<NodeClient> {
  const dispatcher = new Agent({ connect: { ca: readFileSync(CA_FILE, 'utf8') } });
  try {
    if (secrets.nodeClient) {
      const { clientId, clientSecret } = secrets.nodeClient;
      const token = await fetch(`${CLUSTER_URLS.keyManager}/oauth2/token`, {
        method: 'POST',
        dispatcher,
        headers: {
          authorization: basic(clientId, clientSecret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      if (token.status === 200) return secrets.nodeClient;
    }
    const response = await fetch(`${CLUSTER_URLS.keyManager}/client-registration/v0.17/register`, {
      method: 'POST',
      dispatcher,
      headers: { authorization: basic('admin', secrets.adminPassword), 'content-type': 'application/json' },
      body: JSON.stringify({
        clientName: `local-cluster-nodes-${randomBytes(3).toString('hex')}`,
        grantType: 'client_credentials',
      }),
    });
    if (response.status !== 200) {
      throw new Error(
        `the Key Managers refused the node client (${response.status}): ${await response.text()}`,
      );
    }
    const { clientId, clientSecret } = (await response.json()) as NodeClient;
    secrets.nodeClient = { clientId, clientSecret };
    writeFileSync(SECRETS_FILE, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return secrets.nodeClient;
  } finally {
    await dispatcher.close();
  }
}

/** Starts the nodes among `specs` that are not running (all at once: any order works) and waits for them. */
export async function startNodes(specs: readonly NodeSpec[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  const started = specs.flatMap((spec) => {
    if (isAlive(nodePid(spec.name))) return [];
    const pid = spawnNode(spec, env);
    say(`started ${spec.name} (${spec.profile}, pid ${pid})`);
    return [{ spec, pid }];
  });
  await Promise.all(started.map(({ spec, pid }) => waitUntilReady(spec, pid)));
}

function writeClusterFile(secrets: Secrets): ClusterFile {
  const cluster: ClusterFile = {
    ...CLUSTER_URLS,
    nodes: NODES.map((spec) => ({
      name: spec.name,
      profile: spec.profile,
      url: url('https', spec.httpsPort),
      pid: nodePid(spec.name) ?? 0,
      ...(spec.gateway
        ? {
            gateway: {
              http: url('http', spec.gateway.httpPort),
              https: url('https', spec.gateway.httpsPort),
            },
          }
        : {}),
    })),
    caFile: CA_FILE,
    admin: { username: 'admin', password: secrets.adminPassword },
  };
  writeFileSync(CLUSTER_FILE, `${JSON.stringify(cluster, null, 2)}\n`, { mode: 0o600 });
  return cluster;
}

export async function up(): Promise<ClusterFile> {
  if (!(await nginxInstalled())) {
    throw new Error('nginx is not installed; on Debian: apt-get install -y nginx');
  }
  mkdirSync(RUN_DIR, { recursive: true, mode: 0o700 });
  for (const spec of NODES) mkdirSync(nodeDir(spec.name), { recursive: true, mode: 0o700 });
  mkdirSync(`${NGINX_DIR}/tmp`, { recursive: true, mode: 0o700 });
  await ensureCertificates();
  const secrets = await ensureSecretsAndDatabase();
  writeFileSync(NGINX_CONF, nginxConfig());
  await startNginx();

  const keyManagers = NODES.filter((n) => n.profile === 'key-manager');
  for (const spec of keyManagers)
    writeFileSync(configFile(spec.name), nodeConfig(spec, undefined), { mode: 0o600 });
  await startNodes(keyManagers, { PORTCULLIS_ADMIN_PASSWORD: secrets.adminPassword });
  const nodeClient = await ensureNodeClient(secrets);
  const others = NODES.filter((n) => n.profile !== 'key-manager');
  for (const spec of others)
    writeFileSync(configFile(spec.name), nodeConfig(spec, nodeClient), { mode: 0o600 });
  await startNodes(others);
  const cluster = writeClusterFile(secrets);
  say(`ready: ${CLUSTER_FILE}`);
  return cluster;
}

export async function down(): Promise<void> {
  await Promise.all(
    NODES.map(async (spec) => {
      const pid = nodePid(spec.name);
      if (isAlive(pid)) {
        await stopProcess(pid);
        say(`stopped ${spec.name}`);
      }
      rmSync(pidFile(spec.name), { force: true });
    }),
  );
  await stopNginx();
  rmSync(CLUSTER_FILE, { force: true });
}

export function readClusterFile(): ClusterFile {
  if (!existsSync(CLUSTER_FILE)) throw new Error(`${CLUSTER_FILE} does not exist: run npm run cluster:up`);
  return JSON.parse(readFileSync(CLUSTER_FILE, 'utf8')) as ClusterFile;
}
