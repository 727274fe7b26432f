/**
 * The backend JWT (X-JWT-Assertion): the signing key (an EC P-256 key generated once in the data dir and
 * kept there, or a configured EC P-256 / RSA ≥ 2048 PEM file; anything else refused), WSO2's claims of the
 * caller, application and tiers, an expiry that never outlives the access token, the cache that signs once
 * per token, API, key type and tiers, and signatures a backend verifies with the published JWK.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BACKEND_JWT_ISSUER,
  BackendJwt,
  type BackendJwtCall,
  type BackendJwtOptions,
} from '../../src/gateway/upstream/backend-jwt.js';

const CLAIM = 'http://wso2.org/claims/';
/** A whole second, so that iat/exp are exact. */
const NOW = 1_900_000_000_000;
const NOW_S = NOW / 1000;
const KEY_FILE_NAME = 'gateway-backend-jwt.key.pem';

let dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'backend-jwt-'));
  dirs.push(dir);
  return dir;
}

beforeEach(() => {
  dirs = [];
});

afterEach(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A BackendJwt with a generated key in a fresh data dir unless `options` say otherwise. */
async function backendJwt(options: Partial<BackendJwtOptions> = {}): Promise<BackendJwt> {
  return BackendJwt.create({
    header: 'X-JWT-Assertion',
    expiry: 900,
    keyFile: '',
    dataDir: options.dataDir ?? (await tempDir()),
    ...options,
  });
}

/** Writes the private key as a PEM file (PKCS#8 unless `type` says) in a temp dir; returns its path. */
async function keyFile(key: KeyObject, type: 'pkcs8' | 'pkcs1' | 'sec1' = 'pkcs8'): Promise<string> {
  const file = path.join(await tempDir(), 'backend.key.pem');
  await writeFile(file, key.export({ type, format: 'pem' }).toString(), { mode: 0o600 });
  return file;
}

const application = {
  applicationId: '2f6c8b0e-3a1d-4c55-9a4e-1b2c3d4e5f60',
  name: 'PizzaApp',
  owner: 'bob',
  throttlingPolicy: '10PerMin',
};

/** A call of alice's token, through bob's PizzaApp, on PizzaShack 1.0.0 with a Gold subscription. */
function callOf(overrides: Partial<BackendJwtCall> = {}): BackendJwtCall {
  return {
    tokenId: 'jti-1',
    tokenExpiresAt: NOW + 3_600_000,
    username: 'alice',
    clientId: 'client-1',
    application,
    subscriptionPolicy: 'Gold',
    keyType: 'PRODUCTION',
    api: { name: 'PizzaShack', version: '1.0.0', context: '/pizzashack/1.0.0' },
    ...overrides,
  };
}

/** The JWT's claims, once its signature is verified with the published JWK (at `at`). */
async function verified(jwt: BackendJwt, token: string, at = NOW) {
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet({ keys: [jwt.publicJwk] }), {
    issuer: BACKEND_JWT_ISSUER,
    currentDate: new Date(at),
  });
  return { payload, protectedHeader };
}

