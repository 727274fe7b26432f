/** OAuth2 clients: registration, lookup and client authentication (RFC 6749 §2.3.1). */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { OAuthClientRow, Tables } from '../../store/tables.js';
import { matchesHash, randomToken, sha256 } from '../secrets.js';
import { InvalidClient, InvalidRequest } from './errors.js';

export const GRANT_TYPES = ['client_credentials', 'password', 'refresh_token', 'authorization_code'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];
export type TokenFormat = 'JWT' | 'OPAQUE';

export interface Client {
  clientId: string;
  name: string;
  owner: string;
  grantTypes: GrantType[];
  redirectUris: string[];
  tokenFormat: TokenFormat;
  /** Seconds. */
  accessTokenValidity: number;
  refreshTokenValidity: number;
  /** A public client has no secret (RFC 6749 §2.1) and must use PKCE. */
  isPublic: boolean;
  saasApp: boolean;
  createdTime: number;
}

export type NewClient = Omit<Client, 'clientId' | 'createdTime' | 'isPublic' | 'saasApp'> &
  Partial<Pick<Client, 'isPublic' | 'saasApp'>>;

/** What client authentication saw in the request: RFC 6749 §2.3.1 Basic header or form parameters. */
export interface PresentedCredentials {
  authorization: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
}

function toClient(row: OAuthClientRow): Client {
  return {
    clientId: row.client_id,
    name: row.name,
    owner: row.owner,
    grantTypes: row.grant_types.split(' ').filter(Boolean) as GrantType[],
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    tokenFormat: row.token_format as TokenFormat,
    accessTokenValidity: row.access_token_validity,
    refreshTokenValidity: row.refresh_token_validity,
    isPublic: row.secret_hash === null,
    saasApp: row.saas_app === 1,
    createdTime: row.created_at,
  };
}

/** The columns of a registration that may change after it is made. */
function settingColumns(spec: NewClient) {
  return {
    grant_types: spec.grantTypes.join(' '),
    redirect_uris: JSON.stringify(spec.redirectUris),
    token_format: spec.tokenFormat,
    access_token_validity: spec.accessTokenValidity,
    refresh_token_validity: spec.refreshTokenValidity,
    saas_app: spec.saasApp ? 1 : 0,
  };
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding. */
function decodeBasic(header: string): { id: string; secret: string } {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidClient('malformed Basic credentials');
  try {
    const unescape = (s: string) => decodeURIComponent(s.replaceAll('+', ' '));
    return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
  } catch {
    throw new InvalidClient('malformed Basic credentials');
  }
}

export class ClientService {
  constructor(private readonly db: Kysely<Tables>) {}

  /**
   * Creates a client; returns it with its secret, which is shown this once and stored only as a hash.
   * Its id is random unless given (the portals' public client has a well-known one).
   */
  async register(
    spec: NewClient,
    clientId = randomBytes(18).toString('base64url'),
  ): Promise<{ client: Client; clientSecret: string | undefined }> {
    const clientSecret = spec.isPublic ? undefined : randomToken();
    await this.db
      .insertInto('oauth_clients')
      .values({
        client_id: clientId,
        secret_hash: clientSecret ? sha256(clientSecret) : null,
        name: spec.name,
        owner: spec.owner,
        ...settingColumns(spec),
        created_at: Date.now(),
      })
      .execute();
    return { client: (await this.get(clientId)) as Client, clientSecret };
  }

  async get(clientId: string): Promise<Client | undefined> {
    const row = await this.db
      .selectFrom('oauth_clients')
      .selectAll()
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row ? toClient(row) : undefined;
  }

  async findByName(owner: string, name: string): Promise<Client | undefined> {
    const row = await this.db
      .selectFrom('oauth_clients')
      .selectAll()
      .where('owner', '=', owner)
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? toClient(row) : undefined;
  }

  /** A new secret for a confidential client; the old one stops working at once. */
  async regenerateSecret(clientId: string): Promise<string> {
    const clientSecret = randomToken();
    await this.db
      .updateTable('oauth_clients')
      .set({ secret_hash: sha256(clientSecret) })
      .where('client_id', '=', clientId)
      .execute();
    return clientSecret;
  }

  /** Brings a registration up to date; its name, owner and being public or not stay. */
  async update(clientId: string, spec: NewClient): Promise<Client> {
    await this.db
      .updateTable('oauth_clients')
      .set(settingColumns(spec))
      .where('client_id', '=', clientId)
      .execute();
    return (await this.get(clientId)) as Client;
  }

  /** Removes a registration; its tokens must be revoked first (see Revocations.revokeClient). */
  async delete(clientId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('oauth_clients')
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  /**
   * Authenticates the calling client (RFC 6749 §2.3.1). A confidential client must present its secret by
   * exactly one method; a public client presents only its client_id. Throws InvalidClient otherwise.
   */
  async authenticate(presented: PresentedCredentials): Promise<Client> {
    const basic = presented.authorization?.toLowerCase().startsWith('basic ')
      ? decodeBasic(presented.authorization)
      : undefined;
    if (basic && presented.clientSecret !== undefined) {
      throw new InvalidRequest('use one client authentication method: HTTP Basic or client_secret, not both');
    }
    if (basic && presented.clientId !== undefined && presented.clientId !== basic.id) {
      throw new InvalidRequest('client_id does not match the client of the Authorization header');
    }
    const clientId = basic?.id ?? presented.clientId;
    const secret = basic?.secret ?? presented.clientSecret;
    if (!clientId) throw new InvalidClient('no client credentials');
    const row = await this.db
      .selectFrom('oauth_clients')
      .selectAll()
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    if (!row) throw new InvalidClient(`unknown client ${clientId}`);
    if (row.secret_hash === null) {
      if (secret !== undefined && secret !== '') throw new InvalidClient('a public client has no secret');
      return toClient(row);
    }
    if (secret === undefined || !matchesHash(secret, row.secret_hash)) {
      throw new InvalidClient(`wrong or missing secret for client ${clientId}`);
    }
    return toClient(row);
  }
}
