/**
 * The Key Manager's clients API (/keymanager/v1/clients), through which nodes (the Developer Portal) manage
 * applications' OAuth2 clients: only tokens with the `portcullis:node` scope, which only clients owned by an
 * admin get. Creating a client for an owner, reading it (never its secret again), changing its settings,
 * regenerating its secret and deleting it, which revokes its tokens; each checked with real token requests.
 */
import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  UserAdmin,
  adminCredentials,
  clientCredentials,
  discover,
  introspect,
  passwordGrant,
  postForm,
  registerClient,
  basicAuth,
  uniqueName,
  type Credentials,
  type TestClient,
} from '../support/oauth-helpers.js';
import { rabbitmqAvailable } from '../support/services.js';
import { wso2Schema } from '../support/wso2-contract.js';
import { RABBITMQ_ENV, TopicObserver } from '../publisher/subscriptions-client.js';
import type { Json } from '../publisher/admin-client.js';

const rabbitUp = await rabbitmqAvailable();

const CLIENTS = '/keymanager/v1/clients';
const NODE_SCOPE = 'portcullis:node';
const REDIRECT = 'https://app.example.test/callback';

interface Reply {
  status: number;
  headers: Headers;
  body: Json;
}

/** Calls the clients API with a bearer token (null: none). */
async function call(
  node: TestNode,
  token: string | null,
  method: string,
  path = '',
  body?: unknown,
): Promise<Reply> {
  const response = await node.fetch(`${node.baseUrl}${CLIENTS}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

/** A WSO2-shaped error (the REST APIs' error body) with this status and code, mentioning each of `mentions`. */
function expectError(reply: Reply, status: number, code: number, ...mentions: string[]): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(wso2Schema('admin', 'Error')(reply.body), JSON.stringify(reply.body)).toBe(true);
  expect(reply.body.code).toBe(code);
  const text = [reply.body.description, ...reply.body.error.map((e: Json) => e.message)].join(' | ');
  for (const mention of mentions) expect(text).toContain(mention);
}

/** The token endpoint's answer to a grant with these client credentials (HTTP Basic). */
function tokenRequest(node: TestNode, clientId: string, secret: string, params: Record<string, string>) {
  return postForm(node, '/oauth2/token', params, { authorization: basicAuth(clientId, secret) });
}

describe('the clients API', () => {
  let node: TestNode;
  let as: oauth.AuthorizationServer;
  /** A client registered by the admin: its client_credentials tokens may hold portcullis:node. */
  let adminClient: TestClient;
  let users: UserAdmin;
  let nodeToken: string;
  let owner: Credentials;

  beforeAll(async () => {
    node = await startTestNode();
    as = await discover(node);
    adminClient = await registerClient(node);
    users = await UserAdmin.create(node, as, adminClient);
    const tokens = await clientCredentials(node, as, adminClient, NODE_SCOPE);
    expect(tokens.scope).toBe(NODE_SCOPE);
    nodeToken = tokens.access_token;
    owner = await users.add(uniqueName('owner'), 'owner-password-1', ['subscriber']);
  });

  afterAll(async () => {
    await node?.close();
  });

  const newClient = (body: Json = {}) =>
    call(node, nodeToken, 'POST', '', {
      clientName: uniqueName('app'),
      owner: owner.username,
      grantTypes: ['client_credentials', 'password', 'refresh_token'],
      tokenType: 'JWT',
      ...body,
    });

  async function created(body: Json = {}): Promise<Json> {
    const reply = await newClient(body);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  }

  describe('who may call it', () => {
    it('no token is 401, a token that is none of ours is 401', async () => {
      const none = await call(node, null, 'POST', '', {});
      expectError(none, 401, 900902);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expectError(await call(node, null, 'GET', '/anything'), 401, 900902);
      expectError(await call(node, 'not-a-token', 'GET', '/anything'), 401, 900901);
    });

    it("a subscriber's or a creator's token is 403, even when they ask for portcullis:node", async () => {
      for (const role of ['subscriber', 'creator', 'publisher']) {
        const user = await users.add(uniqueName(role), 'some-password-1', [role]);
        const tokens = await passwordGrant(node, as, adminClient, user, `${NODE_SCOPE} apim:api_view`);
        expect(tokens.scope ?? '', role).not.toContain(NODE_SCOPE);
        const reply = await call(node, tokens.access_token, 'POST', '', {
          clientName: uniqueName('x'),
          owner: user.username,
          grantTypes: ['client_credentials'],
          tokenType: 'JWT',
        });
        expectError(reply, 403, 900910, NODE_SCOPE);
        expect(reply.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
      }
    });

    it('a client owned by a subscriber gets no portcullis:node: its token is 403', async () => {
      const own = await registerClient(node, { grantType: 'client_credentials', callbackUrl: '' }, owner);
      const tokens = await clientCredentials(node, as, own, NODE_SCOPE);
      expect(tokens.scope).toBe('default');
      expectError(await call(node, tokens.access_token, 'GET', `/${own.registration.clientId}`), 403, 900910);
    });

    it("an admin's token without portcullis:node is 403", async () => {
      const tokens = await clientCredentials(node, as, adminClient, 'apim:admin');
      expect(tokens.scope).toBe('apim:admin');
      expectError(await call(node, tokens.access_token, 'POST', '', {}), 403, 900910);
    });

    it('a revoked node token is 401', async () => {
      const tokens = await clientCredentials(node, as, adminClient, NODE_SCOPE);
      expect((await call(node, tokens.access_token, 'GET', '/nope')).status).toBe(404);
      const revoked = await oauth.revocationRequest(
        as,
        adminClient.client,
        adminClient.auth,
        tokens.access_token,
        {
          [oauth.customFetch]: node.fetch,
        },
      );
      await oauth.processRevocationResponse(revoked);
      expectError(await call(node, tokens.access_token, 'GET', '/nope'), 401, 900901);
    });
  });

  describe('POST', () => {
    it("creates a client for an owner; its secret works at the token endpoint, as the owner's", async () => {
      const clientName = uniqueName('mobile');
      const reply = await newClient({ clientName });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({
        clientId: expect.any(String),
        clientSecret: expect.any(String),
        clientName,
        owner: owner.username,
        grantTypes: ['client_credentials', 'password', 'refresh_token'],
        callbackUrl: null,
        tokenType: 'JWT',
        accessTokenValidity: 3600,
      });
      const { clientId, clientSecret } = reply.body;

      const cc = await tokenRequest(node, clientId, clientSecret, { grant_type: 'client_credentials' });
      expect(cc.status).toBe(200);
      const token = (await cc.json()) as Json;
      expect(decodeJwt(token.access_token)).toMatchObject({ client_id: clientId, sub: clientId });
      // Role-bound scopes come from the owner (a subscriber): apim:subscribe yes, apim:admin no.
      const scoped = await tokenRequest(node, clientId, clientSecret, {
        grant_type: 'client_credentials',
        scope: 'apim:subscribe apim:admin',
      });
      expect(((await scoped.json()) as Json).scope).toBe('apim:subscribe');

      const password = await tokenRequest(node, clientId, clientSecret, {
        grant_type: 'password',
        username: owner.username,
        password: owner.password,
      });
      expect(password.status).toBe(200);
      const userToken = (await password.json()) as Json;
      expect(userToken.refresh_token).toEqual(expect.any(String));
      expect(decodeJwt(userToken.access_token)).toMatchObject({ sub: owner.username, client_id: clientId });
    });

    it('takes a callback URL, opaque tokens and a validity', async () => {
      const body = await created({
        grantTypes: ['authorization_code', 'refresh_token'],
        callbackUrl: REDIRECT,
        tokenType: 'OPAQUE',
        accessTokenValidity: 600,
      });
      expect(body).toMatchObject({ callbackUrl: REDIRECT, tokenType: 'OPAQUE', accessTokenValidity: 600 });
    });

    it('refuses an unknown or disabled owner (400)', async () => {
      expectError(await newClient({ owner: 'nobody-like-this' }), 400, 400, 'nobody-like-this');
      const disabled = await users.add(uniqueName('disabled'), 'disabled-password-1', ['subscriber']);
      await users.update(disabled.username, { disabled: true });
      expectError(await newClient({ owner: disabled.username }), 400, 400, disabled.username);
    });

    it('refuses a grant type it does not know, naming grantTypes (400)', async () => {
      expectError(
        await newClient({ grantTypes: ['client_credentials', 'implicit'] }),
        400,
        400,
        'grantTypes',
        'implicit',
      );
      expectError(
        await newClient({ grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'] }),
        400,
        400,
        'grantTypes',
      );
      expect((await newClient({ grantTypes: [] })).status).toBe(400);
    });

    it('refuses authorization_code without a callbackUrl, or with a bad one (400)', async () => {
      expectError(await newClient({ grantTypes: ['authorization_code'] }), 400, 400, 'callbackUrl');
      expectError(
        await newClient({ grantTypes: ['authorization_code'], callbackUrl: '' }),
        400,
        400,
        'callbackUrl',
      );
      expectError(
        await newClient({ grantTypes: ['authorization_code'], callbackUrl: 'http://app.example.test/cb' }),
        400,
        400,
        'callbackUrl',
      );
      expectError(
        await newClient({ grantTypes: ['authorization_code'], callbackUrl: 'not a url' }),
        400,
        400,
        'callbackUrl',
      );
    });

    it('refuses a bad tokenType, a bad validity, and missing fields (400)', async () => {
      expect((await newClient({ tokenType: 'SAML' })).status).toBe(400);
      expect((await newClient({ accessTokenValidity: 0 })).status).toBe(400);
      expect((await newClient({ accessTokenValidity: '600' })).status).toBe(400);
      expect((await call(node, nodeToken, 'POST', '', { owner: owner.username })).status).toBe(400);
    });

    it('never applies a field it does not define: a client asked to be public is still confidential', async () => {
      const reply = await newClient({ isPublic: true, publicClient: true });
      // Refused, or the field ignored: either way no public client comes out of this API.
      if (reply.status !== 400) {
        expect(reply.status).toBe(201);
        expect(reply.body.clientSecret).toEqual(expect.any(String));
        expect(reply.body).not.toHaveProperty('isPublic');
      }
    });
  });

  describe('GET', () => {
    it('shows the client without its secret', async () => {
      const client = await created({ grantTypes: ['authorization_code'], callbackUrl: REDIRECT });
      const reply = await call(node, nodeToken, 'GET', `/${client.clientId}`);
      expect(reply.status).toBe(200);
      const { clientSecret, ...rest } = client;
      expect(clientSecret).toEqual(expect.any(String));
      expect(reply.body).toEqual(rest);
      expect(JSON.stringify(reply.body)).not.toContain(clientSecret);
    });

    it('an unknown client is 404', async () => {
      expectError(await call(node, nodeToken, 'GET', '/no-such-client'), 404, 404, 'no-such-client');
    });
  });

  describe('PUT', () => {
    it('changes the grant types: the token endpoint follows at once', async () => {
      const client = await created({ grantTypes: ['client_credentials'] });
      const { clientId, clientSecret } = client;
      expect(
        (await tokenRequest(node, clientId, clientSecret, { grant_type: 'client_credentials' })).status,
      ).toBe(200);
      const refusedBefore = await tokenRequest(node, clientId, clientSecret, {
        grant_type: 'password',
        username: owner.username,
        password: owner.password,
      });
      expect(refusedBefore.status).toBe(400);
      expect(((await refusedBefore.json()) as Json).error).toBe('unauthorized_client');

      const reply = await call(node, nodeToken, 'PUT', `/${clientId}`, {
        grantTypes: ['password', 'refresh_token'],
        tokenType: 'OPAQUE',
        accessTokenValidity: 120,
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toEqual({
        ...client,
        clientSecret: undefined,
        grantTypes: ['password', 'refresh_token'],
        tokenType: 'OPAQUE',
        accessTokenValidity: 120,
      });
      expect(reply.body.clientSecret).toBeUndefined();
      expect((await call(node, nodeToken, 'GET', `/${clientId}`)).body).toEqual(reply.body);

      const cc = await tokenRequest(node, clientId, clientSecret, { grant_type: 'client_credentials' });
      expect(cc.status).toBe(400);
      expect(((await cc.json()) as Json).error).toBe('unauthorized_client');
      const password = await tokenRequest(node, clientId, clientSecret, {
        grant_type: 'password',
        username: owner.username,
        password: owner.password,
      });
      expect(password.status).toBe(200);
      const tokens = (await password.json()) as Json;
      expect(tokens.expires_in).toBe(120);
      expect(tokens.access_token.split('.')).toHaveLength(1);
    });

    it('keeps the name and owner; refuses bad settings (400) and unknown clients (404)', async () => {
      const client = await created();
      const path = `/${client.clientId}`;
      const renamed = await call(node, nodeToken, 'PUT', path, {
        clientName: 'renamed',
        owner: 'admin',
        grantTypes: ['password'],
        tokenType: 'JWT',
      });
      // Name and owner are not settings: refused, or left as they are.
      expect([200, 400]).toContain(renamed.status);
      expectError(
        await call(node, nodeToken, 'PUT', path, { grantTypes: ['authorization_code'], tokenType: 'JWT' }),
        400,
        400,
        'callbackUrl',
      );
      expectError(
        await call(node, nodeToken, 'PUT', path, { grantTypes: ['magic'], tokenType: 'JWT' }),
        400,
        400,
        'grantTypes',
      );
      expect((await call(node, nodeToken, 'PUT', path, { grantTypes: ['password'] })).status).toBe(400);
      expect((await call(node, nodeToken, 'GET', path)).body).toMatchObject({
        clientName: client.clientName,
        owner: owner.username,
      });
      expectError(
        await call(node, nodeToken, 'PUT', '/no-such-client', { grantTypes: ['password'], tokenType: 'JWT' }),
        404,
        404,
      );
    });
  });

  describe('regenerate-secret', () => {
    it('answers a new secret that works; the old one no longer does', async () => {
      const client = await created({ grantTypes: ['client_credentials'] });
      const reply = await call(node, nodeToken, 'POST', `/${client.clientId}/regenerate-secret`);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ ...client, clientSecret: expect.any(String) });
      expect(reply.body.clientSecret).not.toBe(client.clientSecret);

      const old = await tokenRequest(node, client.clientId, client.clientSecret, {
        grant_type: 'client_credentials',
      });
      expect(old.status).toBe(401);
      expect(((await old.json()) as Json).error).toBe('invalid_client');
      const fresh = await tokenRequest(node, client.clientId, reply.body.clientSecret, {
        grant_type: 'client_credentials',
      });
      expect(fresh.status).toBe(200);
    });

    it('an unknown client is 404', async () => {
      expectError(await call(node, nodeToken, 'POST', '/no-such-client/regenerate-secret'), 404, 404);
    });
  });

  describe('DELETE', () => {
    it("revokes the client's tokens, then the client is gone (404)", async () => {
      const client = await created();
      const { clientId, clientSecret } = client;
      const appClient: TestClient = {
        registration: { clientId } as TestClient['registration'],
        client: { client_id: clientId },
        auth: oauth.ClientSecretBasic(clientSecret),
        secret: clientSecret,
      };
      const cc = await clientCredentials(node, as, appClient);
      const user = await passwordGrant(node, as, appClient, owner);
      for (const token of [cc.access_token, user.access_token, user.refresh_token as string]) {
        expect((await introspect(node, as, adminClient, token)).active).toBe(true);
      }

      const deleted = await call(node, nodeToken, 'DELETE', `/${clientId}`);
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();

      for (const token of [cc.access_token, user.access_token, user.refresh_token as string]) {
        expect(await introspect(node, as, adminClient, token)).toEqual({ active: false });
      }
      expectError(await call(node, nodeToken, 'GET', `/${clientId}`), 404, 404);
      expectError(await call(node, nodeToken, 'DELETE', `/${clientId}`), 404, 404);
      expectError(await call(node, nodeToken, 'POST', `/${clientId}/regenerate-secret`), 404, 404);
      const gone = await tokenRequest(node, clientId, clientSecret, { grant_type: 'client_credentials' });
      expect(gone.status).toBe(401);
      expect(((await gone.json()) as Json).error).toBe('invalid_client');
    });

    it("leaves other clients' tokens alone", async () => {
      const doomed = await created();
      const kept = await created();
      const keptToken = (await (
        await tokenRequest(node, kept.clientId, kept.clientSecret, { grant_type: 'client_credentials' })
      ).json()) as Json;
      expect((await call(node, nodeToken, 'DELETE', `/${doomed.clientId}`)).status).toBe(204);
      expect((await introspect(node, as, adminClient, keptToken.access_token)).active).toBe(true);
      expect((await call(node, nodeToken, 'GET', `/${kept.clientId}`)).status).toBe(200);
    });
  });
});

describe.runIf(rabbitUp)('TOKENS_REVOKED on tokenRevocation when a client is deleted (RabbitMQ)', () => {
  let node: TestNode;
  let observer: TopicObserver;

  beforeAll(async () => {
    observer = await TopicObserver.start('tokenRevocation');
    node = await startTestNode({ env: RABBITMQ_ENV });
  });

  afterAll(async () => {
    await node?.close();
    await observer?.close();
  });

  it('names every live token of the client, with reason client_deleted', async () => {
    const as = await discover(node);
    const adminClient = await registerClient(node);
    const nodeToken = (await clientCredentials(node, as, adminClient, NODE_SCOPE)).access_token;
    const created = await call(node, nodeToken, 'POST', '', {
      clientName: uniqueName('evented'),
      owner: adminCredentials(node).username,
      grantTypes: ['client_credentials', 'password'],
      tokenType: 'JWT',
    });
    expect(created.status).toBe(201);
    const { clientId, clientSecret } = created.body;
    const jtis: string[] = [];
    for (const params of [
      { grant_type: 'client_credentials' },
      { grant_type: 'password', ...{ username: 'admin', password: node.adminPassword } },
    ]) {
      const reply = await tokenRequest(node, clientId, clientSecret, params);
      expect(reply.status).toBe(200);
      jtis.push(decodeJwt(((await reply.json()) as Json).access_token).jti as string);
    }

    expect((await call(node, nodeToken, 'DELETE', `/${clientId}`)).status).toBe(204);
    const isOurs = (e: { payload: Json }) => (e.payload['tokens'] as Json[]).some((t) => jtis.includes(t.id));
    await expect.poll(() => observer.events.filter(isOurs).length, { timeout: 10_000 }).toBe(1);
    const [event] = observer.events.filter(isOurs);
    expect(event!.type).toBe('TOKENS_REVOKED');
    expect(event!.payload['reason']).toBe('client_deleted');
    expect(event!.payload['username']).toBeUndefined();
    const tokens = event!.payload['tokens'] as Json[];
    expect(tokens.map((t) => t.id).sort()).toEqual([...jtis].sort());
    for (const token of tokens) expect(token.expiresAt).toBeGreaterThan(Date.now());
  });
});
