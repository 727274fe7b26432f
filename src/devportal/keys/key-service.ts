/**
 * An application's keys: one OAuth2 client at the Key Manager per key type (PRODUCTION, SANDBOX), made over
 * HTTP as the seed's Developer Portal does. The portal keeps only the mapping (application, key type,
 * consumer key); the secret is shown once and kept by the Key Manager as a hash. New mappings are announced
 * (APPLICATION_REGISTRATION_CREATE) so gateways learn which application a token's client belongs to.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventHub } from '../../events/hub.js';
import { keyMappingEvent } from '../../events/application-events.js';
import { notify } from '../../events/notify.js';
import type { ManagedClient } from '../../key-manager/routes/clients-schemas.js';
import { BadRequest, Conflict, NotFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { Tables } from '../../store/tables.js';
import { isUniqueViolation } from '../../store/constraint-violations.js';
import type { Application } from '../applications/application-schemas.js';
import { beingDeleted, DELETE_PENDING } from '../applications/application-service.js';
import type { KeyManagerApplications } from './key-manager-applications.js';
import {
  RESIDENT_KEY_MANAGER,
  type ApplicationKey,
  type ApplicationToken,
  type KeyGenerateRequest,
  type KeyType,
  type KeyUpdateRequest,
  type RevokeTokenRequest,
  type TokenRequest,
} from './key-schemas.js';

type KeyRow = Tables['application_keys'];

const TOKEN_FORMAT = { JWT: 'JWT', OAUTH: 'OPAQUE' } as const;

function toKey(row: KeyRow, client: ManagedClient, token?: ApplicationToken): ApplicationKey {
  return {
    keyMappingId: row.id,
    keyManager: RESIDENT_KEY_MANAGER,
    consumerKey: row.consumer_key,
    ...(client.clientSecret ? { consumerSecret: client.clientSecret } : {}),
    supportedGrantTypes: client.grantTypes,
    ...(client.callbackUrl ? { callbackUrl: client.callbackUrl } : {}),
    keyState: 'COMPLETED',
    keyType: row.key_type as KeyType,
    mode: 'CREATED',
    ...(token ? { token } : {}),
    additionalProperties: {},
  };
}

/** `validityTime` in seconds; absent, -1 or 0: the Key Manager's default. */
function validity(value: KeyGenerateRequest['validityTime']): number | undefined {
  const seconds = Number(value ?? -1);
  return seconds > 0 ? seconds : undefined;
}