describe('the signing key', () => {
  it('is an EC P-256 key generated once in the data dir (mode 0600) and reused by the next start', async () => {
    const dataDir = await tempDir();
    const first = await backendJwt({ dataDir });
    const file = path.join(dataDir, KEY_FILE_NAME);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    // Written atomically: no temporary file left behind.
    expect(await readdir(dataDir)).toEqual([KEY_FILE_NAME]);

    const jwk = first.publicJwk;
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwk.kid).toBe(await calculateJwkThumbprint(jwk));
    // Only the public half is published.
    expect(jwk.d).toBeUndefined();

    const second = await backendJwt({ dataDir });
    expect(second.publicJwk).toEqual(jwk);
    // The same key: what the first signed, the second's JWK verifies.
    const token = first.assertion(callOf(), NOW);
    await expect(verified(second, token)).resolves.toBeDefined();
    expect(await readdir(dataDir)).toEqual([KEY_FILE_NAME]);

    // Another data dir, another key.
    const other = await backendJwt();
    expect(other.publicJwk.kid).not.toBe(jwk.kid);
  });

  it('signs ES256 with a header naming the key', async () => {
    const jwt = await backendJwt();
    const token = jwt.assertion(callOf(), NOW);
    expect(token.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(token)).toEqual({ typ: 'JWT', alg: 'ES256', kid: jwt.publicJwk.kid });
  });

  it('lower-cases the header name, as node:http names incoming headers', async () => {
    expect((await backendJwt()).header).toBe('x-jwt-assertion');
    expect((await backendJwt({ header: 'X-Backend-JWT' })).header).toBe('x-backend-jwt');
  });

  it('signs RS256 with a configured RSA key file (PKCS#8 or PKCS#1), and generates none', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const expected = publicKey.export({ format: 'jwk' });
    for (const type of ['pkcs8', 'pkcs1'] as const) {
      const dataDir = await tempDir();
      const jwt = await backendJwt({ keyFile: await keyFile(privateKey, type), dataDir });
      expect(jwt.publicJwk).toMatchObject({
        kty: 'RSA',
        n: expected.n,
        e: expected.e,
        alg: 'RS256',
        use: 'sig',
      });
      expect(jwt.publicJwk.kid).toBe(await calculateJwkThumbprint(expected as JWK));
      expect(jwt.publicJwk.d).toBeUndefined();
      expect(jwt.publicJwk.p).toBeUndefined();
      const token = jwt.assertion(callOf(), NOW);
      const { protectedHeader } = await verified(jwt, token);
      expect(protectedHeader).toEqual({ typ: 'JWT', alg: 'RS256', kid: jwt.publicJwk.kid });
      expect(await readdir(dataDir)).toEqual([]);
    }
  });

  it('signs ES256 with a configured EC P-256 key file (SEC1)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwt = await backendJwt({ keyFile: await keyFile(privateKey, 'sec1') });
    const expected = publicKey.export({ format: 'jwk' });
    expect(jwt.publicJwk).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      x: expected.x,
      y: expected.y,
      alg: 'ES256',
    });
    await expect(verified(jwt, jwt.assertion(callOf(), NOW))).resolves.toBeDefined();
  });

  it('refuses Ed25519, EC P-384 and RSA keys under 2048 bits', async () => {
    const keys = [
      generateKeyPairSync('ed25519').privateKey,
      generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey,
    ];
    const found = ['a key of type ed25519', 'an EC key on secp384r1', 'an RSA key of 1024 bits'];
    for (const [i, key] of keys.entries()) {
      const file = await keyFile(key);
      const refusal = backendJwt({ keyFile: file });
      await expect(refusal, key.asymmetricKeyType).rejects.toThrow(
        `The backend JWT key ${file} must be an EC P-256 key or an RSA key of 2048 bits or more, not ${found[i]}`,
      );
    }
  });

  it('refuses a header the forwarder sets or removes itself, in any case', async () => {
    for (const header of ['Host', 'connection', 'Content-Length', 'X-Forwarded-For', 'Transfer-Encoding']) {
      await expect(backendJwt({ header })).rejects.toThrow(
        `gateway.backend_jwt_header cannot be ${header}: the gateway sets or removes that header itself`,
      );
    }
    await expect(backendJwt({ header: 'X-Backend-Identity' })).resolves.toBeDefined();
  });

  it('refuses a key file that does not exist, or holds no private key, naming the file', async () => {
    const dataDir = await tempDir();
    const missing = path.join(dataDir, 'no-such.key.pem');
    await expect(backendJwt({ keyFile: missing, dataDir })).rejects.toThrow(
      `The backend JWT key file ${missing} does not exist`,
    );
    // Nothing is generated in its place.
    expect(await readdir(dataDir)).toEqual([]);

    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicOnly = path.join(dataDir, 'public.pem');
    await writeFile(publicOnly, publicKey.export({ type: 'spki', format: 'pem' }).toString());
    await expect(backendJwt({ keyFile: publicOnly, dataDir })).rejects.toThrow(publicOnly);
  });
});

