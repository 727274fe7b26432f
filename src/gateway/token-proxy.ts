/**
 * `/token` and `/revoke` on the gateway (WSO2's gateway endpoints, the seed's RevokeAPIURL): forwarded to
 * the Key Manager's token and revocation endpoints as they came (credentials included), their answers
 * returned as they are. A successful `/revoke` also drops the token from this gateway's caches at once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyManagerClient } from '../platform/auth/key-manager-client.js';
import type { Logger } from '../platform/logger.js';
import { errors, GatewayError, sendError } from './gateway-errors.js';

/** OAuth requests are a few form fields. */
const MAX_BODY = 64 * 1024;
const FORWARDED_HEADERS = ['authorization', 'content-type', 'accept'];

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new GatewayError(413, 413, 'Payload Too Large', 'OAuth requests are limited to 64 KiB.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export class TokenProxy {
  constructor(
    private readonly keyManager: KeyManagerClient,
    private readonly forget: (token: string) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** True when the request was one of ours (and is being answered). */
  handles(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '';
    // Every API call passes here: most are told apart by their first characters, without building anything.
    if (!url.startsWith('/token') && !url.startsWith('/revoke')) return false;
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (path !== '/token' && path !== '/revoke') return false;
    if (req.method !== 'POST') {
      req.resume();
      sendError(res, new GatewayError(405, 405, 'Method Not Allowed', `${path} takes POST.`), {
        allow: 'POST',
      });
      return true;
    }
    void this.#forward(path === '/token' ? 'token_endpoint' : 'revocation_endpoint', req, res).catch(
      (err: unknown) => {
        if (!(err instanceof GatewayError))
          this.logger.error({ err }, 'could not forward to the Key Manager');
        sendError(res, err instanceof GatewayError ? err : errors.keyManagerUnreachable());
      },
    );
    return true;
  }

  async #forward(
    endpoint: 'token_endpoint' | 'revocation_endpoint',
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const body = await readBody(req);
    const target = (await this.keyManager.metadata())[endpoint];
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    // The node's connection to the Key Manager: CA-verified, and failing after ten seconds of silence.
    const answer = await this.keyManager.fetch(target, { method: 'POST', headers, body });
    const text = await answer.text();
    if (endpoint === 'revocation_endpoint' && answer.status === 200) {
      const token = new URLSearchParams(body.toString('utf8')).get('token');
      if (token) await this.forget(token);
    }
    const passed: Record<string, string> = {};
    for (const name of ['content-type', 'cache-control', 'pragma', 'www-authenticate']) {
      const value = answer.headers.get(name);
      if (value !== null) passed[name] = value;
    }
    res.writeHead(answer.status, { ...passed, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}
