import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { maskConfig } from '../../src/config/mask.js';
import { useTempDirs } from '../support/temp-dirs.js';

const tempDir = useTempDirs('config');

function dirWith(toml?: string): string {
  const dir = tempDir();
  if (toml !== undefined) writeFileSync(path.join(dir, 'portcullis.toml'), toml);
  return dir;
}

function problemsOf(run: () => unknown) {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses the defaults when there is no file', () => {
    const cwd = dirWith();
    const { config, file } = loadConfig({ env: {}, cwd });
    expect(file).toBeUndefined();
    expect(config.http).toMatchObject({ https_port: 9443, http_port: 9763 });
    expect(config.node.profile).toBe('all');
    expect(config.event_hub.type).toBe('in-process');
    expect(config.data_dir).toBe(path.join(cwd, 'data'));
  });

  it('reads ./portcullis.toml when present, and PORTCULLIS_CONFIG or --config otherwise', () => {
    const cwd = dirWith('[http]\nhttps_port = 8443\n');
    expect(loadConfig({ env: {}, cwd }).config.http.https_port).toBe(8443);
    const other = path.join(cwd, 'other.toml');
    writeFileSync(other, '[http]\nhttps_port = 7443\n');
    expect(loadConfig({ env: { PORTCULLIS_CONFIG: other }, cwd }).config.http.https_port).toBe(7443);
    expect(
      loadConfig({ file: other, env: { PORTCULLIS_CONFIG: 'nope.toml' }, cwd }).config.http.https_port,
    ).toBe(7443);
  });

  it('lets the environment override any key, converting to the key type', () => {
    const cwd = dirWith('[http]\nhttps_port = 8443\n');
    const { config } = loadConfig({
      cwd,
      env: {
        PORTCULLIS_HTTP__HTTPS_PORT: '10443',
        PORTCULLIS_DATA_DIR: '/var/lib/portcullis',
        PORTCULLIS_EVENT_HUB__TYPE: 'rabbitmq',
        PORTCULLIS_EVENT_HUB__BROKERS: 'amqp://a:5672, amqp://b:5672',
        PORTCULLIS_KEY_MANAGER__TOKEN_FORMAT: 'OPAQUE',
        PORTCULLIS_ADMIN_PASSWORD: 'not a config key',
      },
    });
    expect(config.http.https_port).toBe(10443);
    expect(config.data_dir).toBe('/var/lib/portcullis');
    expect(config.event_hub.brokers).toEqual(['amqp://a:5672', 'amqp://b:5672']);
    expect(config.key_manager.token_format).toBe('OPAQUE');
  });

  it('names the key, the file and the reason for an unknown key', () => {
    const cwd = dirWith('[http]\nhttps_prot = 8443\n\n[nonsense]\nx = 1\n');
    const problems = problemsOf(() => loadConfig({ env: {}, cwd }));
    const file = path.join(cwd, 'portcullis.toml');
    expect(problems).toEqual(
      expect.arrayContaining([
        { key: 'http.https_prot', source: file, reason: 'unknown configuration key' },
        { key: 'nonsense', source: file, reason: 'unknown configuration key' },
      ]),
    );
  });

  it('names the variable for an unknown environment key', () => {
    const problems = problemsOf(() => loadConfig({ env: { PORTCULLIS_HTTP__PORTT: '1' }, cwd: dirWith() }));
    expect(problems).toEqual([
      {
        key: 'http.portt',
        source: 'environment variable PORTCULLIS_HTTP__PORTT',
        reason: 'unknown configuration key',
      },
    ]);
  });

  it('rejects bad values with the reason', () => {
    const cwd = dirWith('[http]\nhttps_port = 70000\n[node]\nprofile = "everything"\n');
    const problems = problemsOf(() => loadConfig({ env: { PORTCULLIS_HTTP__HTTP_PORT: 'eighty' }, cwd }));
    const byKey = Object.fromEntries(problems.map((p) => [p.key, p]));
    expect(byKey['http.https_port']?.reason).toMatch(/<= 65535/);
    expect(byKey['node.profile']?.reason).toMatch(/must be one of "all", "key-manager"/);
    expect(byKey['http.http_port']?.source).toBe('environment variable PORTCULLIS_HTTP__HTTP_PORT');
  });

  it('rejects a database URL of an unknown kind', () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { PORTCULLIS_DATABASE__URL: 'mysql://root@db/portcullis' }, cwd: dirWith() }),
    );
    expect(problems[0]).toMatchObject({
      key: 'database.url',
      source: 'environment variable PORTCULLIS_DATABASE__URL',
    });
  });

  it('reports invalid TOML with its line, and a missing explicit file', () => {
    const cwd = dirWith('[http\nhttps_port = 1\n');
    expect(problemsOf(() => loadConfig({ env: {}, cwd }))[0]?.reason).toMatch(/invalid TOML at line 1/);
    expect(problemsOf(() => loadConfig({ file: 'missing.toml', env: {}, cwd }))[0]).toMatchObject({
      reason: 'configuration file not found',
    });
  });
});

describe('maskConfig', () => {
  it('masks passwords in secret URLs and leaves the rest readable', () => {
    const { config } = loadConfig({
      cwd: dirWith(),
      env: {
        PORTCULLIS_DATABASE__URL:
          'postgres://portcullis:s3cret@db.internal:5432/apim?sslpassword=k3y&sslmode=require',
        PORTCULLIS_EVENT_HUB__BROKERS: 'amqp://guest:hunter2@mq1:5672,amqp://mq2:5672',
      },
    });
    const masked = JSON.stringify(maskConfig(config));
    expect(masked).not.toContain('s3cret');
    expect(masked).not.toContain('hunter2');
    expect(masked).not.toContain('k3y');
    expect(masked).toContain('sslmode=require');
    expect(masked).toContain('db.internal:5432/apim');
    expect(masked).toContain('amqp://mq2:5672');
    expect(config.database.url).toContain('s3cret');
  });
});
