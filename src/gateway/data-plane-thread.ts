/**
 * The gateway's data-plane thread (started by component.ts): runs the data plane with the node's settings, its
 * event hub reached through the node's thread, its own metrics registry, and log lines sent to the node's.
 *
 * Why a thread of its own: the request path is a few hot functions of Node's sockets, streams and node:http.
 * Sharing a JavaScript heap with the management API, the database and broker clients, those functions see
 * many object shapes and V8 makes their property accesses megamorphic; in a thread of its own they see the
 * request path's shapes only (a minimal proxy used 1.21–1.27× the CPU per request of its own process on a
 * node's main thread, 1.04× in a worker thread of it: see docs/gateway.md, Performance).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Registry } from 'prom-client';
import { ThreadHub } from '../events/thread-hub.js';
import { threadLogger } from '../platform/logger.js';
import { keepNextTickFast } from '../platform/next-tick-shape.js';
import { ThreadChannel } from '../platform/thread-channel.js';
import { createDataPlane, type DataPlane } from './data-plane.js';
import type { DataPlaneThreadData, FromDataPlane, ToDataPlane } from './data-plane-messages.js';
import { encodeRequestBatch } from './request-batch-codec.js';

if (!parentPort) throw new Error('data-plane-thread runs in a worker thread');
const data = workerData as DataPlaneThreadData;
const channel: ThreadChannel<FromDataPlane, ToDataPlane> = new ThreadChannel(parentPort, (err, kind) =>
  logger.error({ err, kind }, 'a message from the node was not handled'),
);
const logger = threadLogger(data.log.level, data.log.bindings, (line) => channel.send('log', line));
const hub = new ThreadHub(channel);
const registry = new Registry();
let plane: DataPlane | undefined;

channel.on('start', async () => {
  void keepNextTickFast();
  plane = await createDataPlane({
    ...data,
    hub,
    logger,
    metrics: registry,
    publishRequests: (events) => channel.call('requests', encodeRequestBatch(events)),
  });
  await plane.start();
  return { urls: plane.urls, publicJwk: plane.publicJwk, series: await registry.getMetricsAsJSON() };
});
channel.on('ready', () => plane?.ready() ?? false);
channel.on('metrics', () => registry.getMetricsAsJSON());
channel.on('close', async () => {
  await plane?.close();
  await hub.close();
});
