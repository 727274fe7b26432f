/**
 * The example deployment (deploy/servers, deploy/systemd) cannot rot: each node's configuration loads with the
 * real loader, sets the keys docs/deployment.md gives that node, and agrees with the other nodes, with the
 * load balancers of nginx.conf and with the systemd unit.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createCertificateAuthority, issueCertificate } from '../../src/platform/certs.js';
import { useTempDirs } from '../support/temp-dirs.js';

const run = promisify(execFile);
const tempDir = useTempDirs('deploy');

const SERVERS = 'deploy/servers';
const UNIT = 'deploy/systemd/portcullis@.service';

/** The keys docs/deployment.md has each node set; the example sets exactly these. */
const NODE_KEYS = [
  'data_dir',
  'node.profile',
  'node.name',
  'node.hostname',
  'http.https_port',
  'http.http_port',
  'http.cert_file',
  'http.key_file',
  'http.ca_file',
  'event_hub.type',
  'event_hub.brokers',
  'event_hub.cluster',
];
const CONTROL_PLANE_KEYS = [...NODE_KEYS, 'http.trust_proxy', 'database.url'];
const NODE_CLIENT_KEYS = ['services.node_client_id', 'services.node_client_secret'];
const EXPECTED_KEYS = {
  'key-manager': [...CONTROL_PLANE_KEYS, 'key_manager.issuer'],
  publisher: [
    ...CONTROL_PLANE_KEYS,
    'services.key_manager_url',
    'services.devportal_url',
    ...NODE_CLIENT_KEYS,
    'publisher.environments',
  ],
  devportal: [...CONTROL_PLANE_KEYS, 'services.key_manager_url', 'services.revoke_url', ...NODE_CLIENT_KEYS],
  'traffic-manager': NODE_KEYS,
  gateway: [
    ...NODE_KEYS,
    'http.trust_proxy',
    'services.key_manager_url',
    'services.publisher_url',
    ...NODE_CLIENT_KEYS,
    'gateway.environment',
    'gateway.http_port',
    'gateway.https_port',
  ],
} as const;
type Profile = keyof typeof EXPECTED_KEYS;
/** Where docs/deployment.md configures each node (the guide's step 6). */
const DOC_SECTIONS: Record<Profile, string> = {
  'key-manager': '6.1 Key Manager',
  publisher: '6.2 Publisher',
  devportal: '6.3 Developer Portal',
  'traffic-manager': '6.4 Traffic Manager',
  gateway: '6.5 Gateway',
};
const PROFILES = Object.keys(EXPECTED_KEYS) as Profile[];
const CONTROL_PLANE: Profile[] = ['key-manager', 'publisher', 'devportal'];

const PLACEHOLDER = /^CHANGE-ME-[a-z-]+$/;

/** The dotted keys a TOML file sets (an array of tables counts as its key). */
function keysOf(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => {
    const dotted = prefix ? `${prefix}.${key}` : key;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? keysOf(value as Record<string, unknown>, dotted)
      : [dotted];
  });
}

const file = (profile: Profile) => path.resolve(SERVERS, `${profile}.toml`);
const load = (profile: Profile): Config => loadConfig({ file: file(profile), env: {} }).config;
const configs = Object.fromEntries(PROFILES.map((p) => [p, load(p)])) as Record<Profile, Config>;
const origin = (url: string) => new URL(url).origin;

async function nginxInstalled(): Promise<boolean> {
  return run('nginx', ['-v']).then(
    () => true,
    () => false,
  );
}
const NGINX = await nginxInstalled();

