/**
 * A node's own OAuth2 client (owned by an admin): how components other than the Key Manager prove who they
 * are to it (introspection, application clients) and to the Publisher's internal data API. Tokens come from
 * the client_credentials grant with the `portcullis:node` scope and are reused until shortly before expiry.
 */
import type { KeyManagerClient } from './key-manager-client.js';

export interface NodeCredentials {
  clientId: string;
  clientSecret: string;
}

export const NODE_SCOPE = 'portcullis:node';

/** RFC 6749 §2.3.1: both parts form-urlencoded, then Basic. */
export function basicAuthorization({ clientId, clientSecret }: NodeCredentials): string {
  const encode = (s: string) => encodeURIComponent(s).replaceAll('%20', '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/** Renewed this long before a token expires, so no request goes out with one about to lapse. */
const RENEW_BEFORE_MS = 60_000;

export class NodeTokens {
  #current: { token: string; until: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(
    private readonly keyManager: KeyManagerClient,
    private readonly credentials: NodeCredentials,
  ) {}

  /** A valid access token with the node scope; concurrent callers share one request. */
  async token(now = Date.now()): Promise<string> {
    if (this.#current && this.#current.until > now) return this.#current.token;
    this.#pending ??= this.#fetch().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /** Forgets the token (after the Key Manager refused it, e.g. when it was revoked). */
  reset(): void {
    this.#current = undefined;
  }

  async #fetch(): Promise<string> {
    const metadata = await this.keyManager.metadata();
    const response = await this.keyManager.fetch(metadata.token_endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuthorization(this.credentials),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: NODE_SCOPE }).toString(),
    });
    const body = (await response.json()) as { access_token?: string; expires_in?: number; scope?: string };
    if (!response.ok || !body.access_token) {
      throw new Error(`the Key Manager refused this node's client credentials (status ${response.status})`);
    }
    if (!body.scope?.split(' ').includes(NODE_SCOPE)) {
      throw new Error(`this node's client is not owned by an admin: its tokens lack the ${NODE_SCOPE} scope`);
    }
    const lifetime = (body.expires_in ?? 0) * 1000;
    this.#current = { token: body.access_token, until: Date.now() + Math.max(0, lifetime - RENEW_BEFORE_MS) };
    return body.access_token;
  }
}
