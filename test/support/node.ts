/**
 * Starts a real node in this process for a test: temporary data dir, free ports, quiet logs.
 * `fetch` trusts the node's generated CA, so tests talk HTTPS with verification on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { startNode, type RunningNode } from '../../src/node/start-node.js';
import { createLogger } from '../../src/platform/logger.js';

export interface TestNode {
  node: RunningNode;
  config: Config;
  dataDir: string;
  /** Base URL of the HTTPS listener (https://localhost:<port>). */
  baseUrl: string;
  httpUrl: string;
  ca: string;
  adminPassword: string;
  /** fetch that trusts the node's CA. */
  fetch: typeof globalThis.fetch;
  dispatcher: Agent;
  /** Every line the node logged, when started with `captureLogs` (at level trace). */
  logs: string[];
  close(): Promise<void>;
}

export interface TestNodeOptions {
  /** Extra environment overrides, e.g. { PORTCULLIS_KEY_MANAGER__TOKEN_FORMAT: 'OPAQUE' }. */
  env?: Record<string, string>;
  adminPassword?: string;
  /** Keep every log line (at level trace) in `logs` instead of writing them out. */
  captureLogs?: boolean;
}

export async function startTestNode(options: TestNodeOptions = {}): Promise<TestNode> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portcullis-test-'));
  const adminPassword = options.adminPassword ?? 'admin-password-for-tests';
  const env: NodeJS.ProcessEnv = {
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_HTTP__HOST: '127.0.0.1',
    PORTCULLIS_HTTP__HTTPS_PORT: '0',
    PORTCULLIS_HTTP__HTTP_PORT: '0',
    PORTCULLIS_GATEWAY__HTTPS_PORT: '0',
    PORTCULLIS_GATEWAY__HTTP_PORT: '0',
    PORTCULLIS_LOG__LEVEL: options.captureLogs ? 'trace' : (process.env.TEST_LOG_LEVEL ?? 'silent'),
    ...options.env,
  };
  const { config } = loadConfig({ env, cwd: dataDir });
  const previous = process.env.PORTCULLIS_ADMIN_PASSWORD;
  process.env.PORTCULLIS_ADMIN_PASSWORD = adminPassword;
  const logs: string[] = [];
  const destination = options.captureLogs ? { write: (line: string) => void logs.push(line) } : undefined;
  let node: RunningNode;
  try {
    node = await startNode(config, createLogger(config.log.level, destination));
  } finally {
    if (previous === undefined) delete process.env.PORTCULLIS_ADMIN_PASSWORD;
    else process.env.PORTCULLIS_ADMIN_PASSWORD = previous;
  }
  const ca = node.ca;
  const dispatcher = new Agent({ connect: { ca } });
  const trustedFetch = ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as string, { ...(init as object), dispatcher })) as unknown as typeof globalThis.fetch;
  return {
    node,
    config,
    dataDir,
    baseUrl: node.urls.https,
    httpUrl: node.urls.http,
    ca,
    adminPassword,
    fetch: trustedFetch,
    dispatcher,
    logs,
    async close() {
      await node.close();
      await dispatcher.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
