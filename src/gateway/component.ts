/**
 * The Gateway as a node component. Its data plane (data-plane.ts: listeners, state, request path) runs in a
 * worker thread of the node (data-plane-thread.ts); this side starts it, lends it the node's event hub, and
 * keeps the management port's part: health, Prometheus metrics (the node's /metrics, where the thread's
 * series are added) and the backend JWT's key (/gateway/jwks). A thread that dies is started again
 * (thread-supervisor.ts).
 */
import type { Worker } from 'node:worker_threads';
import { serveHub } from '../events/thread-hub.js';
import type { Component, ComponentDefinition, NodeContext } from '../node/component.js';
import type { App } from '../platform/http-server.js';
import { destinationOf } from '../platform/logger.js';
import { ThreadChannel } from '../platform/thread-channel.js';
import { ThreadMetrics } from '../platform/thread-metrics.js';
import { ThreadSupervisor } from '../platform/thread-supervisor.js';
import { startWorker } from '../platform/worker-thread.js';
import type { DataPlane } from './data-plane.js';
import type { DataPlaneThreadData, FromDataPlane, ToDataPlane } from './data-plane-messages.js';
import { decodeRequestBatch } from './request-batch-codec.js';
import { publishRequestBatch } from './request-events.js';

/** How long the node waits for its gateway thread to answer a readiness check or a scrape, and to close. */
const ANSWER_MS = 2000;
const CLOSE_MS = 10_000;

interface Thread {
  worker: Worker;
  channel: ThreadChannel<ToDataPlane, FromDataPlane>;
  /** Ends the thread's subscriptions at the node's hub. */
  hub: { close(): Promise<void> };
}

async function create(context: NodeContext): Promise<Component> {
  const { config, nodeId, hub, logger, urls, ca, tls, nodeClient, readiness, metrics } = context;
  const log = logger.child({ component: 'gateway' });
  if (!nodeClient) {
    throw new Error(
      'the gateway needs a node client (services.node_client_id / node_client_secret) to pull its state',
    );
  }
  const data: DataPlaneThreadData = {
    config,
    nodeId,
    urls,
    ca,
    tls,
    nodeClient,
    log: { level: logger.level, bindings: logger.bindings() },
  };
  const destination = destinationOf(logger);
  const publishRequests = publishRequestBatch(hub);
  const threadMetrics = new ThreadMetrics(metrics);
  const gatewayUrls: Record<string, string> = {};
  let publicJwk: DataPlane['publicJwk'];
  let started: () => void = () => {};
  const firstStart = new Promise<void>((resolve) => (started = resolve));

  /** Starts a thread and its data plane; rejects (with the thread stopped) if the data plane cannot start. */
  const launch = async (): Promise<Thread> => {
    const worker = startWorker(import.meta.url, 'data-plane-thread', data);
    const channel = new ThreadChannel<ToDataPlane, FromDataPlane>(worker, (err, kind) =>
      log.error({ err, kind }, 'a message from the gateway thread was not handled'),
    );
    channel.on('log', (line) => void destination.write(line));
    channel.on('requests', (batch) => publishRequests(decodeRequestBatch(batch)));
    const thread: Thread = { worker, channel, hub: serveHub(hub, channel) };
    worker.on('error', (err) => {
      log.error({ err }, 'the gateway thread failed');
      // A start still waiting fails with the reason, not only with the exit that follows.
      channel.close(err);
    });
    worker.once('exit', (code) => {
      channel.close(new Error(`the gateway thread stopped (exit code ${code})`));
      void thread.hub
        .close()
        .catch((err: unknown) => log.warn({ err }, 'cannot end the thread subscriptions'));
    });
    try {
      const answer = await channel.call('start', undefined);
      Object.assign(gatewayUrls, answer.urls);
      publicJwk = answer.publicJwk;
      threadMetrics.serve(answer.series, () => channel.call('metrics', undefined, ANSWER_MS));
      return thread;
    } catch (err) {
      await worker.terminate();
      throw err;
    }
  };
  const stop = async (thread: Thread) => {
    await thread.channel
      .call('close', undefined, CLOSE_MS)
      .catch((err: unknown) => log.error({ err }, 'the gateway thread did not close cleanly'));
    await thread.worker.terminate();
    await thread.hub.close();
  };
  const supervisor = new ThreadSupervisor(launch, stop, log);

  readiness.add(
    'gatewayState',
    () => supervisor.current?.channel.call('ready', undefined, ANSWER_MS) ?? false,
  );

  return {
    name: 'gateway',
    register(app: App) {
      // The public key of backend JWTs, for backends to verify them (an empty set while they are off).
      app.get('/gateway/jwks', async (_request, reply) => {
        await firstStart;
        return reply
          .header('cache-control', 'public, max-age=300')
          .send({ keys: publicJwk ? [publicJwk] : [] });
      });
    },
    async start() {
      await supervisor.start();
      started();
    },
    describe: () => [
      `gateway     ${gatewayUrls.https ?? ''}  ${gatewayUrls.http ?? ''} (environment ${config.gateway.environment}; metrics ${urls.http}/metrics)`,
    ],
    urls: gatewayUrls,
    close: () => supervisor.close(),
  };
}

export const gatewayComponent: ComponentDefinition = { needsDatabase: false, create };
