/**
 * An application's keys: POST generate-keys makes an OAuth2 client at the Key Manager per key type (its
 * secret shown once, with a first token when client_credentials is allowed); GET oauth-keys lists them
 * without secrets; PUT changes their grant types. Unsupported grant types and authorization_code without a
 * callback are 400s. Every credential is tried for real at /oauth2/token.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { expectWso2Request } from '../support/wso2-contract.js';
import {
  expectError,
  useDevportalNode,
  type Devportal,
  type Json,
  type Subscriber,
} from './devportal-client.js';

const CALLBACK = 'https://app.example.test/callback';

/** The claims of a JWT access token. */
const claims = (token: string): Json =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());

describe('request bodies', () => {
  it('the key bodies these suites send are valid WSO2 devportal requests', () => {
    expectWso2Request('devportal', 'POST', '/applications/{applicationId}/generate-keys', {
      keyType: 'PRODUCTION',
      keyManager: 'Resident Key Manager',
      grantTypesToBeSupported: ['client_credentials', 'authorization_code'],
      callbackUrl: CALLBACK,
      scopes: ['default'],
      validityTime: '3600',
    });
    expectWso2Request('devportal', 'PUT', '/applications/{applicationId}/oauth-keys/{keyMappingId}', {
      supportedGrantTypes: ['client_credentials', 'password'],
      callbackUrl: CALLBACK,
      keyType: 'PRODUCTION',
    });
  });
});

