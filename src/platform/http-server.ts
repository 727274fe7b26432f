/**
 * The management HTTP platform: one Fastify application served on HTTPS (9443) and HTTP (9763).
 * Both listeners share the same routes; closing stops accepting, drains in-flight requests, then closes.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { AjvCompiler } from '@fastify/ajv-compiler';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from './logger.js';
import { registerErrorHandlers } from './http-errors.js';

export type App = FastifyInstance<
  http.Server,
  http.IncomingMessage,
  http.ServerResponse,
  Logger,
  TypeBoxTypeProvider
>;

export interface HttpOptions {
  host: string;
  httpsPort: number;
  httpPort: number;
  /** The configuration section of the ports, named when one is taken (default `http`: http.https_port…). */
  portSection?: string;
  bodyLimit: number;
  tls: { cert: string; key: string };
  logger: Logger;
  /**
   * Milliseconds a client has to send its request headers (a slow-loris defence; default 66 s, above the
   * keep-alive timeout as Node requires).
   */
  headersTimeout?: number;
}

export interface Listener {
  protocol: 'http' | 'https';
  port: number;
}

const compilers = AjvCompiler();
const coercingText = compilers({}, { customOptions: {} });
const exactBodies = compilers({}, { customOptions: { coerceTypes: false, removeAdditional: false } });

export function createApp(
  options: Pick<HttpOptions, 'bodyLimit' | 'logger'> & { trustProxy?: string[] },
): App {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit,
    return503OnClosing: true,
    requestIdHeader: 'x-request-id',
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? options.trustProxy : false,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setReplySerializer((payload) => JSON.stringify(payload));
  // Paths and query strings are text, so their numbers and booleans are coerced; a JSON body says what it
  // means: a number where a string belongs is a 400, not silently "5", and so is a field a closed schema
  // does not know (rather than being dropped without a word).
  app.setValidatorCompiler((route) => (route.httpPart === 'body' ? exactBodies : coercingText)(route));
  registerErrorHandlers(app);
  return app;
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Answers while the node is still starting (ports are bound before routes exist, so URLs are known). */
const starting: Handler = (_req, res) => {
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
  res.end(
    JSON.stringify({ code: 503, message: 'Service Unavailable', description: 'The node is starting.' }),
  );
};

/**
 * The listeners. `bind()` takes the ports first, so that the node's URLs are known when its components are
 * built; `serve(app)` then routes requests to the app. Port 0 means any free port.
 */
export class HttpServers {
  readonly #servers: { protocol: 'http' | 'https'; server: http.Server }[] = [];
  readonly listeners: Listener[] = [];
  #handler: Handler = starting;
  #app: App | undefined;

  constructor(private readonly options: Omit<HttpOptions, 'logger' | 'bodyLimit'>) {}

  async bind(): Promise<void> {
    const handler: Handler = (req, res) => this.#handler(req, res);
    const wanted: { protocol: 'http' | 'https'; port: number; make: () => http.Server }[] = [
      {
        protocol: 'https',
        port: this.options.httpsPort,
        make: () => https.createServer({ cert: this.options.tls.cert, key: this.options.tls.key }, handler),
      },
      { protocol: 'http', port: this.options.httpPort, make: () => http.createServer(handler) },
    ];
    for (const { protocol, port, make } of wanted) {
      const server = make();
      server.headersTimeout = this.options.headersTimeout ?? 66_000;
      server.keepAliveTimeout = Math.min(65_000, server.headersTimeout - 1000);
      server.requestTimeout = 60_000;
      const bound = await listen(server, this.options.host, port).catch((err: NodeJS.ErrnoException) => {
        throw new Error(
          err.code === 'EADDRINUSE'
            ? `port ${port} (${protocol}) is already in use: stop the other process or set ${this.options.portSection ?? 'http'}.${protocol}_port`
            : `cannot listen on ${this.options.host}:${port} (${protocol}): ${err.message}`,
        );
      });
      this.#servers.push({ protocol, server });
      this.listeners.push({ protocol, port: bound });
    }
  }

  /** The base URL of a listener, e.g. https://localhost:9443. */
  url(protocol: 'http' | 'https', hostname: string): string | undefined {
    const listener = this.listeners.find((l) => l.protocol === protocol);
    return listener ? `${protocol}://${hostname}:${listener.port}` : undefined;
  }

  async serve(app: App): Promise<void> {
    await app.ready();
    this.#app = app;
    this.#handler = (req, res) => app.routing(req, res);
  }

  /** Routes requests to a plain handler (the gateway's, which needs no framework on its hot path). */
  handle(handler: Handler): void {
    this.#handler = handler;
  }

  /**
   * Stops accepting, lets in-flight requests finish, and closes each keep-alive connection as soon as it is
   * idle (a connection that carried an in-flight request becomes idle only once its response is sent).
   */
  async close(): Promise<void> {
    const closing = this.#servers.map(
      ({ server }) =>
        new Promise<void>((resolve) => {
          const sweep = setInterval(() => server.closeIdleConnections(), 50);
          server.close(() => {
            clearInterval(sweep);
            resolve();
          });
          server.closeIdleConnections();
        }),
    );
    await this.#app?.close();
    await Promise.all(closing);
  }
}
