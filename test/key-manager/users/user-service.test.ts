import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { TokensRevokedSchema, UserUpdatedSchema } from '../../../src/events/key-manager-events.js';
import { BadRequest, Conflict, NotFound, TooManyRequests } from '../../../src/platform/errors.js';
import { describeEachEngine } from '../../support/engines.js';
import { keyManagerOn, settle, type KeyManagerHarness } from '../../support/key-manager.js';

const name = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

describeEachEngine('UserService', (engine) => {
  let h: KeyManagerHarness;
  beforeAll(async () => {
    h = await keyManagerOn(engine.database, { max_failed_logins: 3, lockout: 60 });
  });

  it('creates a user with roles and hashes the password with scrypt', async () => {
    const username = name('alice');
    const user = await h.km.users.create(username, 'correct horse', ['creator', 'publisher']);
    expect(user).toMatchObject({
      username,
      roles: expect.arrayContaining(['creator', 'publisher']),
      disabled: false,
    });
    const row = await engine.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(row.password_hash).not.toContain('correct horse');
  });

  it('rejects bad names, short passwords, unknown roles and duplicates with clear errors', async () => {
    await expect(h.km.users.create('a b', 'long enough', [])).rejects.toThrow(BadRequest);
    await expect(h.km.users.create(name('bob'), 'short', [])).rejects.toMatchObject({
      status: 400,
      description: expect.stringMatching(/8 to 256 characters/),
    });
    await expect(h.km.users.create(name('bob'), 'long enough', ['root'])).rejects.toMatchObject({
      description: expect.stringMatching(/unknown roles root/),
    });
    const username = name('dup');
    await h.km.users.create(username, 'long enough', []);
    await expect(h.km.users.create(username, 'long enough', [])).rejects.toThrow(Conflict);
    await expect(h.km.users.get(name('nobody'))).rejects.toThrow(NotFound);
  });

  it('authenticates the right password only, and not a disabled user', async () => {
    const username = name('carol');
    await h.km.users.create(username, 'right password', ['subscriber']);
    expect((await h.km.users.authenticate(username, 'right password', '10.0.0.1'))?.username).toBe(username);
    expect(await h.km.users.authenticate(username, 'wrong password', '10.0.0.1')).toBeUndefined();
    await h.km.users.update(username, { disabled: true });
    expect(await h.km.users.authenticate(username, 'right password', '10.0.0.1')).toBeUndefined();
  });

  it('locks a user out after too many failures, even with the right password', async () => {
    const username = name('dave');
    await h.km.users.create(username, 'right password', []);
    for (let i = 0; i < 3; i++) {
      expect(await h.km.users.authenticate(username, 'nope-nope', `10.1.0.${i}`)).toBeUndefined();
    }
    const locked = h.km.users.authenticate(username, 'right password', '10.1.0.9');
    await expect(locked).rejects.toThrow(TooManyRequests);
    await expect(locked).rejects.toMatchObject({ retryAfterSeconds: expect.any(Number) });
  });

  it('holds the limit under parallel guesses: each attempt takes its slot atomically', async () => {
    const username = name('henry');
    await h.km.users.create(username, 'right password', []);
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        h.km.users.authenticate(username, `guess-${i}-wrong`, `10.4.0.${i}`),
      ),
    );
    const evaluated = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(evaluated).toHaveLength(3);
    expect(refused).toHaveLength(27);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(TooManyRequests);
  });

  it('refuses impossible names and passwords without counting them', async () => {
    expect(await h.km.users.authenticate('x'.repeat(100_000), 'whatever', '10.5.0.1')).toBeUndefined();
    expect(await h.km.users.authenticate('admin', 'p'.repeat(300), '10.5.0.1')).toBeUndefined();
    const rows = await engine.database.db.selectFrom('login_failures').select('key').execute();
    expect(rows.some((r) => r.key.length > 100 || r.key === 'ip:10.5.0.1')).toBe(false);
  });

  it('locks out an IP that sprays many users', async () => {
    const ip = '10.2.0.1';
    for (let i = 0; i < 3; i++) await h.km.users.authenticate(name('ghost'), 'whatever1', ip);
    const username = name('erin');
    await h.km.users.create(username, 'right password', []);
    await expect(h.km.users.authenticate(username, 'right password', ip)).rejects.toThrow(TooManyRequests);
    expect((await h.km.users.authenticate(username, 'right password', '10.2.0.2'))?.username).toBe(username);
  });

  it('revokes tokens and notifies when roles change, the user is disabled or deleted', async () => {
    const username = name('frank');
    await h.km.users.create(username, 'right password', ['subscriber']);
    const { client } = await h.km.clients.register({
      name: name('app'),
      owner: username,
      grantTypes: ['password'],
      redirectUris: [],
      tokenFormat: 'OPAQUE',
      accessTokenValidity: 3600,
      refreshTokenValidity: 86400,
    });
    const issue = () =>
      h.km.tokens.issue({ client, username, scope: ['apim:subscribe'], withRefreshToken: false });
    const isRevoked = async (token: string) => (await h.km.tokens.find(token))?.revoked === 1;

    const first = await issue();
    h.events.length = 0;
    await h.km.users.update(username, { roles: ['subscriber', 'creator'] });
    await settle();
    expect(await isRevoked(first.access_token)).toBe(true);
    const revoked = h.events.find((e) => e.topic === 'tokenRevocation')?.event;
    expect(Value.Check(TokensRevokedSchema, revoked?.payload)).toBe(true);
    expect(revoked?.payload).toMatchObject({ reason: 'user_changed', username });
    const updated = h.events.find((e) => e.topic === 'notification')?.event;
    expect(Value.Check(UserUpdatedSchema, updated?.payload)).toBe(true);
    expect(updated?.payload).toMatchObject({ username, change: 'roles' });

    const second = await issue();
    await h.km.users.update(username, { disabled: true });
    expect(await isRevoked(second.access_token)).toBe(true);

    await h.km.users.update(username, { disabled: false });
    const third = await issue();
    h.events.length = 0;
    await h.km.users.delete(username);
    await settle();
    expect(await isRevoked(third.access_token)).toBe(true);
    expect(h.events.map((e) => e.event.payload.change).filter(Boolean)).toEqual(['deleted']);
    await expect(h.km.users.get(username)).rejects.toThrow(NotFound);
  });

  it('a password change ends existing sessions', async () => {
    const username = name('gina');
    await h.km.users.create(username, 'old password', []);
    const { client } = await h.km.clients.register({
      name: name('app'),
      owner: username,
      grantTypes: ['password'],
      redirectUris: [],
      tokenFormat: 'JWT',
      accessTokenValidity: 3600,
      refreshTokenValidity: 86400,
    });
    const token = await h.km.tokens.issue({ client, username, scope: ['default'], withRefreshToken: false });
    await h.km.users.update(username, { password: 'new password' });
    expect((await h.km.tokens.find(token.access_token))?.revoked).toBe(1);
    expect(await h.km.users.authenticate(username, 'old password', '10.3.0.1')).toBeUndefined();
    expect((await h.km.users.authenticate(username, 'new password', '10.3.0.1'))?.username).toBe(username);
  });
});
