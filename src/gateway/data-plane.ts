/**
 * The Gateway's data plane: the APIs of one gateway environment on their own ports (8280 HTTP, 8243 HTTPS),
 * served from memory. On start it serves the snapshot saved on disk (if any), pulls a fresh one from the
 * Publisher's internal data API, and follows events; each event-hub reconnection pulls again. It runs in a
 * worker thread of its node (see component.ts), with everything the request path uses: its state, token
 * verifier, throttling counters, backend pools and request-event queue.
 */
import type { Registry } from 'prom-client';
import type { NodeContext } from '../node/component.js';
import { AccessTokenVerifier } from '../platform/auth/access-token-verifier.js';
import { KeyManagerClient } from '../platform/auth/key-manager-client.js';
import { NodeTokens, type NodeCredentials } from '../platform/auth/node-credentials.js';
import { clusterFetch } from '../platform/cluster-fetch.js';
import { HttpServers } from '../platform/http-server.js';
import type { HubEvent } from '../events/topics.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { compileTrust } from './pipeline/caller-address.js';
import { RequestHandler } from './pipeline/request-handler.js';
import { RequestEvents, type PublishRequestBatch } from './request-events.js';
import { gatewayCorsPolicy } from './pipeline/cors.js';
import { EventFollower } from './state/event-follower.js';
import { RuntimeState } from './state/runtime-state.js';
import { CountSync } from './throttling/count-sync.js';
import { Throttling } from './throttling/throttling.js';
import { SnapshotSource } from './state/snapshot-source.js';
import { TokenProxy } from './token-proxy.js';
import { BackendJwt } from './upstream/backend-jwt.js';
import { Upstream } from './upstream/forward.js';

/** Between failed snapshot pulls: doubling from one second up to half a minute. */
const RETRY_MS = { first: 1000, max: 30_000 };
const FIRST_PULL_WAIT_MS = 5000;
const SAVE_DELAY_MS = 1000;
/** Events kept while a snapshot is awaited. */
const MAX_BUFFERED = 10_000;

/** What the data plane is given by its thread: the node's settings and identity, and the hub through it. */
export interface DataPlaneContext extends Pick<
  NodeContext,
  'config' | 'nodeId' | 'hub' | 'logger' | 'urls' | 'ca' | 'tls'
> {
  nodeClient: NodeCredentials;
  /** The thread's own registry; the node serves its series at /metrics. */
  metrics: Registry;
  /** Request events go to the node's thread, which publishes them. */
  publishRequests: PublishRequestBatch;
}

export interface DataPlane {
  start(): Promise<void>;
  close(): Promise<void>;
  /** Listening, with a state (pulled, or saved when the Publisher could not be reached). */
  ready(): boolean;
  /** The gateway's http and https URLs, once started. */
  readonly urls: Readonly<Record<string, string>>;
  /** The public key of backend JWTs, for backends to verify them; undefined while they are off. */
  readonly publicJwk: BackendJwt['publicJwk'] | undefined;
}

