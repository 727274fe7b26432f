import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { beforeAll, expect, it } from 'vitest';
import { AuthorizationCodes } from '../../../src/key-manager/oauth/authorization-codes.js';
import type { Client } from '../../../src/key-manager/oauth/clients.js';
import { InvalidClient, InvalidRequest } from '../../../src/key-manager/oauth/errors.js';
import { SigningKeys } from '../../../src/key-manager/oauth/signing-keys.js';
import { purgeExpired } from '../../../src/key-manager/housekeeping.js';
import { describeEachEngine } from '../../support/engines.js';
import { keyManagerOn, type KeyManagerHarness } from '../../support/key-manager.js';

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describeEachEngine('OAuth storage', (engine) => {
  let h: KeyManagerHarness;
  let client: Client;
  let secret: string;
  beforeAll(async () => {
    h = await keyManagerOn(engine.database);
    const registered = await h.km.clients.register({
      name: `app-${randomBytes(3).toString('hex')}`,
      owner: 'someone',
      grantTypes: ['client_credentials', 'refresh_token'],
      redirectUris: ['https://app.example/cb'],
      tokenFormat: 'OPAQUE',
      accessTokenValidity: 600,
      refreshTokenValidity: 3600,
    });
    client = registered.client;
    secret = registered.clientSecret as string;
  });

  it('stores only a hash of the client secret and authenticates by Basic or form, not both', async () => {
    const row = await engine.database.db
      .selectFrom('oauth_clients')
      .selectAll()
      .where('client_id', '=', client.clientId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(secret);
    const none = { authorization: undefined, clientId: undefined, clientSecret: undefined };
    expect(
      (await h.km.clients.authenticate({ ...none, authorization: basic(client.clientId, secret) })).clientId,
    ).toBe(client.clientId);
    expect(
      (await h.km.clients.authenticate({ ...none, clientId: client.clientId, clientSecret: secret }))
        .clientId,
    ).toBe(client.clientId);
    await expect(
      h.km.clients.authenticate({ ...none, clientId: client.clientId, clientSecret: `${secret}x` }),
    ).rejects.toThrow(InvalidClient);
    await expect(
      h.km.clients.authenticate({
        authorization: basic(client.clientId, secret),
        clientId: undefined,
        clientSecret: secret,
      }),
    ).rejects.toThrow(InvalidRequest);
    await expect(h.km.clients.authenticate({ ...none, clientId: 'unknown' })).rejects.toThrow(InvalidClient);
    await expect(h.km.clients.authenticate(none)).rejects.toThrow(InvalidClient);
  });

  it('a regenerated secret replaces the old one', async () => {
    const { client: c, clientSecret } = await h.km.clients.register({
      ...client,
      name: 'regen',
      isPublic: false,
    });
    const fresh = await h.km.clients.regenerateSecret(c.clientId);
    const none = { authorization: undefined, clientId: c.clientId };
    await expect(h.km.clients.authenticate({ ...none, clientSecret })).rejects.toThrow(InvalidClient);
    expect((await h.km.clients.authenticate({ ...none, clientSecret: fresh })).clientId).toBe(c.clientId);
  });

  it('finds opaque tokens by hash and stores neither token in the clear', async () => {
    const issued = await h.km.tokens.issue({
      client,
      username: 'u1',
      scope: ['a', 'b'],
      withRefreshToken: true,
    });
    expect(issued.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await engine.database.db
      .selectFrom('tokens')
      .selectAll()
      .where('username', '=', 'u1')
      .execute();
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain(issued.access_token);
    expect(JSON.stringify(rows)).not.toContain(issued.refresh_token);
    const found = await h.km.tokens.find(issued.access_token);
    expect(found).toMatchObject({ kind: 'access', client_id: client.clientId, scope: 'a b', revoked: 0 });
    expect(await h.km.tokens.find('not-a-token')).toBeUndefined();
  });

  it('rotates a refresh token exactly once, even under concurrent use', async () => {
    const issued = await h.km.tokens.issue({ client, username: 'u2', scope: ['a'], withRefreshToken: true });
    const row = await h.km.tokens.find(issued.refresh_token as string);
    const results = await Promise.all([1, 2, 3, 4].map(() => h.km.tokens.markRotated(row!.id)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('revoking a family revokes every token of the grant and publishes them', async () => {
    const familyId = `family-${randomBytes(4).toString('hex')}`;
    const a = await h.km.tokens.issue({
      client,
      username: 'u3',
      scope: ['a'],
      familyId,
      withRefreshToken: true,
    });
    const b = await h.km.tokens.issue({
      client,
      username: 'u3',
      scope: ['a'],
      familyId,
      withRefreshToken: true,
    });
    h.events.length = 0;
    await h.km.revocations.revokeFamily(familyId, 'refresh_token_reuse');
    for (const token of [a.access_token, a.refresh_token, b.access_token, b.refresh_token]) {
      expect((await h.km.tokens.find(token as string))?.revoked).toBe(1);
    }
    await new Promise((r) => setTimeout(r, 10));
    const event = h.events.find((e) => e.topic === 'tokenRevocation');
    expect(event?.event.payload).toMatchObject({ reason: 'refresh_token_reuse' });
    expect((event?.event.payload.tokens as unknown[]).length).toBe(4);
  });

  it('redeems an authorization code once; a second redemption is reported', async () => {
    const codes = new AuthorizationCodes(engine.database.db, 60_000);
    const code = await codes.create({
      clientId: client.clientId,
      username: 'u4',
      redirectUri: 'https://app.example/cb',
      scope: ['a'],
      codeChallenge: undefined,
      codeChallengeMethod: undefined,
    });
    expect(await codes.redeem(code, 'another-client')).toBeUndefined();
    expect((await codes.redeem(code, client.clientId))?.firstUse).toBe(true);
    expect((await codes.redeem(code, client.clientId))?.firstUse).toBe(false);
    expect(await codes.redeem('unknown', client.clientId)).toBeUndefined();
  });

  it('rotates signing keys and keeps retired ones in the JWKS until their tokens expire', async () => {
    const keys = new SigningKeys(engine.database.db, {
      algorithm: 'ES256',
      rotationMs: 1000,
      maxTokenLifetimeMs: 5000,
      refreshMs: 0,
    });
    // Far from other tests' keys, at the start of a rotation period.
    const t0 = Math.ceil((Date.now() + 10 * 86400_000) / 1000) * 1000;
    const first = await keys.current(t0);
    expect((await keys.current(t0 + 500)).kid).toBe(first.kid);
    const second = await keys.current(t0 + 1500);
    expect(second.kid).not.toBe(first.kid);
    const kids = (await keys.jwks(t0 + 1500)).keys.map((k) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([first.kid, second.kid]));
    const publicJwk = (await keys.jwks(t0)).keys.find((k) => k.kid === first.kid);
    expect(publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(publicJwk).not.toHaveProperty('d');
    expect((await keys.jwks(t0 + 6500)).keys.map((k) => k.kid)).not.toContain(first.kid);
  });

  it('signs JWT access tokens with the current key', async () => {
    const { km } = await keyManagerOn(engine.database);
    const jwtClient = { ...client, tokenFormat: 'JWT' as const };
    const issued = await km.tokens.issue({
      client: jwtClient,
      username: undefined,
      scope: ['x'],
      withRefreshToken: false,
    });
    const header = decodeProtectedHeader(issued.access_token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect((await km.keys.byKid(header.kid as string))?.kid).toBe(header.kid);
    expect((await km.tokens.find(issued.access_token))?.format).toBe('JWT');
    const tampered = `${issued.access_token.slice(0, -4)}AAAA`;
    expect(await km.tokens.find(tampered)).toBeUndefined();
  });

  it('purges tokens only once they have expired', async () => {
    const shortLived = { ...client, accessTokenValidity: 1, refreshTokenValidity: 1 };
    const issued = await h.km.tokens.issue({
      client: shortLived,
      username: 'u5',
      scope: ['a'],
      withRefreshToken: true,
    });
    const kept = await h.km.tokens.issue({ client, username: 'u5', scope: ['a'], withRefreshToken: false });
    await purgeExpired(engine.database.db, Date.now());
    expect(await h.km.tokens.find(issued.access_token)).toBeDefined();
    await purgeExpired(engine.database.db, Date.now() + 5000);
    expect(await h.km.tokens.find(issued.access_token)).toBeUndefined();
    expect(await h.km.tokens.find(issued.refresh_token as string)).toBeUndefined();
    expect(await h.km.tokens.find(kept.access_token)).toBeDefined();
  });
});
