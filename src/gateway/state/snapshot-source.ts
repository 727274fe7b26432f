/**
 * Where a gateway's state comes from: the Publisher's internal data API (with this node's client token), and
 * the last good snapshot on disk (`<data dir>/gateway-snapshot.json`, written atomically), so that a gateway
 * restarted while the control plane is down still serves the APIs it had.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Compile } from 'typebox/compile';
import type { NodeTokens } from '../../platform/auth/node-credentials.js';
import type { ClusterFetch } from '../../platform/cluster-fetch.js';
import {
  DeployedApiSchema,
  INTERNAL_BASE,
  SnapshotSchema,
  type DeployedApi,
  type Snapshot,
} from '../../publisher/internal/internal-data-schemas.js';

/** Compiled once (a snapshot can hold thousands of objects). */
const SnapshotValidator = Compile(SnapshotSchema);
const DeployedApiValidator = Compile(DeployedApiSchema);

export class SnapshotSource {
  readonly file: string;

  constructor(
    private readonly publisherUrl: string,
    private readonly environment: string,
    private readonly http: ClusterFetch,
    private readonly tokens: NodeTokens,
    dataDir: string,
  ) {
    this.file = path.join(dataDir, 'gateway-snapshot.json');
  }

  /** The environment's state from the Publisher; saved to disk before it is returned. */
  async pull(): Promise<Snapshot> {
    const query = `environment=${encodeURIComponent(this.environment)}`;
    const snapshot = await this.#get(`${INTERNAL_BASE}/snapshot?${query}`);
    if (!SnapshotValidator.Check(snapshot)) throw new Error('the Publisher sent a malformed snapshot');
    await this.save(snapshot);
    return snapshot;
  }

  /** One API as deployed to this environment; undefined when it is not (any more). */
  async deployedApi(apiId: string): Promise<DeployedApi | undefined> {
    const query = `environment=${encodeURIComponent(this.environment)}`;
    const api = await this.#get(`${INTERNAL_BASE}/apis/${encodeURIComponent(apiId)}?${query}`, true);
    if (api === undefined) return undefined;
    if (!DeployedApiValidator.Check(api)) throw new Error('the Publisher sent a malformed deployed API');
    return api;
  }

  /** The snapshot saved last, if there is a readable one of this environment. */
  async load(): Promise<Snapshot | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return undefined;
    }
    const snapshot: unknown = JSON.parse(text);
    return SnapshotValidator.Check(snapshot) && snapshot.environment === this.environment
      ? snapshot
      : undefined;
  }

  /** Writes the snapshot to disk atomically. */
  async save(snapshot: Snapshot): Promise<void> {
    // Written beside, then renamed over: a crash leaves the old file or the new one, never half of one.
    const temporary = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, JSON.stringify(snapshot), { mode: 0o600 });
    await rename(temporary, this.file);
  }

  async #get(pathAndQuery: string, notFoundIsUndefined = false, retried = false): Promise<unknown> {
    const token = await this.tokens.token();
    const response = await this.http.fetch(`${this.publisherUrl}${pathAndQuery}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (response.status === 401 && !retried) {
      this.tokens.reset();
      return this.#get(pathAndQuery, notFoundIsUndefined, true);
    }
    if (response.status === 404 && notFoundIsUndefined) return undefined;
    if (!response.ok) throw new Error(`the Publisher answered ${response.status} for ${pathAndQuery}`);
    return response.json();
  }
}
