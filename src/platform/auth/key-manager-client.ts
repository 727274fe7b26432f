/**
 * How a component other than the Key Manager reaches it (the seed's AuthManager ServerURL): over HTTPS,
 * verifying the Key Manager's certificate against the cluster CA. Reads its RFC 8414 metadata once.
 */
import { clusterFetch, type ClusterFetch, type Fetch } from '../cluster-fetch.js';

export interface AuthorizationServerMetadata {
  issuer: string;
  jwks_uri: string;
  token_endpoint: string;
  revocation_endpoint: string;
  introspection_endpoint: string;
}

export class KeyManagerClient {
  readonly fetch: Fetch;
  readonly #http: ClusterFetch;
  #metadata: Promise<AuthorizationServerMetadata> | undefined;

  constructor(
    /** Base URL, e.g. https://km.example.com:9443. */
    readonly baseUrl: string,
    /** PEM of the CA that signed the Key Manager's certificate. */
    ca: string,
  ) {
    this.#http = clusterFetch(ca);
    this.fetch = this.#http.fetch;
  }

  /** The metadata, fetched on first use; a failed fetch is retried on the next call. */
  metadata(): Promise<AuthorizationServerMetadata> {
    this.#metadata ??= (async () => {
      const url = `${this.baseUrl}/.well-known/oauth-authorization-server`;
      const response = await this.fetch(url);
      if (!response.ok) throw new Error(`the Key Manager answered ${response.status} for ${url}`);
      const metadata = (await response.json()) as AuthorizationServerMetadata;
      // The metadata names the endpoints as clients outside see them (the issuer's host, often a load
      // balancer's public name); a node calls them where it reaches the Key Manager.
      const here = (endpoint: string) => {
        const { pathname, search } = new URL(endpoint);
        return `${this.baseUrl}${pathname}${search}`;
      };
      return {
        ...metadata,
        jwks_uri: here(metadata.jwks_uri),
        introspection_endpoint: here(metadata.introspection_endpoint),
        token_endpoint: here(metadata.token_endpoint),
        revocation_endpoint: here(metadata.revocation_endpoint),
      };
    })().catch((err: unknown) => {
      this.#metadata = undefined;
      throw err;
    });
    return this.#metadata;
  }

  close(): Promise<void> {
    return this.#http.close();
  }
}