describeEachEngine('devportal keys: generate, list, update', (engine) => {
  const ctx = useDevportalNode(engine);
  let dev: Subscriber;
  let portal: Devportal;

  beforeAll(async () => {
    dev = await ctx.newUser();
    portal = dev.portal;
  });

  describe('generate-keys', () => {
    it('PRODUCTION with client_credentials: consumer key and secret, and a first token', async () => {
      const app = await portal.createdApp();
      const reply = await portal.generateKeys(app.applicationId, {
        keyType: 'PRODUCTION',
        keyManager: 'Resident Key Manager',
        grantTypesToBeSupported: ['client_credentials'],
        validityTime: '3600',
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      const key = reply.body;
      expect(key).toEqual({
        keyMappingId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        keyManager: 'Resident Key Manager',
        consumerKey: expect.any(String),
        consumerSecret: expect.any(String),
        supportedGrantTypes: ['client_credentials'],
        keyState: 'COMPLETED',
        keyType: 'PRODUCTION',
        mode: 'CREATED',
        token: { accessToken: expect.any(String), tokenScopes: ['default'], validityTime: 3600 },
        additionalProperties: {},
      });
      // The application's token type is JWT: the token is a JWT of the new client.
      expect(claims(key.token.accessToken)).toMatchObject({
        client_id: key.consumerKey,
        sub: key.consumerKey,
      });
      expect(await ctx.isActive(key.token.accessToken)).toBe(true);

      const token = await ctx.requestToken(key.consumerKey, key.consumerSecret);
      expect(token.status, JSON.stringify(token.body)).toBe(200);
      expect(token.body).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer' });
    });

    it('an OAUTH application gets opaque tokens; validityTime sets their lifetime', async () => {
      const app = await portal.createdApp({ tokenType: 'OAUTH' });
      const key = await portal.generatedKeys(app.applicationId, { validityTime: 120 });
      expect(key.token.accessToken.split('.')).toHaveLength(1);
      expect(key.token.validityTime).toBe(120);
      expect(await ctx.isActive(key.token.accessToken)).toBe(true);
      const token = await ctx.requestToken(key.consumerKey, key.consumerSecret);
      expect(token.body.expires_in).toBe(120);
    });

    it('changing the application’s tokenType changes the format of its clients’ tokens', async () => {
      const app = await portal.createdApp();
      const key = await portal.generatedKeys(app.applicationId);
      const format = async () =>
        (await ctx.requestToken(key.consumerKey, key.consumerSecret)).body.access_token.split('.').length;
      expect(await format()).toBe(3);
      const body = { name: app.name, throttlingPolicy: app.throttlingPolicy, tokenType: 'OAUTH' };
      expect((await portal.updateApp(app.applicationId, body)).status).toBe(200);
      expect(await format()).toBe(1);
      expect((await portal.updateApp(app.applicationId, { ...body, tokenType: 'JWT' })).status).toBe(200);
      expect(await format()).toBe(3);
    });

    it('without client_credentials there is no first token', async () => {
      const app = await portal.createdApp();
      const key = await portal.generatedKeys(app.applicationId, {
        grantTypesToBeSupported: ['authorization_code', 'refresh_token'],
        callbackUrl: CALLBACK,
      });
      expect(key).toMatchObject({
        supportedGrantTypes: ['authorization_code', 'refresh_token'],
        callbackUrl: CALLBACK,
      });
      expect(key.token).toBeUndefined();
      const refused = await ctx.requestToken(key.consumerKey, key.consumerSecret);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('unauthorized_client');
    });

    it('a second PRODUCTION is a 409; SANDBOX is a separate client', async () => {
      const app = await portal.createdApp();
      const production = await portal.generatedKeys(app.applicationId);
      const again = await portal.generateKeys(app.applicationId, {
        keyType: 'PRODUCTION',
        grantTypesToBeSupported: ['client_credentials'],
      });
      expectError(again, 409, 409, 'PRODUCTION');
      const sandbox = await portal.generatedKeys(app.applicationId, { keyType: 'SANDBOX' });
      expect(sandbox.keyType).toBe('SANDBOX');
      expect(sandbox.consumerKey).not.toBe(production.consumerKey);
      expect(sandbox.keyMappingId).not.toBe(production.keyMappingId);
      expectError(
        await portal.generateKeys(app.applicationId, {
          keyType: 'SANDBOX',
          grantTypesToBeSupported: ['password'],
        }),
        409,
        409,
        'SANDBOX',
      );
      for (const key of [production, sandbox]) {
        expect((await ctx.requestToken(key.consumerKey, key.consumerSecret)).status).toBe(200);
      }
    });

    it.each([
      [
        'an unsupported grant type',
        { grantTypesToBeSupported: ['client_credentials', 'implicit'] },
        'implicit',
      ],
      ['an unknown grant type', { grantTypesToBeSupported: ['telepathy'] }, 'telepathy'],
      ['no grant type', { grantTypesToBeSupported: [] }, 'grantTypesToBeSupported'],
      [
        'authorization_code without callbackUrl',
        { grantTypesToBeSupported: ['authorization_code'] },
        'callbackUrl',
      ],
      [
        'a callbackUrl that is not https',
        { grantTypesToBeSupported: ['authorization_code'], callbackUrl: 'http://app.example.test/cb' },
        'callbackUrl',
      ],
      ['an unknown keyType', { keyType: 'STAGING' }, 'keyType'],
      ['an unknown keyManager', { keyManager: 'Okta' }, 'keyManager'],
    ])('%s is a 400, and no key is made', async (_what, request, mention) => {
      const app = await portal.createdApp();
      const reply = await portal.generateKeys(app.applicationId, {
        keyType: 'PRODUCTION',
        grantTypesToBeSupported: ['client_credentials'],
        ...request,
      });
      expectError(reply, 400, 400, mention);
      expect((await portal.listKeys(app.applicationId)).body).toEqual({ count: 0, list: [] });
      await portal.generatedKeys(app.applicationId);
    });

    it('an unknown application is a 404', async () => {
      const reply = await portal.generateKeys('no-such-app', {
        keyType: 'PRODUCTION',
        grantTypesToBeSupported: ['client_credentials'],
      });
      expectError(reply, 404, 404);
    });
  });

  describe('oauth-keys', () => {
    let app: Json;
    let production: Json;
    let sandbox: Json;

    beforeAll(async () => {
      app = await portal.createdApp();
      production = await portal.generatedKeys(app.applicationId);
      sandbox = await portal.generatedKeys(app.applicationId, {
        keyType: 'SANDBOX',
        grantTypesToBeSupported: ['client_credentials', 'authorization_code'],
        callbackUrl: CALLBACK,
      });
    });

    const withoutSecrets = (key: Json) => {
      const { consumerSecret: _secret, token: _token, ...rest } = key;
      return rest;
    };

    it('GET lists both keys, without secret or token', async () => {
      const reply = await portal.listKeys(app.applicationId);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ count: 2, list: [withoutSecrets(production), withoutSecrets(sandbox)] });
      for (const key of reply.body.list) {
        expect(key).not.toHaveProperty('consumerSecret');
        expect(JSON.stringify(key)).not.toContain(production.consumerSecret);
      }
    });

    it('GET oauth-keys/{keyMappingId}: one key, without secret; an unknown one is a 404', async () => {
      const reply = await portal.getKey(app.applicationId, sandbox.keyMappingId);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual(withoutSecrets(sandbox));
      expectError(await portal.getKey(app.applicationId, 'no-such-key'), 404, 404);
      const other = await portal.createdApp();
      expectError(await portal.getKey(other.applicationId, sandbox.keyMappingId), 404, 404);
    });

    it('PUT changes the grant types, for real at the token endpoint', async () => {
      const password = {
        grant_type: 'password',
        username: dev.credentials.username,
        password: dev.credentials.password,
      };
      const before = await ctx.requestToken(production.consumerKey, production.consumerSecret, password);
      expect(before.body.error).toBe('unauthorized_client');

      const reply = await portal.updateKey(app.applicationId, production.keyMappingId, {
        ...withoutSecrets(production),
        supportedGrantTypes: ['client_credentials', 'password'],
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toEqual({
        ...withoutSecrets(production),
        supportedGrantTypes: ['client_credentials', 'password'],
      });
      const read = await portal.getKey(app.applicationId, production.keyMappingId);
      expect(read.body.supportedGrantTypes).toEqual(['client_credentials', 'password']);
      const after = await ctx.requestToken(production.consumerKey, production.consumerSecret, password);
      expect(after.status, JSON.stringify(after.body)).toBe(200);

      // And back: client_credentials removed.
      const narrowed = await portal.updateKey(app.applicationId, production.keyMappingId, {
        supportedGrantTypes: ['password'],
      });
      expect(narrowed.body.supportedGrantTypes).toEqual(['password']);
      expect((await ctx.requestToken(production.consumerKey, production.consumerSecret)).body.error).toBe(
        'unauthorized_client',
      );
    });

    it('PUT: unsupported grant types, no grant type, authorization_code without a callback are 400s', async () => {
      const id = sandbox.keyMappingId;
      expectError(
        await portal.updateKey(app.applicationId, id, { supportedGrantTypes: ['implicit'] }),
        400,
        400,
        'implicit',
      );
      expectError(await portal.updateKey(app.applicationId, id, { supportedGrantTypes: [] }), 400, 400);
      expectError(
        await portal.updateKey(app.applicationId, id, { supportedGrantTypes: ['authorization_code'] }),
        400,
        400,
        'callbackUrl',
      );
      expect((await portal.getKey(app.applicationId, id)).body).toEqual(withoutSecrets(sandbox));
      expectError(
        await portal.updateKey(app.applicationId, 'no-such-key', { supportedGrantTypes: ['password'] }),
        404,
        404,
      );
    });
  });
});
