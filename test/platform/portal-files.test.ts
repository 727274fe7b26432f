/**
 * A built portal as the components serve it: index.html for deep links, hashed assets cached for good,
 * config.json never cached, no way out of the portal's folder, plain HTTP sent to HTTPS, and a clear 503 when
 * the portals were not built. A fake ui/dist keeps this test independent of `npm run build:ui`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/platform/http-server.js';
import { registerErrorHandlers } from '../../src/platform/http-errors.js';
import { registerPortal } from '../../src/platform/portal-files.js';

let dir: string;
let app: App;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'portcullis-portals-'));
  mkdirSync(path.join(dir, 'publisher', 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'publisher', 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(dir, 'publisher', 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'publisher', 'assets', 'index-abc123.js.br'), 'brotli bytes');
  writeFileSync(path.join(dir, 'publisher', 'assets', 'index-abc123.js.gz'), 'gzip bytes');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the portal');
  app = Fastify({ trustProxy: true }) as unknown as App;
  registerErrorHandlers(app);
  const common = {
    httpsUrl: 'https://portal.example.com:9443',
    settings: () => ({ keyManagerUrl: 'https://km.example.com', clientId: 'portcullis-portals' }),
    connectTo: () => ['https://km.example.com'],
    dir,
  };
  registerPortal(app, { name: 'publisher', ...common });
  registerPortal(app, { name: 'admin', ...common });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

// inject is plain HTTP; a trusted proxy's X-Forwarded-Proto makes it HTTPS, as behind a load balancer.
const overHttps = { 'x-forwarded-proto': 'https' };
const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers, remoteAddress: '127.0.0.1' });

describe('a built portal', () => {
  it('answers index.html for its root and for any deep link, uncached, with a strict CSP', async () => {
    for (const url of ['/publisher/', '/publisher/apis/123/overview']) {
      const res = await get(url, overHttps);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toContain('<div id="root">');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self' https://km.example.com");
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });

  it('serves hashed assets with their type, cached for a year', async () => {
    const res = await get('/publisher/assets/index-abc123.js', overHttps);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toBe('console.log(1)');
  });

  it("sends the build's compressed copy the browser takes, else the file itself", async () => {
    const cases: [string | undefined, string | undefined, string][] = [
      ['gzip, deflate, br, zstd', 'br', 'brotli bytes'],
      ['gzip', 'gzip', 'gzip bytes'],
      ['br;q=0, gzip;q=0.5', 'gzip', 'gzip bytes'],
      ['identity', undefined, 'console.log(1)'],
      [undefined, undefined, 'console.log(1)'],
    ];
    for (const [accept, encoding, body] of cases) {
      const res = await get('/publisher/assets/index-abc123.js', {
        ...overHttps,
        ...(accept ? { 'accept-encoding': accept } : {}),
      });
      expect(res.headers['content-encoding'], String(accept)).toBe(encoding);
      expect(res.headers.vary).toBe('Accept-Encoding');
      expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(res.body).toBe(body);
    }
  });

  it('answers 404 in the WSO2 shape for a missing asset and never leaves the folder', async () => {
    for (const url of [
      '/publisher/assets/nope.js',
      '/publisher/assets/../../secret.txt',
      '/publisher/assets/%2e%2e/%2e%2e/secret.txt',
    ]) {
      const res = await get(url, overHttps);
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ code: 404, message: 'Not Found' });
      expect(res.body).not.toContain('outside the portal');
    }
  });

  it('gives the portal its settings, never cached', async () => {
    const res = await get('/publisher/config.json', overHttps);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({ keyManagerUrl: 'https://km.example.com', clientId: 'portcullis-portals' });
  });

  it('sends /publisher to /publisher/ and plain HTTP to the HTTPS listener, keeping the path', async () => {
    const bare = await get('/publisher', overHttps);
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/publisher/');
    const plain = await get('/publisher/apis/1?tab=docs');
    expect(plain.statusCode).toBe(308);
    expect(plain.headers.location).toBe('https://portal.example.com:9443/publisher/apis/1?tab=docs');
  });

  it('answers 503 with what to do when the portal is not built', async () => {
    const res = await get('/admin/', overHttps);
    expect(res.statusCode).toBe(503);
    expect(res.json().description).toContain('npm run build:ui');
  });
});