export async function createDataPlane(context: DataPlaneContext): Promise<DataPlane> {
  const { config, nodeId, hub, logger, urls, ca, tls, nodeClient } = context;
  const log = logger.child({ component: 'gateway' });
  const keyManager = new KeyManagerClient(config.services.key_manager_url || urls.https, ca);
  const verifier = new AccessTokenVerifier(keyManager, nodeClient);
  const http = clusterFetch(ca);
  const state = new RuntimeState(
    config.gateway.environment,
    config.gateway.backend_timeout,
    gatewayCorsPolicy(config.gateway),
  );
  const source = new SnapshotSource(
    config.services.publisher_url || urls.https,
    config.gateway.environment,
    http,
    new NodeTokens(keyManager, nodeClient),
    config.data_dir,
  );
  const metrics = new GatewayMetrics(context.metrics, state);
  const events = new RequestEvents(context.publishRequests, log, (count) => metrics.droppedEvents.inc(count));
  const upstream = new Upstream();
  const throttling = new Throttling(state);
  const countSync = new CountSync(throttling, hub, nodeId, log);
  const backendJwt = config.gateway.backend_jwt
    ? await BackendJwt.create({
        header: config.gateway.backend_jwt_header,
        expiry: config.gateway.backend_jwt_expiry,
        keyFile: config.gateway.backend_jwt_key_file,
        dataDir: config.data_dir,
      })
    : undefined;
  const handler = new RequestHandler({
    state,
    tokens: verifier,
    upstream,
    events,
    metrics,
    throttling,
    backendJwt,
    trustProxy: compileTrust(config.http.trust_proxy),
    logger: log,
  });
  const tokenProxy = new TokenProxy(keyManager, (token) => verifier.forget(token), log);
  const servers = new HttpServers({
    host: config.http.host,
    httpsPort: config.gateway.https_port,
    httpPort: config.gateway.http_port,
    portSection: 'gateway',
    tls,
    headersTimeout: 10_000,
  });

  // Pulls are serialised; asking again while one runs makes one more after it.
  let pulling: Promise<void> | undefined;
  let again = false;
  let buffered: HubEvent[] | undefined = [];
  // Events applied while a pull runs are applied again over the snapshot it brings: a snapshot made before them
  // must not undo them (a policy change pulls while subscriptions and deployments go on).
  let replay: HubEvent[] | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;
  const follower = new EventFollower(state, source, () => refresh(), log);
  // What events change is saved too, a second after the last change: a restart finds it without the Publisher.
  let saveTimer: NodeJS.Timeout | undefined;
  const saveSoon = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      void source
        .save(state.toSnapshot())
        .catch((err: unknown) => log.warn({ err, file: source.file }, 'could not save the gateway state'));
    }, SAVE_DELAY_MS);
    saveTimer.unref();
  };
  const apply = (event: HubEvent) =>
    follower
      .apply(event)
      .then(saveSoon)
      .catch((err: unknown) => log.error({ err, type: event.type }, 'event not applied'));

  const pullOnce = async (delay = RETRY_MS.first): Promise<void> => {
    replay = [];
    try {
      state.load(await source.pull());
      log.info({ apis: state.apis.size }, 'gateway state pulled from the Publisher');
      // Events that came while the snapshot was on its way are newer than it or harmless to repeat.
      const waiting = [...(buffered ?? []), ...replay];
      buffered = undefined;
      replay = undefined;
      for (const event of waiting) await apply(event);
    } catch (err) {
      if (closed) return;
      log.warn({ err, retryInMs: delay }, 'cannot pull the gateway state; serving what it has');
      await new Promise<void>((resolve) => (retryTimer = setTimeout(resolve, delay)));
      if (!closed) return pullOnce(Math.min(delay * 2, RETRY_MS.max));
    }
  };
  const refresh = () => {
    if (pulling) {
      again = true;
      return;
    }
    pulling = pullOnce().finally(() => {
      pulling = undefined;
      if (again && !closed) {
        again = false;
        refresh();
      }
    });
  };

  let listening = false;
  const gatewayUrls: Record<string, string> = {};

  return {
    ready: () => listening && state.snapshotAt > 0,
    urls: gatewayUrls,
    publicJwk: backendJwt?.publicJwk,
    async start() {
      const saved = await source.load().catch((err: unknown) => {
        log.warn({ err, file: source.file }, 'the saved gateway snapshot cannot be read');
        return undefined;
      });
      if (saved) {
        state.load(saved);
        log.info({ apis: state.apis.size, file: source.file }, 'serving the saved gateway snapshot');
      }
      await verifier.followRevocations(hub, log);
      await countSync.start();
      await hub.subscribe('notification', (event) => {
        // The snapshot that ends the wait holds whatever a dropped event said.
        if (buffered) {
          if (buffered.length < MAX_BUFFERED) buffered.push(event);
          return;
        }
        // A policy event's effect is a pull; replaying it would only pull once more.
        if (replay && replay.length < MAX_BUFFERED && !event.type.startsWith('POLICY_')) replay.push(event);
        return apply(event);
      });
      hub.onReconnect(() => {
        buffered ??= [];
        refresh();
      });
      // Pull before listening: a restarted gateway must not answer from the state it saved before going down
      // (an API redeployed meanwhile, a new subscription). The first pull usually takes milliseconds; a
      // Publisher that is down must not hold the start, so after a while the saved state is served.
      refresh();
      await Promise.race([
        pulling,
        new Promise((resolve) => setTimeout(resolve, FIRST_PULL_WAIT_MS).unref()),
      ]);
      await servers.bind();
      for (const protocol of ['http', 'https'] as const) {
        gatewayUrls[protocol] = servers.url(protocol, config.node.hostname) as string;
      }
      servers.handle((req, res) => {
        if (tokenProxy.handles(req, res)) return;
        handler.handle(req, res, 'encrypted' in req.socket ? 'https' : 'http');
      });
      listening = true;
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      if (saveTimer) {
        clearTimeout(saveTimer);
        await source
          .save(state.toSnapshot())
          .catch((err: unknown) => log.warn({ err }, 'could not save the gateway state at shutdown'));
      }
      await servers.close();
      await Promise.all([events.close(), countSync.close()]);
      await Promise.all([upstream.close(), keyManager.close(), http.close()]);
      metrics.close();
    },
  };
}
