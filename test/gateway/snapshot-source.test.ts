/**
 * Where a gateway's state comes from (with a fake HTTP client and fake node tokens): the snapshot and single
 * deployments from the internal data API, with one retry on a refused token; the last good snapshot saved
 * atomically, readable only by the node's user, and read back only when it is valid and of this environment.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SnapshotSource } from '../../src/gateway/state/snapshot-source.js';
import type { NodeTokens } from '../../src/platform/auth/node-credentials.js';
import type { ClusterFetch } from '../../src/platform/cluster-fetch.js';
import { useTempDirs } from '../support/temp-dirs.js';
import { deployedApi, snapshotOf } from './fixtures.js';

const tempDir = useTempDirs('gateway-snapshot');

interface Answer {
  status: number;
  body?: unknown;
}

/** A Publisher that answers from a queue and records what was asked, with which token. */
function fakePublisher(answers: Answer[]) {
  const requests: { url: string; authorization: string | undefined }[] = [];
  const http: ClusterFetch = {
    fetch: async (url, init) => {
      requests.push({ url, authorization: init?.headers?.authorization });
      const answer = answers.shift() ?? { status: 500 };
      return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
        status: answer.status,
      });
    },
    close: async () => {},
  };
  let issued = 0;
  let resets = 0;
  const tokens = {
    token: async () => `node-token-${issued}`,
    reset: () => {
      resets += 1;
      issued += 1;
    },
  } as unknown as NodeTokens;
  return { http, tokens, requests, resets: () => resets };
}

function sourceFor(answers: Answer[], dir = tempDir(), environment = 'Default') {
  const fake = fakePublisher(answers);
  const source = new SnapshotSource('https://publisher.test:9443', environment, fake.http, fake.tokens, dir);
  return { source, dir, ...fake };
}

describe('SnapshotSource', () => {
  it('pulls the snapshot of its environment with the node token and saves it, mode 0600', async () => {
    const snapshot = snapshotOf({ generatedAt: 42, apis: [deployedApi({ name: 'saved' })] });
    const { source, dir, requests } = sourceFor([{ status: 200, body: snapshot }]);
    expect(source.file).toBe(path.join(dir, 'gateway-snapshot.json'));
    expect(await source.pull()).toEqual(snapshot);
    expect(requests).toEqual([
      {
        url: 'https://publisher.test:9443/internal/data/v1/snapshot?environment=Default',
        authorization: 'Bearer node-token-0',
      },
    ]);
    expect(JSON.parse(readFileSync(source.file, 'utf8'))).toEqual(snapshot);
    expect(statSync(source.file).mode & 0o777).toBe(0o600);
    // Written beside and renamed: no temporary file is left.
    expect(readdirSync(dir)).toEqual(['gateway-snapshot.json']);
    expect(await source.load()).toEqual(snapshot);
  });

  it('encodes the environment name in the query', async () => {
    const { source, requests } = sourceFor(
      [{ status: 200, body: snapshotOf({ environment: 'a b&c' }) }],
      undefined,
      'a b&c',
    );
    await source.pull();
    expect(requests[0]?.url).toBe(
      'https://publisher.test:9443/internal/data/v1/snapshot?environment=a%20b%26c',
    );
  });

  it('asks for a new token once when the Publisher refuses the token', async () => {
    const snapshot = snapshotOf();
    const { source, requests, resets } = sourceFor([{ status: 401 }, { status: 200, body: snapshot }]);
    expect(await source.pull()).toEqual(snapshot);
    expect(resets()).toBe(1);
    expect(requests.map((r) => r.authorization)).toEqual(['Bearer node-token-0', 'Bearer node-token-1']);

    const refused = sourceFor([{ status: 401 }, { status: 401 }, { status: 200, body: snapshot }]);
    await expect(refused.source.pull()).rejects.toThrow(/401/);
    expect(refused.requests).toHaveLength(2);
  });

  it('neither returns nor saves a malformed snapshot, and keeps the last good one', async () => {
    const good = snapshotOf({ generatedAt: 1 });
    const dir = tempDir();
    await sourceFor([{ status: 200, body: good }], dir).source.pull();
    const { source } = sourceFor([{ status: 200, body: { environment: 'Default', apis: 'nope' } }], dir);
    await expect(source.pull()).rejects.toThrow(/malformed/);
    expect(JSON.parse(readFileSync(source.file, 'utf8'))).toEqual(good);
    const failing = sourceFor([{ status: 503 }], dir).source;
    await expect(failing.pull()).rejects.toThrow(/503/);
    expect(await failing.load()).toEqual(good);
  });

  it('fetches one deployed API; a 404 means it is not deployed', async () => {
    const api = deployedApi({ name: 'one' });
    const { source, requests } = sourceFor([{ status: 200, body: api }, { status: 404 }, { status: 500 }]);
    expect(await source.deployedApi('id/with space')).toEqual(api);
    expect(requests[0]?.url).toBe(
      'https://publisher.test:9443/internal/data/v1/apis/id%2Fwith%20space?environment=Default',
    );
    expect(await source.deployedApi('gone')).toBeUndefined();
    await expect(source.deployedApi('broken')).rejects.toThrow(/500/);
  });

  it('refuses a malformed deployed API', async () => {
    const { source } = sourceFor([{ status: 200, body: { apiId: 'x' } }]);
    await expect(source.deployedApi('x')).rejects.toThrow(/malformed/);
  });

  it('loads nothing when there is no file, or it is of another environment or not a snapshot', async () => {
    const dir = tempDir();
    const { source } = sourceFor([], dir);
    expect(await source.load()).toBeUndefined();
    writeFileSync(source.file, JSON.stringify(snapshotOf({ environment: 'Staging' })));
    expect(await source.load()).toBeUndefined();
    writeFileSync(source.file, JSON.stringify({ hello: 'world' }));
    expect(await source.load()).toBeUndefined();
    writeFileSync(source.file, '{"truncated": ');
    // Unreadable JSON is an error the component logs before pulling afresh.
    await expect(source.load()).rejects.toThrow();
  });
});
