/**
 * The Developer Portal's calls to the Key Manager for application keys: its clients API (with this node's
 * client token), and its token and revocation endpoints (with the application's own credentials).
 * A Key Manager that refuses a request says why, and that reason reaches the caller as a 400; one that
 * cannot be reached or fails is a 503.
 */
import type { KeyManagerClient } from '../../platform/auth/key-manager-client.js';
import {
  basicAuthorization,
  type NodeCredentials,
  NodeTokens,
} from '../../platform/auth/node-credentials.js';
import { BadRequest, NotFound, ServiceUnavailable } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import {
  CLIENTS_PATH,
  type ManagedClient,
  type ManagedClientSettings,
  type NewManagedClient,
} from '../../key-manager/routes/clients-schemas.js';
import type { ApplicationToken } from './key-schemas.js';

const UNREACHABLE = 'The Key Manager cannot be reached; try again shortly.';

export class KeyManagerApplications {
  readonly #tokens: NodeTokens | undefined;

  constructor(
    private readonly keyManager: KeyManagerClient,
    nodeClient: NodeCredentials | undefined,
    private readonly logger: Logger,
    /** Where tokens are revoked (the seed's RevokeAPIURL, a gateway's /revoke); undefined: the Key Manager. */
    private readonly revokeUrl?: string,
  ) {
    this.#tokens = nodeClient ? new NodeTokens(keyManager, nodeClient) : undefined;
  }

  create(client: NewManagedClient): Promise<ManagedClient> {
    return this.#call('POST', CLIENTS_PATH, client) as Promise<ManagedClient>;
  }

  get(clientId: string): Promise<ManagedClient> {
    return this.#call('GET', `${CLIENTS_PATH}/${encodeURIComponent(clientId)}`) as Promise<ManagedClient>;
  }

  update(clientId: string, settings: ManagedClientSettings): Promise<ManagedClient> {
    return this.#call(
      'PUT',
      `${CLIENTS_PATH}/${encodeURIComponent(clientId)}`,
      settings,
    ) as Promise<ManagedClient>;
  }

  regenerateSecret(clientId: string): Promise<ManagedClient> {
    const path = `${CLIENTS_PATH}/${encodeURIComponent(clientId)}/regenerate-secret`;
    return this.#call('POST', path) as Promise<ManagedClient>;
  }

  /** Removes the client and revokes its tokens; one already gone is fine. */
  async delete(clientId: string): Promise<void> {
    try {
      await this.#call('DELETE', `${CLIENTS_PATH}/${encodeURIComponent(clientId)}`);
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
    }
  }

  /** A client_credentials token for the application, with its own id and secret. */
  async clientCredentialsToken(
    credentials: NodeCredentials,
    scopes: string[],
    validitySeconds?: number,
  ): Promise<ApplicationToken> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    if (validitySeconds) form.set('validity_period', String(validitySeconds));
    const { status, body } = await this.#oauth('token_endpoint', credentials, form);
    const answer = body as { access_token?: string; scope?: string; expires_in?: number; error?: string };
    if (status === 401 || answer.error === 'invalid_client') {
      throw new BadRequest('consumerSecret: the consumer key and secret do not match.');
    }
    if (status !== 200 || !answer.access_token) {
      throw new BadRequest(`The Key Manager refused the token: ${answer.error ?? `status ${status}`}.`);
    }
    return {
      accessToken: answer.access_token,
      tokenScopes: answer.scope ? answer.scope.split(' ') : [],
      validityTime: answer.expires_in ?? 0,
    };
  }

  /** RFC 7009 revocation of one of the application's tokens. */
  async revoke(credentials: NodeCredentials, token: string): Promise<void> {
    const { status, body } = await this.#oauth(
      'revocation_endpoint',
      credentials,
      new URLSearchParams({ token }),
    );
    if (status === 401 || (body as { error?: string }).error === 'invalid_client') {
      throw new BadRequest('consumerSecret: the consumer key and secret do not match.');
    }
    if (status !== 200) throw new BadRequest('revokeToken: the Key Manager did not revoke the token.');
  }

  async #oauth(
    endpoint: 'token_endpoint' | 'revocation_endpoint',
    credentials: NodeCredentials,
    form: URLSearchParams,
  ) {
    try {
      const target =
        endpoint === 'revocation_endpoint' && this.revokeUrl
          ? this.revokeUrl
          : (await this.keyManager.metadata())[endpoint];
      const response = await this.keyManager.fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicAuthorization(credentials),
        },
        body: form.toString(),
      });
      if (response.status >= 500) throw new Error(`the Key Manager answered ${response.status}`);
      return { status: response.status, body: await response.json().catch(() => ({})) };
    } catch (err) {
      const viaRevokeUrl = endpoint === 'revocation_endpoint' && this.revokeUrl;
      this.logger.error(
        { err, url: viaRevokeUrl ? this.revokeUrl : undefined },
        viaRevokeUrl
          ? 'the revoke URL (services.revoke_url) failed'
          : 'the Key Manager failed a token request',
      );
      throw new ServiceUnavailable(
        viaRevokeUrl
          ? 'The revocation service (services.revoke_url) cannot be reached; try again shortly.'
          : UNREACHABLE,
      );
    }
  }

  async #call(method: string, path: string, body?: unknown, retried = false): Promise<unknown> {
    if (!this.#tokens) {
      throw new ServiceUnavailable(
        'This node has no client of its own at the Key Manager (services.node_client_id): keys cannot be managed.',
      );
    }
    let response: Awaited<ReturnType<KeyManagerClient['fetch']>>;
    try {
      const token = await this.#tokens.token();
      response = await this.keyManager.fetch(`${this.keyManager.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      this.logger.error({ err, method, path }, 'cannot reach the Key Manager');
      throw new ServiceUnavailable(UNREACHABLE);
    }
    // A node token revoked since it was fetched (its owner changed): fetch a new one, once.
    if (response.status === 401 && !retried) {
      this.#tokens.reset();
      return this.#call(method, path, body, true);
    }
    if (response.status === 204) return undefined;
    const answer = (await response.json().catch(() => ({}))) as { description?: string; message?: string };
    if (response.ok) return answer;
    if (response.status === 404)
      throw new NotFound(answer.description ?? 'The Key Manager has no such client.');
    if (response.status === 400)
      throw new BadRequest(answer.description ?? 'The Key Manager refused the request.');
    this.logger.error({ status: response.status, method, path, answer }, 'the Key Manager refused a request');
    throw new ServiceUnavailable(UNREACHABLE);
  }
}