describe('deploy/servers/*.toml', () => {
  it.each(PROFILES)(
    '%s.toml loads with the real loader and sets the keys the docs give that node',
    (profile) => {
      const config = configs[profile];
      expect(config.node.profile).toBe(profile);
      const set = keysOf(parseToml(readFileSync(file(profile), 'utf8')) as Record<string, unknown>);
      expect(set.sort()).toEqual([...EXPECTED_KEYS[profile]].sort());
    },
  );

  it.each(PROFILES)(
    '%s.toml: docs/deployment.md step 6 names the keys particular to that node',
    (profile) => {
      const doc = readFileSync('docs/deployment.md', 'utf8');
      const start = doc.indexOf(`### ${DOC_SECTIONS[profile]}`);
      expect(start).toBeGreaterThan(-1);
      const end = doc.slice(start + 4).search(/^##/m);
      const section = doc.slice(start, end === -1 ? undefined : start + 4 + end);
      const particular = EXPECTED_KEYS[profile].filter((k) => !(CONTROL_PLANE_KEYS as string[]).includes(k));
      // `key`, `key = value`, or the bare name (`node_client_secret`) beside its section's first key.
      const named = (name: string) => section.includes(`\`${name}\``) || section.includes(`\`${name} =`);
      for (const key of particular) {
        expect(named(key) || named(key.split('.').pop() as string), key).toBe(true);
      }
    },
  );

  it.each(PROFILES)('%s.toml names its node, certificate and data directory consistently', (profile) => {
    const { node, http, data_dir } = configs[profile];
    expect(node.name).toMatch(/^[a-z]+-1$/);
    expect(node.hostname).toBe(`${node.name}.example.com`);
    expect(http).toMatchObject({
      https_port: 9443,
      http_port: 9763,
      cert_file: `/etc/portcullis/certs/${node.name}.pem`,
      key_file: `/etc/portcullis/certs/${node.name}-key.pem`,
      ca_file: '/etc/portcullis/certs/ca.pem',
    });
    // The systemd unit's StateDirectory=portcullis/%i.
    expect(data_dir).toBe(`/var/lib/portcullis/${profile}`);
  });

  it('every node is on the same brokers and event-hub cluster; only the control plane has the database', () => {
    const [first, ...others] = PROFILES.map((p) => configs[p].event_hub);
    expect(first?.type).toBe('rabbitmq');
    expect(first?.brokers.length).toBeGreaterThanOrEqual(2);
    for (const hub of others) expect(hub).toEqual(first);
    const urls = CONTROL_PLANE.map((p) => configs[p].database.url);
    expect(new Set(urls).size).toBe(1);
    expect(urls[0]).toMatch(/^postgres:\/\//);
    expect(configs.gateway.database.url).toBe('');
    expect(configs['traffic-manager'].database.url).toBe('');
  });

  it('secrets are placeholders, never values', () => {
    for (const profile of PROFILES) {
      const { database, event_hub, services } = configs[profile];
      for (const url of [database.url, ...event_hub.brokers].filter(Boolean)) {
        expect(decodeURIComponent(new URL(url).password)).toMatch(PLACEHOLDER);
      }
      if (services.node_client_id) {
        expect(services.node_client_id).toMatch(PLACEHOLDER);
        expect(services.node_client_secret).toMatch(PLACEHOLDER);
      }
    }
  });

  it('the nodes find each other through the load balancers the Key Managers and Publishers name', () => {
    const km = configs['key-manager'];
    const kmUrl = configs.gateway.services.key_manager_url;
    for (const profile of ['publisher', 'devportal', 'gateway'] as const) {
      expect(configs[profile].services.key_manager_url).toBe(kmUrl);
    }
    // Both Key Managers issue the load balancer's URL, which the other nodes call.
    expect(km.key_manager.issuer).toBe(`${kmUrl}/oauth2/token`);
    expect(new URL(kmUrl).hostname).not.toBe(km.node.hostname);

    const [environment, ...more] = configs.publisher.publisher.environments;
    expect(more).toEqual([]);
    expect(environment?.name).toBe(configs.gateway.gateway.environment);
    expect(configs.devportal.services.revoke_url).toBe(
      `https://${environment?.host}:${environment?.https_port}/revoke`,
    );
    expect([environment?.http_port, environment?.https_port]).toEqual([
      configs.gateway.gateway.http_port,
      configs.gateway.gateway.https_port,
    ]);
    const trustProxy = CONTROL_PLANE.map((p) => configs[p].http.trust_proxy);
    for (const list of trustProxy) expect(list).toEqual(trustProxy[0]);
  });
});

/** The `server { … }` blocks of nginx.conf, each with its directives (comments dropped). */
function nginxServers(conf: string): { text: string; serverName: string; listen: string }[] {
  const text = conf.replace(/#.*$/gm, '');
  const servers: { text: string; serverName: string; listen: string }[] = [];
  for (let at = text.indexOf('server {'); at !== -1; at = text.indexOf('server {', at + 1)) {
    let depth = 0;
    let end = at;
    for (let i = text.indexOf('{', at); i < text.length; i++) {
      if (text[i] === '{') depth++;
      if (text[i] === '}' && --depth === 0) {
        end = i;
        break;
      }
    }
    const block = text.slice(at, end + 1);
    servers.push({
      text: block,
      serverName: /server_name\s+([^;]+);/.exec(block)?.[1] ?? '',
      listen: /listen\s+([^;]+);/.exec(block)?.[1] ?? '',
    });
  }
  return servers;
}

function upstreamServers(conf: string, name: string): string[] {
  const block = new RegExp(`upstream ${name} \\{([^}]*)\\}`).exec(conf)?.[1] ?? '';
  return [...block.matchAll(/^\s*server\s+(\S+)/gm)].map((m) => m[1] as string);
}

describe('deploy/servers/nginx.conf', () => {
  const conf = readFileSync(path.join(SERVERS, 'nginx.conf'), 'utf8');
  const servers = nginxServers(conf);
  /** The node and its pair (…-1 and …-2) at a port. */
  const pair = (profile: Profile, port: number) =>
    [1, 2].map((n) => `${configs[profile].node.name.replace(/-1$/, `-${n}`)}.example.com:${port}`);

  it('balances each pair of nodes at the ports their configurations give', () => {
    expect(upstreamServers(conf, 'key_managers')).toEqual(pair('key-manager', 9443));
    expect(upstreamServers(conf, 'publishers')).toEqual(pair('publisher', 9443));
    expect(upstreamServers(conf, 'devportals')).toEqual(pair('devportal', 9443));
    expect(upstreamServers(conf, 'gateways_http')).toEqual(
      pair('gateway', configs.gateway.gateway.http_port),
    );
    expect(upstreamServers(conf, 'gateways_https')).toEqual(
      pair('gateway', configs.gateway.gateway.https_port),
    );
  });

  it('answers at the URLs the nodes are configured with', () => {
    const environment = configs.publisher.publisher.environments[0];
    const expected = [
      configs.gateway.services.key_manager_url,
      configs.gateway.services.publisher_url,
      configs.publisher.services.devportal_url,
      `http://${environment?.host}:${environment?.http_port}`,
      `https://${environment?.host}:${environment?.https_port}`,
    ];
    const answered = servers.map((s) => {
      const [port = '', ssl] = s.listen.split(/\s+/);
      return origin(`${ssl === 'ssl' ? 'https' : 'http'}://${s.serverName}:${port}`);
    });
    expect(answered.sort()).toEqual(expected.map(origin).sort());
    expect(conf).toContain(configs.publisher.http.trust_proxy[0]);
  });

  it('verifies every node it re-encrypts to, by the name it answers for', () => {
    expect(conf).toMatch(/^\s*proxy_ssl_verify on;/m);
    expect(conf).toMatch(/^\s*proxy_ssl_trusted_certificate \S+ca\.pem;/m);
    for (const server of servers.filter((s) => s.text.includes('proxy_pass https://'))) {
      const names = [...server.text.matchAll(/proxy_ssl_name (\S+);/g)].map((m) => m[1]);
      const passes = [...server.text.matchAll(/proxy_pass https:/g)];
      expect(names).toHaveLength(passes.length);
      for (const name of names) expect(name).toBe(server.serverName);
    }
  });

  it.runIf(NGINX)('is accepted by nginx -t', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'tmp'));
    const ca = await createCertificateAuthority({ commonName: 'Example deployment CA' });
    const names = servers.map((s) => s.serverName);
    const lb = await issueCertificate({
      ca,
      commonName: names[0] as string,
      dnsNames: names,
      ipAddresses: [],
    });
    writeFileSync(path.join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(path.join(dir, 'lb.pem'), lb.certPem);
    writeFileSync(path.join(dir, 'lb-key.pem'), lb.keyPem, { mode: 0o600 });
    // The example's host names do not resolve here, and its files and logs are the system's.
    const local = conf
      .replaceAll('/etc/nginx/portcullis/', `${dir}/`)
      .replace(/^user .*$/m, '')
      .replace(/^pid .*$/m, `pid ${dir}/nginx.pid;`)
      .replaceAll('/var/log/nginx/', `${dir}/`)
      .replace(/(^\s*server\s+)[a-z0-9.-]+\.example\.com:/gm, '$1127.0.0.1:')
      .replace(
        /^http \{/m,
        `http {\n${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
          .map((t) => `  ${t}_temp_path ${dir}/tmp/${t};`)
          .join('\n')}`,
      );
    writeFileSync(path.join(dir, 'nginx.conf'), local);
    const result = await run('nginx', ['-t', '-p', dir, '-e', `${dir}/error.log`, '-c', `${dir}/nginx.conf`]);
    expect(result.stderr).toMatch(/test is successful/);
  });
});

describe('deploy/systemd/portcullis@.service', () => {
  const unit = readFileSync(UNIT, 'utf8');
  const directives = (name: string) =>
    [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1] as string);

  it('starts the profile of its instance with /etc/portcullis/<profile>.toml, writing only the data directory', () => {
    expect(directives('ExecStart')).toEqual([
      '/usr/bin/node /opt/portcullis/bin/portcullis.js start --profile %i --config /etc/portcullis/%i.toml',
    ]);
    const [stateDirectory = ''] = directives('StateDirectory');
    for (const profile of PROFILES) {
      expect(configs[profile].data_dir).toBe(`/var/lib/${stateDirectory.replace('%i', profile)}`);
    }
    expect(directives('ProtectSystem')).toEqual(['strict']);
  });

  it('runs hardened, as its own user, restarting on failure', () => {
    expect(directives('User')).toEqual(['portcullis']);
    expect(directives('NoNewPrivileges')).toEqual(['true']);
    expect(directives('CapabilityBoundingSet')).toEqual(['']);
    expect(directives('Restart')).toEqual(['on-failure']);
    // V8's JIT needs writable, executable memory.
    expect(directives('MemoryDenyWriteExecute')).toEqual([]);
  });

  it('takes the admin password only from the environment file', () => {
    expect(directives('EnvironmentFile')).toEqual(['-/etc/portcullis/%i.env']);
    for (const environment of directives('Environment')) expect(environment).not.toMatch(/^PORTCULLIS_/);
  });
});