export class KeyService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly keyManager: KeyManagerApplications,
    private readonly hub: EventHub,
    private readonly logger: Logger,
  ) {}

  async generate(app: Application, request: KeyGenerateRequest): Promise<ApplicationKey> {
    const applicationId = app.applicationId as string;
    if (app.status === DELETE_PENDING) throw beingDeleted(app.name);
    if (request.grantTypesToBeSupported.length === 0) {
      throw new BadRequest('grantTypesToBeSupported must name at least one grant type.');
    }
    if (await this.#rowOfType(applicationId, request.keyType)) {
      throw new Conflict(`The application already has ${request.keyType} keys.`);
    }
    const accessTokenValidity = validity(request.validityTime);
    const client = await this.keyManager.create({
      clientName: `${app.owner}_${app.name}_${request.keyType}`,
      owner: app.owner as string,
      grantTypes: request.grantTypesToBeSupported,
      ...(request.callbackUrl ? { callbackUrl: request.callbackUrl } : {}),
      tokenType: TOKEN_FORMAT[app.tokenType ?? 'JWT'],
      ...(accessTokenValidity ? { accessTokenValidity } : {}),
    });
    const row: KeyRow = {
      id: randomUUID(),
      application_id: applicationId,
      key_type: request.keyType,
      consumer_key: client.clientId,
      created_at: Date.now(),
    };
    try {
      await this.db.insertInto('application_keys').values(row).execute();
    } catch (err) {
      // Two requests raced: the other one's keys stand, this client goes.
      await this.keyManager.delete(client.clientId);
      throw isUniqueViolation(err)
        ? new Conflict(`The application already has ${request.keyType} keys.`)
        : err;
    }
    notify(this.hub, this.logger, 'APPLICATION_REGISTRATION_CREATE', keyMappingEvent(row));
    // As WSO2 does, a client that may use client_credentials comes with a first token. The keys exist
    // whatever happens to it: failing now would lose the secret, shown only in this answer.
    const token = client.grantTypes.includes('client_credentials')
      ? await this.keyManager
          .clientCredentialsToken(
            { clientId: client.clientId, clientSecret: client.clientSecret as string },
            request.scopes ?? [],
          )
          .catch((err: unknown) => {
            this.logger.warn({ err, applicationId }, 'keys made, but their first token was refused');
            return undefined;
          })
      : undefined;
    return toKey(row, client, token);
  }

  async list(applicationId: string): Promise<ApplicationKey[]> {
    const rows = await this.db
      .selectFrom('application_keys')
      .selectAll()
      .where('application_id', '=', applicationId)
      .orderBy('key_type')
      .execute();
    return Promise.all(rows.map(async (row) => toKey(row, await this.keyManager.get(row.consumer_key))));
  }

  async get(applicationId: string, keyMappingId: string): Promise<ApplicationKey> {
    const row = await this.#row(applicationId, keyMappingId);
    return toKey(row, await this.keyManager.get(row.consumer_key));
  }

  async update(app: Application, keyMappingId: string, request: KeyUpdateRequest): Promise<ApplicationKey> {
    const row = await this.#row(app.applicationId as string, keyMappingId);
    if (request.supportedGrantTypes.length === 0) {
      throw new BadRequest('supportedGrantTypes must name at least one grant type.');
    }
    const current = await this.keyManager.get(row.consumer_key);
    const client = await this.keyManager.update(row.consumer_key, {
      grantTypes: request.supportedGrantTypes,
      ...(request.callbackUrl ? { callbackUrl: request.callbackUrl } : {}),
      tokenType: current.tokenType,
      accessTokenValidity: current.accessTokenValidity,
    });
    return toKey(row, client);
  }

  async regenerateSecret(applicationId: string, keyMappingId: string) {
    const row = await this.#row(applicationId, keyMappingId);
    const client = await this.keyManager.regenerateSecret(row.consumer_key);
    return { consumerKey: client.clientId, consumerSecret: client.clientSecret as string };
  }

  async generateToken(
    applicationId: string,
    keyMappingId: string,
    request: TokenRequest,
  ): Promise<ApplicationToken> {
    const row = await this.#row(applicationId, keyMappingId);
    const credentials = { clientId: row.consumer_key, clientSecret: request.consumerSecret };
    if (request.revokeToken) await this.keyManager.revoke(credentials, request.revokeToken);
    // WSO2 sends -1 or 0 for "the keys' default"; a positive period can only shorten it.
    const validity =
      request.validityPeriod && request.validityPeriod > 0 ? request.validityPeriod : undefined;
    return this.keyManager.clientCredentialsToken(credentials, request.scopes ?? [], validity);
  }

  /** Revokes one token of the keys; a token that is unknown or already revoked is fine (RFC 7009 §2.2). */
  async revokeToken(applicationId: string, keyMappingId: string, request: RevokeTokenRequest): Promise<void> {
    const row = await this.#row(applicationId, keyMappingId);
    await this.keyManager.revoke(
      { clientId: row.consumer_key, clientSecret: request.consumerSecret },
      request.token,
    );
  }

  /** Removes one key mapping and its client (whose tokens the Key Manager revokes). */
  async remove(applicationId: string, keyMappingId: string): Promise<void> {
    const row = await this.#row(applicationId, keyMappingId);
    await this.keyManager.delete(row.consumer_key);
    await this.db.deleteFrom('application_keys').where('id', '=', row.id).execute();
    this.#announceRemoval(row);
  }

  /** Removes every client of an application, before the application itself goes. */
  async removeAll(applicationId: string): Promise<void> {
    const rows = await this.db
      .selectFrom('application_keys')
      .selectAll()
      .where('application_id', '=', applicationId)
      .execute();
    for (const row of rows) {
      await this.keyManager.delete(row.consumer_key);
      await this.db.deleteFrom('application_keys').where('id', '=', row.id).execute();
      this.#announceRemoval(row);
    }
  }

  /** Brings the clients' token format in step with the application's token type. */
  async syncTokenType(app: Application): Promise<void> {
    const tokenType = TOKEN_FORMAT[app.tokenType ?? 'JWT'];
    const rows = await this.db
      .selectFrom('application_keys')
      .select('consumer_key')
      .where('application_id', '=', app.applicationId as string)
      .execute();
    for (const { consumer_key: clientId } of rows) {
      const client = await this.keyManager.get(clientId);
      if (client.tokenType === tokenType) continue;
      await this.keyManager.update(clientId, {
        grantTypes: client.grantTypes,
        ...(client.callbackUrl ? { callbackUrl: client.callbackUrl } : {}),
        tokenType,
        accessTokenValidity: client.accessTokenValidity,
      });
    }
  }

  #announceRemoval(row: KeyRow): void {
    notify(this.hub, this.logger, 'REMOVE_APPLICATION_KEYMAPPING', keyMappingEvent(row));
  }

  async #rowOfType(applicationId: string, keyType: KeyType): Promise<KeyRow | undefined> {
    return this.db
      .selectFrom('application_keys')
      .selectAll()
      .where('application_id', '=', applicationId)
      .where('key_type', '=', keyType)
      .executeTakeFirst();
  }

  async #row(applicationId: string, keyMappingId: string): Promise<KeyRow> {
    const row = await this.db
      .selectFrom('application_keys')
      .selectAll()
      .where('application_id', '=', applicationId)
      .where('id', '=', keyMappingId)
      .executeTakeFirst();
    if (!row) throw new NotFound(`The application has no key mapping ${keyMappingId}.`);
    return row;
  }
}
