/**
 * A TCP proxy a test controls, standing in for a server (PostgreSQL, RabbitMQ, a gateway) that is down,
 * comes up, goes away or stops answering. Its port is reserved when it is made, so a node can be configured
 * with it, but nothing listens there (connections are refused) until `open()`. `close()` stops listening and
 * destroys every connection, as a crashed server would; `open('silent')` accepts connections and never
 * answers, as a server that hangs or a dropped network would.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'forward' | 'silent';

export interface TcpProxy {
  readonly port: number;
  /** Connections accepted so far (in any mode). */
  readonly connections: number;
  /** Starts listening (or switches mode, if it already does). */
  open(mode?: ProxyMode): Promise<void>;
  /** Stops listening and destroys every connection, both sides. */
  close(): Promise<void>;
}

/** A port nothing listens on right now (the OS picked it; it stays free unless someone else takes it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A proxy to `target` on 127.0.0.1, not listening yet. */
export async function createTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let mode: ProxyMode = 'forward';
  let connections = 0;
  let listening = false;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    connections += 1;
    track(client);
    if (mode === 'silent') {
      client.on('error', () => client.destroy());
      return;
    }
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    for (const socket of [client, upstream]) {
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  return {
    port,
    get connections() {
      return connections;
    },
    async open(wanted: ProxyMode = 'forward') {
      mode = wanted;
      if (listening) return;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      listening = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      if (!listening) return;
      listening = false;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A proxy to the server `url` names (its host and port, `defaultPort` when it gives none), and `url` rewritten
 * to reach that server through the proxy (credentials, path and query kept).
 */
export async function proxyTo(url: string, defaultPort: number): Promise<{ proxy: TcpProxy; url: string }> {
  const parsed = new URL(url);
  const proxy = await createTcpProxy({ host: parsed.hostname, port: Number(parsed.port || defaultPort) });
  parsed.hostname = '127.0.0.1';
  parsed.port = String(proxy.port);
  return { proxy, url: parsed.toString() };
}
