/**
 * The Key Manager's list of revoked tokens (GET /keymanager/v1/revoked-tokens), which nodes pull when they
 * start or reconnect to the event hub: only tokens with the `portcullis:node` scope may read it; it names every
 * access token revoked and not yet expired (a JWT by its `jti`, an opaque token by its SHA-256), with its
 * expiry in milliseconds, and nothing else: no live token, no refresh token, no expired token.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVOKED_TOKENS_PATH, RevokedTokensSchema } from '../../src/events/key-manager-events.js';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  UserAdmin,
  adminCredentials,
  clientCredentials,
  discover,
  introspect,
  passwordGrant,
  registerClient,
  revoke,
  uniqueName,
  type TestClient,
} from '../support/oauth-helpers.js';
import { wso2Schema } from '../support/wso2-contract.js';
import type { Json } from '../publisher/admin-client.js';

const NODE_SCOPE = 'portcullis:node';

interface Reply {
  status: number;
  headers: Headers;
  body: Json;
}

/** GET of the list at `base` (the node's HTTPS URL by default), with a bearer token (null: none). */
async function list(node: TestNode, token: string | null, base = node.baseUrl): Promise<Reply> {
  const response = await node.fetch(`${base}${REVOKED_TOKENS_PATH}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

/** A WSO2-shaped error (the REST APIs' error body) with this status and code. */
function expectError(reply: Reply, status: number, code: number): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(wso2Schema('admin', 'Error')(reply.body), JSON.stringify(reply.body)).toBe(true);
  expect(reply.body.code).toBe(code);
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** The ids of the listed tokens, with their expiry. */
function listed(reply: Reply): Map<string, number> {
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(Value.Check(RevokedTokensSchema, reply.body), JSON.stringify(reply.body)).toBe(true);
  return new Map((reply.body.tokens as { id: string; expiresAt: number }[]).map((t) => [t.id, t.expiresAt]));
}

describe('GET /keymanager/v1/revoked-tokens', () => {
  let node: TestNode;
  let as: oauth.AuthorizationServer;
  /** Owned by the admin: its client_credentials tokens may hold portcullis:node. */
  let adminClient: TestClient;
  let opaqueClient: TestClient;
  let nodeToken: string;

  beforeAll(async () => {
    node = await startTestNode();
    as = await discover(node);
    adminClient = await registerClient(node, { tokenType: 'JWT' });
    opaqueClient = await registerClient(node, { tokenType: 'OPAQUE' });
    const tokens = await clientCredentials(node, as, adminClient, NODE_SCOPE);
    expect(tokens.scope).toBe(NODE_SCOPE);
    nodeToken = tokens.access_token;
  });

  afterAll(async () => {
    await node?.close();
  });

  describe('who may read it', () => {
    it('no token is 401 (900902) with a Bearer challenge; a token that is none of ours is 401 (900901)', async () => {
      const none = await list(node, null);
      expectError(none, 401, 900902);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const bogus = await list(node, 'not-a-token');
      expectError(bogus, 401, 900901);
      expect(bogus.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    });

    it("an admin's token without portcullis:node is 403 (900910), naming the scope", async () => {
      const cc = await clientCredentials(node, as, adminClient, 'apim:admin');
      expect(cc.scope).toBe('apim:admin');
      const reply = await list(node, cc.access_token);
      expectError(reply, 403, 900910);
      expect(reply.body.description).toContain(NODE_SCOPE);
      expect(reply.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);

      const password = await passwordGrant(node, as, adminClient, adminCredentials(node), 'apim:admin');
      expectError(await list(node, password.access_token), 403, 900910);
    });

    it('a client owned by a subscriber gets no portcullis:node: its token is 403', async () => {
      const users = await UserAdmin.create(node, as, adminClient);
      const owner = await users.add(uniqueName('owner'), 'owner-password-1', ['subscriber']);
      const own = await registerClient(node, { grantType: 'client_credentials', callbackUrl: '' }, owner);
      const tokens = await clientCredentials(node, as, own, NODE_SCOPE);
      expect(tokens.scope).not.toContain(NODE_SCOPE);
      expectError(await list(node, tokens.access_token), 403, 900910);
    });

    it('a revoked node token is 401, and is then listed itself', async () => {
      const tokens = await clientCredentials(node, as, adminClient, NODE_SCOPE);
      expect((await list(node, tokens.access_token)).status).toBe(200);
      await revoke(node, as, adminClient, tokens.access_token);
      expectError(await list(node, tokens.access_token), 401, 900901);
      expect(listed(await list(node, nodeToken)).has(decodeJwt(tokens.access_token).jti as string)).toBe(
        true,
      );
    });

    it('refuses the plain-HTTP listener (403), as the other /keymanager/v1 routes do', async () => {
      const reply = await list(node, nodeToken, node.httpUrl.replace('localhost', '127.0.0.1'));
      expectError(reply, 403, 900910);
      expect(reply.body.description).toMatch(/only over HTTPS/);
    });
  });

  describe('what it lists', () => {
    it('revoked JWT and opaque access tokens with their expiry, no live token, no refresh token', async () => {
      // A JWT with a refresh token, whose refresh token is revoked: the whole grant goes (RFC 7009 §2.1).
      const family = await passwordGrant(node, as, adminClient, adminCredentials(node), 'apim:subscribe');
      expect(family.refresh_token).toBeDefined();
      const familyJti = decodeJwt(family.access_token).jti as string;
      const familyExp = decodeJwt(family.access_token).exp as number;
      // A JWT revoked on its own.
      const jwt = await clientCredentials(node, as, adminClient);
      const jwtClaims = decodeJwt(jwt.access_token);
      // An opaque access token revoked on its own, with a refresh token that stays valid.
      const opaque = await passwordGrant(node, as, opaqueClient, adminCredentials(node));
      expect(opaque.access_token.split('.')).toHaveLength(1);
      const opaqueExp = (await introspect(node, as, opaqueClient, opaque.access_token)).exp as number;
      // Tokens that are not revoked.
      const liveJwt = await clientCredentials(node, as, adminClient);
      const liveOpaque = await passwordGrant(node, as, opaqueClient, adminCredentials(node));

      const before = listed(await list(node, nodeToken));
      for (const id of [familyJti, jwtClaims.jti as string, sha256(opaque.access_token)])
        expect(before.has(id), id).toBe(false);

      await revoke(node, as, adminClient, family.refresh_token as string);
      await revoke(node, as, adminClient, jwt.access_token);
      await revoke(node, as, opaqueClient, opaque.access_token);
      // Both refused by the Key Manager itself now; the live ones are not.
      expect((await introspect(node, as, adminClient, family.access_token)).active).toBe(false);
      expect((await introspect(node, as, opaqueClient, opaque.access_token)).active).toBe(false);
      expect((await introspect(node, as, adminClient, liveJwt.access_token)).active).toBe(true);

      const reply = await list(node, nodeToken);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      const after = listed(reply);
      expect(Object.keys(reply.body)).toEqual(['tokens']);
      for (const entry of reply.body.tokens as Json[])
        expect(Object.keys(entry).sort()).toEqual(['expiresAt', 'id']);

      expect(after.get(jwtClaims.jti as string)).toBe((jwtClaims.exp as number) * 1000);
      expect(after.get(familyJti)).toBe(familyExp * 1000);
      expect(after.get(sha256(opaque.access_token))).toBe(opaqueExp * 1000);
      // Milliseconds, in the future.
      for (const expiresAt of after.values()) expect(expiresAt).toBeGreaterThan(Date.now());

      // Not the refresh tokens (revoked or not), not the live tokens.
      expect(after.has(sha256(family.refresh_token as string))).toBe(false);
      expect(after.has(sha256(opaque.refresh_token as string))).toBe(false);
      expect(after.has(decodeJwt(liveJwt.access_token).jti as string)).toBe(false);
      expect(after.has(sha256(liveOpaque.access_token))).toBe(false);
      // Nor the raw token text of anything.
      for (const token of [jwt.access_token, opaque.access_token, family.access_token])
        expect(after.has(token)).toBe(false);
    });

    it('stops listing a revoked token once it has expired', async () => {
      const shortLived = await registerClient(node, { tokenType: 'OPAQUE', accessTokenValidity: 2 });
      const tokens = await clientCredentials(node, as, shortLived);
      expect(tokens.expires_in).toBe(2);
      const id = sha256(tokens.access_token);
      await revoke(node, as, shortLived, tokens.access_token);
      const expiresAt = listed(await list(node, nodeToken)).get(id);
      expect(expiresAt).toBeDefined();
      await sleep(Math.max(0, (expiresAt as number) - Date.now()) + 200);
      expect(listed(await list(node, nodeToken)).has(id)).toBe(false);
    });
  });
});

describe('GET /keymanager/v1/revoked-tokens with allow_plain_http', () => {
  let node: TestNode;

  beforeAll(async () => {
    node = await startTestNode({ env: { PORTCULLIS_KEY_MANAGER__ALLOW_PLAIN_HTTP: 'true' } });
  });

  afterAll(async () => {
    await node?.close();
  });

  it('answers on the plain-HTTP listener too', async () => {
    const as = await discover(node);
    const adminClient = await registerClient(node);
    const { access_token: token } = await clientCredentials(node, as, adminClient, NODE_SCOPE);
    const reply = await list(node, token, node.httpUrl.replace('localhost', '127.0.0.1'));
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(Value.Check(RevokedTokensSchema, reply.body)).toBe(true);
  });
});
