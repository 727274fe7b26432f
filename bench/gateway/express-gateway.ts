/**
 * Row (5) of `npm run bench -- gateway`: Express Gateway 1.16.11 (from bench/peers) in its own process, with
 * one pipeline — key-auth, then proxy to the backend — and its admin API on a second port, through which
 * the benchmark creates a user and a key-auth credential. Its data store is the in-memory Redis emulation
 * (`db.redis.emulate`). The rate-limit policy is left out: without a Redis server it stalls requests.
 *
 * Express Gateway reads gateway.config and system.config from EG_CONFIG_DIR, and the JSON schemas of its
 * models from models/*.json beside them: this copies the ones it ships.
 *
 * Usage: node --import tsx bench/gateway/express-gateway.ts <config dir> <port> <admin port> <backend origin>.
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PEERS_DIR } from './peers.js';

const [configDir, port, adminPort, origin] = process.argv.slice(2);
if (!configDir || !Number(port) || !Number(adminPort) || !origin) {
  throw new Error('usage: express-gateway.ts <config dir> <port> <admin port> <backend origin>');
}

const gatewayConfig = {
  http: { port: Number(port) },
  admin: { port: Number(adminPort), host: '127.0.0.1' },
  apiEndpoints: { bench: { host: '*', paths: ['/bench/*'] } },
  serviceEndpoints: { backend: { url: origin } },
  policies: ['key-auth', 'proxy'],
  pipelines: {
    bench: {
      apiEndpoints: ['bench'],
      policies: [{ 'key-auth': [] }, { proxy: [{ action: { serviceEndpoint: 'backend' } }] }],
    },
  },
};
const systemConfig = {
  db: { redis: { emulate: true, namespace: 'EG' } },
  crypto: { cipherKey: 'bench-cipher-key', algorithm: 'aes256', saltRounds: 10 },
  session: { secret: 'bench-session-secret', resave: false, saveUninitialized: false },
  accessTokens: { timeToExpiry: 7_200_000 },
  refreshTokens: { timeToExpiry: 7_200_000 },
  authorizationCodes: { timeToExpiry: 300_000 },
};

const require = createRequire(path.join(PEERS_DIR, 'package.json'));
const shipped = path.join(path.dirname(require.resolve('express-gateway/package.json')), 'lib/config/models');
mkdirSync(path.join(configDir, 'models'), { recursive: true });
for (const model of readdirSync(shipped).filter((f) => f.endsWith('.json'))) {
  copyFileSync(path.join(shipped, model), path.join(configDir, 'models', model));
}
writeFileSync(path.join(configDir, 'gateway.config.json'), JSON.stringify(gatewayConfig, null, 2));
writeFileSync(path.join(configDir, 'system.config.json'), JSON.stringify(systemConfig, null, 2));

interface ExpressGateway {
  load(configPath: string): { run(): Promise<unknown> };
}
const gateway = require('express-gateway') as () => ExpressGateway;
await gateway().load(configDir).run();
console.log(`listening ${port}`);

process.once('SIGTERM', () => process.exit(0));