describe('the claims', () => {
  let jwt: BackendJwt;

  beforeEach(async () => {
    jwt = await backendJwt();
  });

  const applicationClaims = {
    [`${CLAIM}subscriber`]: 'bob',
    [`${CLAIM}applicationid`]: application.applicationId,
    [`${CLAIM}applicationUUId`]: application.applicationId,
    [`${CLAIM}applicationname`]: 'PizzaApp',
    [`${CLAIM}applicationtier`]: '10PerMin',
  };
  const apiClaims = {
    [`${CLAIM}apiname`]: 'PizzaShack',
    [`${CLAIM}version`]: '1.0.0',
    [`${CLAIM}apicontext`]: '/pizzashack/1.0.0',
  };

  it('of an application user: the user is the end user and the subject', async () => {
    const { payload } = await verified(jwt, jwt.assertion(callOf(), NOW));
    expect(payload).toEqual({
      iss: BACKEND_JWT_ISSUER,
      iat: NOW_S,
      exp: NOW_S + 900,
      sub: 'alice',
      ...apiClaims,
      [`${CLAIM}keytype`]: 'PRODUCTION',
      [`${CLAIM}usertype`]: 'APPLICATION_USER',
      [`${CLAIM}enduser`]: 'alice',
      [`${CLAIM}client_id`]: 'client-1',
      [`${CLAIM}tier`]: 'Gold',
      ...applicationClaims,
    });
  });

  it('of an application acting for itself: its owner is the end user and the subject', async () => {
    const call = callOf({
      tokenId: 'jti-app',
      username: undefined,
      keyType: 'SANDBOX',
      clientId: 'client-2',
    });
    const { payload } = await verified(jwt, jwt.assertion(call, NOW));
    expect(payload).toEqual({
      iss: BACKEND_JWT_ISSUER,
      iat: NOW_S,
      exp: NOW_S + 900,
      sub: 'bob',
      ...apiClaims,
      [`${CLAIM}keytype`]: 'SANDBOX',
      [`${CLAIM}usertype`]: 'APPLICATION',
      [`${CLAIM}enduser`]: 'bob',
      [`${CLAIM}client_id`]: 'client-2',
      [`${CLAIM}tier`]: 'Gold',
      ...applicationClaims,
    });
  });

  it('without a subscription (a prototype) or an application: no tier or application claims', async () => {
    const call = callOf({ username: undefined, application: undefined, subscriptionPolicy: null });
    const { payload } = await verified(jwt, jwt.assertion(call, NOW));
    expect(payload).toEqual({
      iss: BACKEND_JWT_ISSUER,
      iat: NOW_S,
      exp: NOW_S + 900,
      sub: 'client-1',
      ...apiClaims,
      [`${CLAIM}keytype`]: 'PRODUCTION',
      [`${CLAIM}usertype`]: 'APPLICATION',
      [`${CLAIM}enduser`]: 'client-1',
      [`${CLAIM}client_id`]: 'client-1',
    });
  });
});

describe('expiry', () => {
  it('is `expiry` seconds after issue, unless the access token expires sooner', async () => {
    const jwt = await backendJwt();
    const long = await verified(jwt, jwt.assertion(callOf(), NOW));
    expect(long.payload.exp).toBe(NOW_S + 900);
    const soon = callOf({ tokenId: 'jti-soon', tokenExpiresAt: NOW + 120_500 });
    const capped = await verified(jwt, jwt.assertion(soon, NOW));
    expect(capped.payload.iat).toBe(NOW_S);
    expect(capped.payload.exp).toBe(NOW_S + 120);

    const short = await backendJwt({ expiry: 60 });
    expect((await verified(short, short.assertion(callOf(), NOW))).payload.exp).toBe(NOW_S + 60);
  });

  it('an expired JWT fails verification', async () => {
    const jwt = await backendJwt({ expiry: 60 });
    const token = jwt.assertion(callOf(), NOW);
    await expect(verified(jwt, token, NOW + 61_000)).rejects.toThrow(/exp/);
  });
});

