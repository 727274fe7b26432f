import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureNodeCertificates } from '../../src/platform/certs.js';
import { BadRequest } from '../../src/platform/errors.js';
import { Readiness, registerHealthRoutes } from '../../src/platform/health.js';
import { createApp, HttpServers } from '../../src/platform/http-server.js';
import { createLogger } from '../../src/platform/logger.js';
import { useTempDirs } from '../support/temp-dirs.js';

const logger = createLogger('silent');
const certs = await ensureNodeCertificates({
  certsDir: path.join(useTempDirs('http')(), 'certs'),
  hostname: 'localhost',
});

let servers: HttpServers | undefined;
afterEach(async () => {
  await servers?.close();
  servers = undefined;
});

async function serve(build: (app: ReturnType<typeof createApp>) => void, bodyLimit = 2048) {
  servers = new HttpServers({ host: '127.0.0.1', httpsPort: 0, httpPort: 0, tls: certs });
  await servers.bind();
  const app = createApp({ bodyLimit, logger });
  build(app);
  await servers.serve(app);
  return {
    https: servers.url('https', 'localhost') as string,
    http: servers.url('http', '127.0.0.1') as string,
  };
}

describe('HttpServers', () => {
  it('serves the same routes on HTTPS (verified against the CA) and HTTP', async () => {
    const urls = await serve((app) => app.get('/hello', () => ({ hello: 'world' })));
    const dispatcher = new Agent({ connect: { ca: readFileSync(certs.files.ca, 'utf8') } });
    const secure = await request(`${urls.https}/hello`, { dispatcher });
    expect(await secure.body.json()).toEqual({ hello: 'world' });
    const plain = await request(`${urls.http}/hello`);
    expect(await plain.body.json()).toEqual({ hello: 'world' });
    await dispatcher.close();
  });

  it('answers errors with the WSO2 body, and 404 and 413 too', async () => {
    const urls = await serve((app) => {
      app.get('/bad', () => {
        throw new BadRequest('name is required');
      });
      app.post('/echo', (req) => req.body);
      app.get('/boom', () => {
        throw new Error('secret internal detail');
      });
    });
    const bad = await request(`${urls.http}/bad`);
    expect(bad.statusCode).toBe(400);
    expect(await bad.body.json()).toEqual({
      code: 400,
      message: 'Bad Request',
      description: 'name is required',
      moreInfo: '',
      error: [],
    });
    const missing = await request(`${urls.http}/nowhere?token=abc`);
    expect(missing.statusCode).toBe(404);
    expect(await missing.body.json()).toMatchObject({
      code: 404,
      description: 'No resource at GET /nowhere.',
    });
    const big = await request(`${urls.http}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ x: 'y'.repeat(5000) }),
    });
    expect(big.statusCode).toBe(413);
    expect(await big.body.json()).toMatchObject({ code: 413 });
    const boom = await request(`${urls.http}/boom`);
    expect(boom.statusCode).toBe(500);
    expect(await boom.body.text()).not.toContain('secret internal detail');
  });

  it('lets an in-flight request finish on close, then refuses connections', async () => {
    let release: () => void = () => {};
    const urls = await serve((app) =>
      app.get('/slow', async () => {
        await new Promise<void>((resolve) => (release = resolve));
        return { done: true };
      }),
    );
    const inFlight = request(`${urls.http}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const closing = servers!.close();
    servers = undefined;
    await new Promise((r) => setTimeout(r, 50));
    release();
    const response = await inFlight;
    expect(await response.body.json()).toEqual({ done: true });
    await closing;
    await expect(request(`${urls.http}/slow`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('reports a port in use clearly', async () => {
    const urls = await serve(() => {});
    const port = Number(new URL(urls.http).port);
    const other = new HttpServers({ host: '127.0.0.1', httpsPort: 0, httpPort: port, tls: certs });
    await expect(other.bind()).rejects.toThrow(`port ${port} (http) is already in use`);
    await other.close();
  });
});

describe('health', () => {
  it('is live always, and ready only when every check passes', async () => {
    const readiness = new Readiness();
    let databaseUp = true;
    readiness.add('database', () => databaseUp);
    readiness.add('eventHub', async () => true);
    readiness.add('broken', () => {
      throw new Error('check failed');
    });
    const urls = await serve((app) => registerHealthRoutes(app, readiness));
    expect((await request(`${urls.http}/health/live`)).statusCode).toBe(200);
    const notReady = await request(`${urls.http}/health/ready`);
    expect(notReady.statusCode).toBe(503);
    expect(await notReady.body.json()).toEqual({
      status: 'DOWN',
      checks: { database: 'UP', eventHub: 'UP', broken: 'DOWN' },
    });
    readiness.add('broken', () => true);
    expect((await request(`${urls.http}/health/ready`)).statusCode).toBe(200);
    databaseUp = false;
    const down = await request(`${urls.http}/health/ready`);
    expect(await down.body.json()).toMatchObject({ status: 'DOWN', checks: { database: 'DOWN' } });
  });
});
