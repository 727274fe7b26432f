/**
 * The gateway's data plane runs in a worker thread of its node: it answers while the node's main thread is
 * busy, and what it logs reaches the node's log.
 */
import { once } from 'node:events';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';

/** A client in a thread of its own: on each message, calls the URL and tells the status and when it came. */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.on('message', async () => {
  const res = await fetch(workerData.url);
  await res.text();
  parentPort.postMessage({ status: res.status, at: Date.now() });
});`;

let node: TestNode;
let gatewayHttp: string;

beforeAll(async () => {
  node = await startTestNode({ captureLogs: true });
  gatewayHttp = node.node.components.find((c) => c.name === 'gateway')?.urls?.http ?? '';
});

afterAll(async () => {
  await node?.close();
});

describe('the gateway thread', () => {
  it("answers while the node's main thread is busy", async () => {
    const client = new Worker(CLIENT, { eval: true, workerData: { url: `${gatewayHttp}/no-such-api/1.0/` } });
    try {
      const call = async () => {
        client.postMessage('call');
        const [answer] = (await once(client, 'message')) as [{ status: number; at: number }];
        return answer;
      };
      expect((await call()).status).toBe(404);
      const answered = call();
      const busyUntil = Date.now() + 1500;
      while (Date.now() < busyUntil) {
        // The main thread does nothing else meanwhile: no timer, no I/O, no message.
      }
      const { status, at } = await answered;
      expect(status).toBe(404);
      expect(at).toBeLessThan(busyUntil);
    } finally {
      await client.terminate();
    }
  });

  it("logs to the node's log, with the node's bindings", () => {
    const lines = node.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const pulled = lines.find((l) => l.msg === 'gateway state pulled from the Publisher');
    expect(pulled).toMatchObject({ component: 'gateway', pid: process.pid, level: 30 });
  });

  it('fails the start of its node, naming the setting, when its port is taken', async () => {
    const taken = net.createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as net.AddressInfo;
    try {
      await expect(startTestNode({ env: { PORTCULLIS_GATEWAY__HTTP_PORT: String(port) } })).rejects.toThrow(
        `port ${port} (http) is already in use: stop the other process or set gateway.http_port`,
      );
    } finally {
      taken.close();
    }
  });
});