describe('the cache', () => {
  let jwt: BackendJwt;

  beforeEach(async () => {
    jwt = await backendJwt();
  });

  it('gives the same JWT for the same call a minute later', () => {
    const first = jwt.assertion(callOf(), NOW);
    expect(jwt.assertion(callOf(), NOW + 1)).toBe(first);
    expect(jwt.assertion(callOf(), NOW + 60_000)).toBe(first);
  });

  it('signs a new JWT for another token, API, key type, subscription tier or application', async () => {
    const first = jwt.assertion(callOf(), NOW);
    const variants: Partial<BackendJwtCall>[] = [
      { tokenId: 'jti-2' },
      { api: { name: 'PizzaShack', version: '2.0.0', context: '/pizzashack/2.0.0' } },
      { keyType: 'SANDBOX' },
      { subscriptionPolicy: 'Bronze' },
      { application: { ...application, throttlingPolicy: 'Unlimited' } },
      { application: { ...application, name: 'RenamedApp' } },
    ];
    const seen = new Set([first]);
    for (const variant of variants) {
      const token = jwt.assertion(callOf(variant), NOW + 1000);
      expect(seen.has(token), JSON.stringify(variant)).toBe(false);
      seen.add(token);
    }
    const retiered = await verified(jwt, jwt.assertion(callOf({ subscriptionPolicy: 'Bronze' }), NOW + 1000));
    expect(retiered.payload[`${CLAIM}tier`]).toBe('Bronze');
    expect(retiered.payload.iat).toBe(NOW_S + 1);
    const upgraded = await verified(
      jwt,
      jwt.assertion(callOf({ application: { ...application, throttlingPolicy: 'Unlimited' } }), NOW + 1000),
    );
    expect(upgraded.payload[`${CLAIM}applicationtier`]).toBe('Unlimited');
    // The original call still gets its own JWT.
    expect(jwt.assertion(callOf(), NOW + 2000)).toBe(first);
  });

  it('renews a JWT no later than 30 s before it expires', async () => {
    const first = jwt.assertion(callOf(), NOW);
    const renewed = jwt.assertion(callOf(), NOW + (900 - 30) * 1000);
    expect(renewed).not.toBe(first);
    const { payload } = await verified(jwt, renewed, NOW + 870_000);
    expect(payload.iat).toBe(NOW_S + 870);
    expect(payload.exp).toBe(NOW_S + 870 + 900);
    // The renewed one is cached in turn.
    expect(jwt.assertion(callOf(), NOW + 871_000)).toBe(renewed);
  });

  it('renews before the access token’s expiry too', async () => {
    const call = callOf({ tokenExpiresAt: NOW + 100_000 });
    const first = jwt.assertion(call, NOW);
    expect(jwt.assertion(call, NOW + 60_000)).toBe(first);
    const late = jwt.assertion(call, NOW + 70_000);
    expect(late).not.toBe(first);
    const { payload } = await verified(jwt, late, NOW + 70_000);
    expect(payload.iat).toBe(NOW_S + 70);
    // Never past the token.
    expect(payload.exp).toBe(NOW_S + 100);
  });

  it('never hands out a cached JWT with less than 30 s to live', async () => {
    const call = callOf({ tokenExpiresAt: NOW + 3_600_000 });
    for (let at = NOW; at < NOW + 3_000_000; at += 10_000) {
      const { payload } = await verified(jwt, jwt.assertion(call, at), at);
      expect((payload.exp as number) * 1000 - at, `at +${(at - NOW) / 1000} s`).toBeGreaterThanOrEqual(
        30_000,
      );
    }
  });
});

describe('signatures', () => {
  it('verify with the published JWK only, and not once the claims are changed', async () => {
    const jwt = await backendJwt();
    const token = jwt.assertion(callOf(), NOW);
    await expect(verified(jwt, token)).resolves.toBeDefined();

    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    claims[`${CLAIM}tier`] = 'Unlimited';
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await expect(verified(jwt, forged)).rejects.toThrow(/signature verification failed/);

    // Another gateway's key (another kid) does not verify it.
    const other = await backendJwt();
    await expect(verified(other, token)).rejects.toThrow();
  });
});
