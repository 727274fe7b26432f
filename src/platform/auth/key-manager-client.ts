/**
 * How a component other than the Key Manager reaches it (the seed's AuthManager ServerURL): over HTTPS,
 * verifying the Key Manager's certificate against the cluster CA. Reads its RFC 8414 metadata once.
 */
import { Agent, fetch as undiciFetch } from 'undici';

export interface AuthorizationServerMetadata {
  issuer: string;
  jwks_uri: string;
  token_endpoint: string;
  revocation_endpoint: string;
  introspection_endpoint: string;
}

export type Fetch = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;

export class KeyManagerClient {
  readonly fetch: Fetch;
  readonly #dispatcher: Agent;
  #metadata: Promise<AuthorizationServerMetadata> | undefined;

  constructor(
    /** Base URL, e.g. https://km.example.com:9443. */
    readonly baseUrl: string,
    /** PEM of the CA that signed the Key Manager's certificate. */
    ca: string,
  ) {
    // A Key Manager that stalls must not hold requests forever: they fail (503) after ten seconds.
    this.#dispatcher = new Agent({
      connect: { ca, timeout: 10_000 },
      connections: 16,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    this.fetch = (url, init) => undiciFetch(url, { ...init, dispatcher: this.#dispatcher });
  }

  /** The metadata, fetched on first use; a failed fetch is retried on the next call. */
  metadata(): Promise<AuthorizationServerMetadata> {
    this.#metadata ??= (async () => {
      const url = `${this.baseUrl}/.well-known/oauth-authorization-server`;
      const response = await this.fetch(url);
      if (!response.ok) throw new Error(`the Key Manager answered ${response.status} for ${url}`);
      return (await response.json()) as AuthorizationServerMetadata;
    })().catch((err: unknown) => {
      this.#metadata = undefined;
      throw err;
    });
    return this.#metadata;
  }

  close(): Promise<void> {
    return this.#dispatcher.close();
  }
}
