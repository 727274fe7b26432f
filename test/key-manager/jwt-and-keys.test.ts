/**
 * JWT access tokens (RFC 9068) verified against the JWKS with jose and oauth4webapi; RS256 keys; opaque
 * tokens; and what the database keeps: hashes only, never a token, a code, a client secret or a password.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  SignJWT,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  jwtVerify,
  type JSONWebKeySet,
  type JWTHeaderParameters,
} from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  adminCredentials,
  clientCredentials,
  discover,
  httpOptions,
  introspect,
  passwordGrant,
  registerClient,
  type TestClient,
} from '../support/oauth-helpers.js';
import { signInWithPkce } from '../support/oauth-login.js';

let es256: TestNode;
/** RS256 keys, opaque tokens by default. */
let rs256: TestNode;

beforeAll(async () => {
  [es256, rs256] = await Promise.all([
    startTestNode(),
    startTestNode({
      env: {
        PORTCULLIS_KEY_MANAGER__SIGNING_ALGORITHM: 'RS256',
        PORTCULLIS_KEY_MANAGER__TOKEN_FORMAT: 'OPAQUE',
      },
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([es256?.close(), rs256?.close()]);
});

async function jwksOf(node: TestNode): Promise<JSONWebKeySet> {
  const response = await node.fetch(`${node.baseUrl}/oauth2/jwks`);
  return (await response.json()) as JSONWebKeySet;
}

describe('JWT access tokens (ES256 by default)', () => {
  let as: oauth.AuthorizationServer;
  let app: TestClient;

  beforeAll(async () => {
    as = await discover(es256);
    app = await registerClient(es256);
  });

  it('carry alg ES256, the kid of a published key and typ at+jwt', async () => {
    const tokens = await passwordGrant(es256, as, app, adminCredentials(es256), 'apim:subscribe');
    const header = decodeProtectedHeader(tokens.access_token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const kids = (await jwksOf(es256)).keys.map((k) => k.kid);
    expect(kids).toContain(header.kid);
  });

  it('carry iss, sub, aud, exp, iat, jti, scope and client_id, and verify against the JWKS', async () => {
    const before = Math.floor(Date.now() / 1000);
    const tokens = await passwordGrant(
      es256,
      as,
      app,
      adminCredentials(es256),
      'apim:subscribe apim:api_view',
    );
    const { payload } = await jwtVerify(tokens.access_token, createLocalJWKSet(await jwksOf(es256)), {
      issuer: `${es256.baseUrl}/oauth2/token`,
      audience: app.client.client_id,
      algorithms: ['ES256'],
      typ: 'at+jwt',
      requiredClaims: ['sub', 'exp', 'iat', 'jti', 'scope', 'client_id'],
    });
    expect(payload.sub).toBe('admin');
    expect(payload.client_id).toBe(app.client.client_id);
    expect((payload.scope as string).split(' ').sort()).toEqual(['apim:api_view', 'apim:subscribe']);
    expect(payload.iat).toBeGreaterThanOrEqual(before - 1);
    expect(payload.exp).toBe((payload.iat as number) + 3600);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    // The jti is what introspection reports.
    expect((await introspect(es256, as, app, tokens.access_token)).jti).toBe(payload.jti);
  });

  it('pass oauth4webapi validateJwtAccessToken (RFC 9068 profile)', async () => {
    const tokens = await clientCredentials(es256, as, app, 'orders:read');
    const request = new Request('https://api.example.test/orders', {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const claims = await oauth.validateJwtAccessToken(as, request, app.client.client_id, httpOptions(es256));
    expect(claims).toMatchObject({
      client_id: app.client.client_id,
      sub: app.client.client_id,
      scope: 'orders:read',
    });
  });

  it('each have their own jti', async () => {
    const a = decodeJwt((await clientCredentials(es256, as, app)).access_token);
    const b = decodeJwt((await clientCredentials(es256, as, app)).access_token);
    expect(a.jti).not.toBe(b.jti);
  });

  it('are not accepted with a changed payload, nor signed by another key under a published kid', async () => {
    const tokens = await clientCredentials(es256, as, app);
    const [header, , signature] = tokens.access_token.split('.');
    const claims = decodeJwt(tokens.access_token);
    const widened = Buffer.from(JSON.stringify({ ...claims, scope: 'apim:admin' })).toString('base64url');
    expect(await introspect(es256, as, app, `${header}.${widened}.${signature}`)).toEqual({ active: false });
    // Same claims (the jti is a real one), same kid, but another key's signature.
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT(claims)
      .setProtectedHeader(decodeProtectedHeader(tokens.access_token) as JWTHeaderParameters)
      .sign(privateKey);
    expect(await introspect(es256, as, app, forged)).toEqual({ active: false });
    expect((await introspect(es256, as, app, tokens.access_token)).active).toBe(true);
  });
});

describe('RS256 signing keys and opaque tokens', () => {
  let as: oauth.AuthorizationServer;

  beforeAll(async () => {
    as = await discover(rs256);
  });

  it('publishes RSA keys and signs JWTs with RS256', async () => {
    const jwks = await jwksOf(rs256);
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
    const app = await registerClient(rs256, { tokenType: 'JWT' });
    const tokens = await clientCredentials(rs256, as, app);
    const { protectedHeader } = await jwtVerify(tokens.access_token, createLocalJWKSet(jwks), {
      issuer: as.issuer,
      audience: app.client.client_id,
      algorithms: ['RS256'],
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(jwks.keys.map((k) => k.kid)).toContain(protectedHeader.kid);
  });

  it('issues 43-character base64url opaque tokens that are not JWTs and are introspectable', async () => {
    const app = await registerClient(rs256);
    const tokens = await passwordGrant(rs256, as, app, adminCredentials(rs256), 'apim:subscribe');
    expect(tokens.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(() => decodeJwt(tokens.access_token)).toThrow();
    const info = await introspect(rs256, as, app, tokens.access_token);
    expect(info).toMatchObject({
      active: true,
      scope: 'apim:subscribe',
      username: 'admin',
      token_type: 'Bearer',
    });
    expect(info.jti).toBeUndefined();
  });
});

describe('the database', () => {
  const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

  function dump(node: TestNode): { rows: Record<string, Record<string, unknown>[]>; bytes: Buffer } {
    const db = new SQLite(path.join(node.dataDir, 'portcullis.db'), { readonly: true, fileMustExist: true });
    try {
      const tables = db
        .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
        .all() as { name: string }[];
      const rows = Object.fromEntries(
        tables.map(({ name }) => [
          name,
          db.prepare(`select * from "${name}"`).all() as Record<string, unknown>[],
        ]),
      );
      const files = readdirSync(node.dataDir).filter((f) => f.startsWith('portcullis.db'));
      const bytes = Buffer.concat(files.map((f) => readFileSync(path.join(node.dataDir, f))));
      return { rows, bytes };
    } finally {
      db.close();
    }
  }

  it('stores hashes of opaque tokens, refresh tokens, codes and client secrets, never the values', async () => {
    const as = await discover(rs256);
    const app = await registerClient(rs256);
    const secret = app.secret as string;
    const tokens = await passwordGrant(rs256, as, app, adminCredentials(rs256), 'apim:subscribe');
    const refresh = tokens.refresh_token as string;
    const { callback, verifier } = await signInWithPkce(rs256, app.client.client_id, adminCredentials(rs256));
    const code = callback.searchParams.get('code') as string;
    const secrets = {
      secret,
      access: tokens.access_token,
      refresh,
      code,
      verifier,
      password: rs256.adminPassword,
    };

    const { rows, bytes } = dump(rs256);
    expect(rows.tokens?.map((r) => r.id)).toEqual(
      expect.arrayContaining([sha256(tokens.access_token), sha256(refresh)]),
    );
    expect(rows.oauth_clients?.find((r) => r.client_id === app.client.client_id)?.secret_hash).toBe(
      sha256(secret),
    );
    expect(rows.authorization_codes?.map((r) => r.code_hash)).toContain(sha256(code));
    expect(rows.users?.find((r) => r.username === 'admin')?.password_hash).toMatch(/^scrypt\$/);

    for (const [table, list] of Object.entries(rows)) {
      for (const row of list) {
        for (const [column, value] of Object.entries(row)) {
          for (const [name, raw] of Object.entries(secrets)) {
            expect(String(value).includes(raw), `${name} in ${table}.${column}`).toBe(false);
          }
        }
      }
    }
    // Nor anywhere in the files (database, WAL), e.g. in a free page or a log table.
    for (const [name, raw] of Object.entries(secrets))
      expect(bytes.includes(raw), `${name} in the files`).toBe(false);
  });
});
