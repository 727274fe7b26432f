import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../support/cli.js';
import { useTempDirs } from '../support/temp-dirs.js';

const tempDir = useTempDirs('cli');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('portcullis CLI', () => {
  it('prints its version', async () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const result = await runCli(['version']);
    expect(result).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
  });

  it('has --help on every command', async () => {
    const start = await runCli(['start', '--help']);
    expect(start.code).toBe(0);
    expect(start.stdout.replace(/\s+/g, ' ')).toMatch(
      /--profile <profile> .*choices: "all", "key-manager", "publisher"/,
    );
    expect((await runCli(['config', 'check', '--help'])).stdout).toMatch(/--config <file>/);
    expect((await runCli(['db', 'migrate', '--help'])).code).toBe(0);
  });

  it('config check prints the effective config with secrets masked', async () => {
    const cwd = tempDir();
    writeFileSync(
      path.join(cwd, 'node.toml'),
      '[database]\nurl = "postgres://apim:t0p-secret@db:5432/apim"\n',
    );
    const result = await runCli(['config', 'check', '--config', 'node.toml'], {
      cwd,
      env: { PORTCULLIS_HTTP__HTTPS_PORT: '8443' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('https_port = 8443');
    expect(result.stdout).toContain('db:5432/apim');
    expect(result.stdout).not.toContain('t0p-secret');
  });

  it('config check exits 1 naming the key, file and reason', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'portcullis.toml'), '[http]\nhttps_port = "x"\ncolour = "blue"\n');
    const result = await runCli(['config', 'check'], { cwd });
    expect(result.code).toBe(1);
    const file = path.join(cwd, 'portcullis.toml');
    expect(result.stderr).toContain(`http.colour: unknown configuration key [${file}]`);
    expect(result.stderr).toMatch(new RegExp(`http.https_port: .*integer.* \\[${file}\\]`));
  });

  it('refuses an unknown profile', async () => {
    const result = await runCli(['start', '--profile', 'mainframe']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Allowed choices are all, key-manager/);
  });

  it('db migrate prepares the database', async () => {
    const dataDir = tempDir();
    const result = await runCli(['db', 'migrate'], { env: { PORTCULLIS_DATA_DIR: dataDir } });
    expect(result).toMatchObject({ code: 0, stdout: 'database (sqlite) is up to date\n' });
    expect(statSync(path.join(dataDir, 'portcullis.db')).isFile()).toBe(true);
  });

  it('starts, prints where everything is, and stops gracefully on SIGTERM', async () => {
    const dataDir = tempDir();
    const [httpsPort, httpPort] = [await freePort(), await freePort()];
    const [gatewayHttps, gatewayHttp] = [await freePort(), await freePort()];
    const child = spawnCli(['start'], {
      env: {
        PORTCULLIS_DATA_DIR: dataDir,
        PORTCULLIS_HTTP__HOST: '127.0.0.1',
        PORTCULLIS_HTTP__HTTPS_PORT: String(httpsPort),
        PORTCULLIS_HTTP__HTTP_PORT: String(httpPort),
        PORTCULLIS_GATEWAY__HTTPS_PORT: String(gatewayHttps),
        PORTCULLIS_GATEWAY__HTTP_PORT: String(gatewayHttp),
      },
    });
    let stderr = '';
    let stdout = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => stderr, { timeout: 15_000, interval: 100 }).toContain('Portcullis is running');
      expect(stderr).toContain(`https://localhost:${httpsPort}`);
      expect(stderr).toContain(
        `gateway     https://localhost:${gatewayHttps}  http://localhost:${gatewayHttp}`,
      );
      expect(stderr).toContain("traffic mgr adds up the gateways' throttle counts");
      expect(stderr).toContain(`password in ${path.join(dataDir, 'admin-password')}`);
      const password = readFileSync(path.join(dataDir, 'admin-password'), 'utf8').trim();
      expect(password.length).toBeGreaterThanOrEqual(20);
      expect(statSync(path.join(dataDir, 'admin-password')).mode & 0o777).toBe(0o600);
      expect(stdout + stderr).not.toContain(password);
      const ready = await fetch(`http://127.0.0.1:${httpPort}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'UP',
        checks: { database: 'UP', eventHub: 'UP', analytics: 'UP', trafficManager: 'UP', gatewayState: 'UP' },
      });
      for (const line of stdout.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      child.kill('SIGTERM');
    }
    const started = Date.now();
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stdout).toContain('"msg":"stopped"');
  });

  it("starts a traffic manager alone: no database, ready once it follows the gateways' counts", async () => {
    const dataDir = tempDir();
    const httpPort = await freePort();
    const child = spawnCli(['start', '--profile', 'traffic-manager'], {
      env: {
        PORTCULLIS_DATA_DIR: dataDir,
        PORTCULLIS_HTTP__HOST: '127.0.0.1',
        PORTCULLIS_HTTP__HTTPS_PORT: String(await freePort()),
        PORTCULLIS_HTTP__HTTP_PORT: String(httpPort),
      },
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect
        .poll(() => stderr, { timeout: 15_000, interval: 100 })
        .toContain('Portcullis is running (profile traffic-manager)');
      expect(stderr).toContain('traffic mgr');
      expect(stderr).not.toContain('gateway     ');
      const ready = await fetch(`http://127.0.0.1:${httpPort}/health/ready`);
      expect(await ready.json()).toEqual({ status: 'UP', checks: { eventHub: 'UP', trafficManager: 'UP' } });
      expect(existsSync(path.join(dataDir, 'portcullis.db'))).toBe(false);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
