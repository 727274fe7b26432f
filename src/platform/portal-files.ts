/**
 * Serves a built web portal (ui/dist/<name>, made by `npm run build:ui`) under /<name>/: its files, its
 * runtime settings at /<name>/config.json, and index.html for every other path so the portal's own router
 * takes over (deep links, reloads). Hashed assets are cached for a year; index.html and config.json never.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFound, ServiceUnavailable } from './errors.js';
import type { App } from './http-server.js';

/** The portals' public OAuth2 client at the Key Manager (authorization code with PKCE). */
export const PORTAL_CLIENT_ID = 'portcullis-portals';

export const PORTALS_DIR = fileURLToPath(new URL('../../ui/dist', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** What a portal reads at start from /<portal>/config.json (the UI imports this type). */
export interface PortalSettings {
  keyManagerUrl: string;
  clientId: string;
  /** The Developer Portal's URL, shown in the Publisher as WSO2 shows its APIStore URL. */
  devportalUrl?: string;
}

export interface PortalOptions {
  /** `publisher`, `devportal` or `admin`: the path prefix and the folder under ui/dist. */
  name: string;
  /** What the portal reads at start: where the Key Manager is, its OAuth client, … */
  settings: () => PortalSettings;
  /** Origins the portal calls besides its own (the Key Manager, gateways): its Content-Security-Policy. */
  connectTo: () => string[];
  /** This node's HTTPS base URL: a portal asked for over plain HTTP is sent there. */
  httpsUrl: string;
  /** Where ui/dist is; tests point it elsewhere. */
  dir?: string;
}

function securityHeaders(reply: FastifyReply, connectTo: string[]): FastifyReply {
  const connect = ["'self'", ...connectTo].join(' ');
  return reply.headers({
    'content-security-policy':
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; ` +
      `font-src 'self' data:; connect-src ${connect}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  });
}

/** A path inside root, or undefined when the request tries to leave it. */
function inside(root: string, relative: string): string | undefined {
  const resolved = path.resolve(root, `.${path.posix.normalize(`/${relative}`)}`);
  return resolved.startsWith(root + path.sep) ? resolved : undefined;
}

async function fileOrUndefined(file: string | undefined): Promise<Buffer | undefined> {
  if (!file) return undefined;
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? readFile(file) : undefined;
}

/** The build's brotli or gzip copy of an asset when the browser takes it, else the file itself. */
async function assetFor(
  file: string | undefined,
  acceptEncoding: string | undefined,
): Promise<{ body: Buffer | undefined; encoding?: 'br' | 'gzip' }> {
  if (!file) return { body: undefined };
  const accepted = (acceptEncoding ?? '')
    .split(',')
    .filter((entry) => !/;\s*q=0(\.0*)?\s*$/.test(entry))
    .map((entry) => entry.trim().split(';')[0]);
  for (const [encoding, suffix] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ] as const) {
    if (!accepted.includes(encoding)) continue;
    const body = await fileOrUndefined(file + suffix);
    if (body) return { body, encoding };
  }
  return { body: await fileOrUndefined(file) };
}

function requireHttpsOrRedirect(httpsUrl: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.protocol === 'http') return reply.redirect(`${httpsUrl}${request.url}`, 308);
  };
}

export function registerPortal(app: App, options: PortalOptions): void {
  const root = path.join(options.dir ?? PORTALS_DIR, options.name);
  const prefix = `/${options.name}`;

  const sendIndex = async (reply: FastifyReply) => {
    const index = await fileOrUndefined(path.join(root, 'index.html'));
    if (!index)
      throw new ServiceUnavailable(
        `The ${options.name} portal is not built on this node; run \`npm run build:ui\` and restart.`,
      );
    return securityHeaders(reply, options.connectTo())
      .header('content-type', CONTENT_TYPES['.html'])
      .header('cache-control', 'no-store')
      .send(index);
  };

  // Sign-in needs HTTPS (the Key Manager takes credentials only there, and PKCE needs a secure context).
  const onHttps = { onRequest: requireHttpsOrRedirect(options.httpsUrl) };
  app.get(prefix, onHttps, (_request, reply) => reply.redirect(`${prefix}/`, 301));
  app.get(`${prefix}/config.json`, onHttps, (_request, reply) =>
    reply.header('cache-control', 'no-store').send(options.settings()),
  );
  app.get<{ Params: { '*': string } }>(`${prefix}/*`, onHttps, async (request, reply) => {
    const wanted = request.params['*'];
    if (wanted.startsWith('assets/')) {
      const file = inside(root, wanted);
      const { body, encoding } = await assetFor(file, request.headers['accept-encoding']);
      if (!body) throw new NotFound(`No portal file ${prefix}/${wanted}.`);
      const type = CONTENT_TYPES[path.extname(wanted)] ?? 'application/octet-stream';
      if (encoding) reply.header('content-encoding', encoding);
      return reply
        .header('content-type', type)
        .header('vary', 'Accept-Encoding')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(body);
    }
    return sendIndex(reply);
  });
}
