/**
 * `portcullis certs`: create-ca, issue and check, run as the real CLI, and the certificates they make
 * served by a node and verified by a TLS client that trusts only the CA.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Agent, fetch } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { startTestNode } from '../support/node.js';
import { useTempDirs } from '../support/temp-dirs.js';

const tempDir = useTempDirs('certs');

// Every run starts the CLI from source, which takes seconds on a slow machine.
const SLOW = 180_000;
const DAY_MS = 86_400_000;
const CA_NAME = 'Test Deployment CA';

/** `portcullis certs <command> --dir <dir> <args…>`. */
function certs(command: string, dir: string, ...args: string[]): Promise<CliResult> {
  return runCli(['certs', command, '--dir', dir, ...args]);
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');
const certificate = (dir: string, file: string) => new X509Certificate(read(dir, file));
const mode = (dir: string, file: string) => statSync(path.join(dir, file)).mode & 0o777;
const listing = (dir: string) => readdirSync(dir).sort();

/** The entries of a certificate's subjectAltName, e.g. ['DNS:a.example.com', 'IP Address:10.0.0.5']. */
const altNames = (cert: X509Certificate) => (cert.subjectAltName ?? '').split(', ').filter(Boolean);

function expectOk(result: CliResult): void {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

function expectRefused(result: CliResult, message: string | RegExp): void {
  expect(result.code).toBe(1);
  if (typeof message === 'string') expect(result.stderr).toContain(message);
  else expect(result.stderr).toMatch(message);
  // A refusal is a clean message, not a crash.
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

/** The CA every test below issues from. */
let caDir: string;

beforeAll(async () => {
  caDir = tempDir();
  expectOk(await certs('create-ca', caDir, '--name', CA_NAME));
}, SLOW);

describe('portcullis certs create-ca', () => {
  it(
    'writes ca.pem and an owner-only ca-key.pem, refuses to overwrite them without --force, replaces them with it',
    async () => {
      const dir = path.join(tempDir(), 'pki');
      const created = await certs('create-ca', dir, '--name', 'My CA', '--days', '100');
      expectOk(created);
      expect(created.stdout).toContain(`CA "My CA": ${path.join(dir, 'ca.pem')}`);
      expect(listing(dir)).toEqual(['ca-key.pem', 'ca.pem']);
      expect(mode(dir, 'ca-key.pem')).toBe(0o600);

      const ca = certificate(dir, 'ca.pem');
      expect(ca.ca).toBe(true);
      expect(ca.subject).toBe('CN=My CA');
      expect(ca.issuer).toBe('CN=My CA');
      expect(ca.verify(ca.publicKey)).toBe(true);
      expect(ca.checkPrivateKey(createPrivateKey(read(dir, 'ca-key.pem')))).toBe(true);
      expect(Math.round((Date.parse(ca.validTo) - Date.now()) / DAY_MS)).toBe(100);

      const before = { cert: read(dir, 'ca.pem'), key: read(dir, 'ca-key.pem') };
      const refused = await certs('create-ca', dir);
      expectRefused(refused, `${path.join(dir, 'ca.pem')} exists; pass --force to replace it`);
      expect(refused.stdout).toBe('');
      expect({ cert: read(dir, 'ca.pem'), key: read(dir, 'ca-key.pem') }).toEqual(before);

      expectOk(await certs('create-ca', dir, '--force'));
      expect(read(dir, 'ca.pem')).not.toBe(before.cert);
      expect(read(dir, 'ca-key.pem')).not.toBe(before.key);
      expect(mode(dir, 'ca-key.pem')).toBe(0o600);
      const replaced = certificate(dir, 'ca.pem');
      expect(replaced.subject).toBe('CN=Portcullis CA');
      expect(replaced.checkPrivateKey(createPrivateKey(read(dir, 'ca-key.pem')))).toBe(true);
      expect(listing(dir)).toEqual(['ca-key.pem', 'ca.pem']);
    },
    SLOW,
  );
});

describe('portcullis certs issue', () => {
  it(
    'writes <name>.pem and <name>-key.pem: CN the first --dns, every --dns and --ip in subjectAltName, signed by the CA',
    async () => {
      const started = Date.now();
      const result = await certs(
        'issue',
        caDir,
        '--name',
        'gw-1',
        '--dns',
        'gw-1.example.com',
        '--dns',
        'gw-1.internal',
        '--ip',
        '10.0.0.5',
        '--ip',
        '::1',
        '--days',
        '90',
      );
      const finished = Date.now();
      expectOk(result);
      expect(result.stdout).toBe(
        `gw-1: ${path.join(caDir, 'gw-1.pem')} (http.cert_file), key ${path.join(caDir, 'gw-1-key.pem')} ` +
          '(http.key_file), for gw-1.example.com, gw-1.internal, 10.0.0.5, ::1\n',
      );
      expect(mode(caDir, 'gw-1-key.pem')).toBe(0o600);

      const ca = certificate(caDir, 'ca.pem');
      const cert = certificate(caDir, 'gw-1.pem');
      expect(cert.subject).toBe('CN=gw-1.example.com');
      expect(cert.issuer).toBe(ca.subject);
      expect(cert.issuer).toBe(`CN=${CA_NAME}`);
      expect(cert.checkIssued(ca)).toBe(true);
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.ca).toBe(false);
      expect(cert.checkPrivateKey(createPrivateKey(read(caDir, 'gw-1-key.pem')))).toBe(true);

      const names = altNames(cert);
      expect(names.filter((name) => name.startsWith('DNS:'))).toEqual([
        'DNS:gw-1.example.com',
        'DNS:gw-1.internal',
      ]);
      expect(names).toContain('IP Address:10.0.0.5');
      expect(names.filter((name) => name.startsWith('IP Address:'))).toHaveLength(2);
      expect(names).toHaveLength(4);
      expect(cert.checkHost('gw-1.example.com')).toBe('gw-1.example.com');
      expect(cert.checkHost('gw-1.internal')).toBe('gw-1.internal');
      expect(cert.checkIP('10.0.0.5')).toBe('10.0.0.5');
      expect(cert.checkIP('::1')).toBeDefined();
      expect(cert.checkHost('gw-2.example.com')).toBeUndefined();

      // --days 90 from the moment of issue (validTo has whole seconds).
      const notAfter = Date.parse(cert.validTo);
      expect(notAfter).toBeGreaterThanOrEqual(started + 90 * DAY_MS - 1000);
      expect(notAfter).toBeLessThanOrEqual(finished + 90 * DAY_MS);
      expect(Date.parse(cert.validFrom)).toBeLessThanOrEqual(started);
    },
    SLOW,
  );

  it(
    'uses the first --ip as the CN when there is no --dns',
    async () => {
      expectOk(await certs('issue', caDir, '--name', 'by-ip', '--ip', '192.0.2.7'));
      const cert = certificate(caDir, 'by-ip.pem');
      expect(cert.subject).toBe('CN=192.0.2.7');
      expect(altNames(cert)).toEqual(['IP Address:192.0.2.7']);
      expect(cert.verify(certificate(caDir, 'ca.pem').publicKey)).toBe(true);
    },
    SLOW,
  );

  it(
    'refuses no hosts, a bad --ip, a bad --dns or an address as --dns, a --name that is a path, "ca" or another\'s key file, and writes nothing',
    async () => {
      const parent = tempDir();
      const dir = path.join(parent, 'pki');
      expectOk(await certs('create-ca', dir));
      const before = { files: listing(dir), ca: read(dir, 'ca.pem'), key: read(dir, 'ca-key.pem') };
      const issue = (...args: string[]) => certs('issue', dir, ...args);

      const [noHosts, badIp, badDns, slash, dotDot, dotDotSlash, ca, caKey, nodeKey, CA, ipAsDns] =
        await Promise.all([
          issue('--name', 'n1'),
          issue('--name', 'n2', '--dns', 'n2.example.com', '--ip', '10.0.0.256'),
          issue('--name', 'n3', '--dns', 'n3.example.com', '--dns', 'bad_host.example.com'),
          issue('--name', 'sub/n4', '--dns', 'n4.example.com'),
          issue('--name', '..', '--dns', 'n5.example.com'),
          issue('--name', '../n6', '--dns', 'n6.example.com'),
          issue('--name', 'ca', '--dns', 'n7.example.com', '--force'),
          // Their certificate files would be the CA's key, a node's key, the CA's files on a case-blind disk.
          issue('--name', 'ca-key', '--dns', 'n8.example.com', '--force'),
          issue('--name', 'n-key', '--dns', 'n9.example.com', '--force'),
          issue('--name', 'CA', '--dns', 'n10.example.com', '--force'),
          issue('--name', 'n11', '--dns', '10.0.0.5'),
        ]);
      expectRefused(noHosts, "give the node's hosts: --dns <host> and/or --ip <address>");
      expectRefused(badIp, '--ip "10.0.0.256" is not an IP address');
      expectRefused(badDns, '--dns "bad_host.example.com" is not a DNS name');
      const named = (name: string) =>
        `--name must be letters, digits, '.', '_' or '-', neither "ca" nor ending in "-key" (its files would be another's), not "${name}"`;
      expectRefused(slash, named('sub/n4'));
      expectRefused(dotDot, named('..'));
      expectRefused(dotDotSlash, named('../n6'));
      expectRefused(ca, named('ca'));
      expectRefused(caKey, named('ca-key'));
      expectRefused(nodeKey, named('n-key'));
      expectRefused(CA, named('CA'));
      expectRefused(ipAsDns, '--dns "10.0.0.5" is an IP address: give it as --ip');

      expect({ files: listing(dir), ca: read(dir, 'ca.pem'), key: read(dir, 'ca-key.pem') }).toEqual(before);
      expect(listing(parent)).toEqual(['pki']);
    },
    SLOW,
  );

  it(
    'refuses without a CA, and says to run create-ca',
    async () => {
      const empty = tempDir();
      const nowhere = path.join(tempDir(), 'nowhere');
      const [inEmpty, inNowhere] = await Promise.all([
        certs('issue', empty, '--name', 'gw-1', '--dns', 'gw-1.example.com'),
        certs('issue', nowhere, '--name', 'gw-1', '--dns', 'gw-1.example.com'),
      ]);
      expectRefused(
        inEmpty,
        `no CA in ${empty} (ca.pem, ca-key.pem); run \`portcullis certs create-ca\` first`,
      );
      expectRefused(inNowhere, 'run `portcullis certs create-ca` first');
      expect(listing(empty)).toEqual([]);
      expect(existsSync(nowhere)).toBe(false);
    },
    SLOW,
  );

  it(
    'refuses to overwrite a certificate without --force, and replaces it with --force',
    async () => {
      expectOk(await certs('issue', caDir, '--name', 'dup', '--dns', 'dup.example.com'));
      const before = { cert: read(caDir, 'dup.pem'), key: read(caDir, 'dup-key.pem') };

      const refused = await certs('issue', caDir, '--name', 'dup', '--dns', 'other.example.com');
      expectRefused(refused, `${path.join(caDir, 'dup.pem')} exists; pass --force to replace it`);
      expect({ cert: read(caDir, 'dup.pem'), key: read(caDir, 'dup-key.pem') }).toEqual(before);

      expectOk(await certs('issue', caDir, '--name', 'dup', '--dns', 'other.example.com', '--force'));
      const replaced = certificate(caDir, 'dup.pem');
      expect(replaced.subject).toBe('CN=other.example.com');
      expect(read(caDir, 'dup-key.pem')).not.toBe(before.key);
      expect(replaced.checkPrivateKey(createPrivateKey(read(caDir, 'dup-key.pem')))).toBe(true);
      expect(mode(caDir, 'dup-key.pem')).toBe(0o600);
    },
    SLOW,
  );
});

describe('portcullis certs check', () => {
  let dir: string;

  beforeAll(async () => {
    dir = tempDir();
    const otherDir = tempDir();
    // The other CA has the same name: only its signature tells it apart.
    await Promise.all([
      certs('create-ca', dir, '--name', CA_NAME).then(expectOk),
      certs('create-ca', otherDir, '--name', CA_NAME).then(expectOk),
    ]);
    await Promise.all([
      certs('issue', dir, '--name', 'km', '--dns', 'km.example.com', '--ip', '10.0.0.5').then(expectOk),
      certs('issue', dir, '--name', 'soon', '--dns', 'soon.example.com', '--days', '10').then(expectOk),
      certs('issue', otherDir, '--name', 'foreign', '--dns', 'foreign.example.com').then(expectOk),
    ]);
    copyFileSync(path.join(otherDir, 'foreign.pem'), path.join(dir, 'foreign.pem'));
  }, SLOW);

  it(
    'says ok, exit 0, for certificates from the CA for their hosts, and warns of one that expires soon',
    async () => {
      const result = await certs('check', dir, 'km=km.example.com,10.0.0.5', 'soon=soon.example.com');
      expectOk(result);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe('ok    km: valid for km.example.com, 10.0.0.5');
      expect(lines[1]).toMatch(
        /^ok {4}soon: valid for soon\.example\.com \(expires in 10 days: issue it again soon\)$/,
      );
    },
    SLOW,
  );

  it(
    'says WRONG, exit 1, for a wrong host, another CA and a missing certificate',
    async () => {
      const result = await certs(
        'check',
        dir,
        'km=km.example.com',
        'km=gw.example.com,10.0.0.6',
        'foreign=foreign.example.com',
        'ghost=ghost.example.com',
      );
      expect(result.code).toBe(1);
      expect(result.stdout.trimEnd().split('\n')).toEqual([
        'ok    km: valid for km.example.com',
        'WRONG km: not for gw.example.com (CN=km.example.com; names: km.example.com, 10.0.0.5)',
        'WRONG km: not for 10.0.0.6 (CN=km.example.com; names: km.example.com, 10.0.0.5)',
        `WRONG foreign: not signed by the CA (CN=${CA_NAME})`,
        `WRONG ghost: no certificate at ${path.join(dir, 'ghost.pem')}`,
      ]);
      expect(result.stderr).toBe('3 of 4 node certificates are wrong\n');
    },
    SLOW,
  );

  it(
    'needs only the CA certificate: the CA key may be kept offline',
    async () => {
      const offline = tempDir();
      copyFileSync(path.join(dir, 'ca.pem'), path.join(offline, 'ca.pem'));
      copyFileSync(path.join(dir, 'km.pem'), path.join(offline, 'km.pem'));
      const result = await certs('check', offline, 'km=km.example.com');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe('ok    km: valid for km.example.com\n');
    },
    SLOW,
  );

  it(
    'refuses a spec that is not <name>=<host>[,<host>…]',
    async () => {
      const [noEquals, noHosts, twoEquals] = await Promise.all([
        certs('check', dir, 'km'),
        certs('check', dir, 'km='),
        certs('check', dir, 'km=km.example.com=junk'),
      ]);
      expectRefused(noEquals, '"km" is not <name>=<host>[,<host>…]');
      expectRefused(noHosts, '"km=" is not <name>=<host>[,<host>…]');
      expectRefused(twoEquals, '"km=km.example.com=junk" is not <name>=<host>[,<host>…]');
      expect(noEquals.stdout).toBe('');
    },
    SLOW,
  );
});

describe('issued certificates for TLS between nodes', () => {
  let dir: string;

  beforeAll(async () => {
    dir = tempDir();
    expectOk(await certs('create-ca', dir));
    await Promise.all([
      certs('issue', dir, '--name', 'km', '--dns', 'localhost', '--ip', '127.0.0.1').then(expectOk),
      certs('issue', dir, '--name', 'elsewhere', '--dns', 'other.example.com').then(expectOk),
    ]);
  }, SLOW);

  /** GET /health/live of a node serving <dir>/<name>.pem, at 127.0.0.1, by a client trusting only the CA. */
  async function fetchLive(name: string, trustCa = true): Promise<{ status: number; body: unknown }> {
    const node = await startTestNode({
      env: {
        PORTCULLIS_NODE__PROFILE: 'key-manager',
        PORTCULLIS_NODE__HOSTNAME: 'localhost',
        PORTCULLIS_HTTP__CERT_FILE: path.join(dir, `${name}.pem`),
        PORTCULLIS_HTTP__KEY_FILE: path.join(dir, `${name}-key.pem`),
        PORTCULLIS_HTTP__CA_FILE: path.join(dir, 'ca.pem'),
      },
    });
    const agent = new Agent({ connect: trustCa ? { ca: read(dir, 'ca.pem') } : {} });
    try {
      expect(node.ca).toBe(read(dir, 'ca.pem'));
      const { port } = new URL(node.baseUrl);
      const response = await fetch(`https://127.0.0.1:${port}/health/live`, { dispatcher: agent });
      return { status: response.status, body: await response.json() };
    } finally {
      await agent.close();
      await node.close();
    }
  }

  /** The TLS error under undici's "fetch failed". */
  async function tlsError(request: Promise<unknown>): Promise<NodeJS.ErrnoException> {
    const error = (await request.then(
      () => expect.fail('the request should have failed'),
      (err: unknown) => err,
    )) as Error;
    expect(error.message).toBe('fetch failed');
    return error.cause as NodeJS.ErrnoException;
  }

  it(
    'a node serving a certificate for localhost and 127.0.0.1 is trusted through the CA alone',
    async () => {
      expect(await fetchLive('km')).toEqual({ status: 200, body: { status: 'UP' } });
    },
    SLOW,
  );

  it(
    'without the CA the same node is not trusted',
    async () => {
      const cause = await tlsError(fetchLive('km', false));
      expect(cause.code).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED/);
    },
    SLOW,
  );

  it(
    'a certificate for another host fails hostname verification',
    async () => {
      const cause = await tlsError(fetchLive('elsewhere'));
      expect(cause.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
      expect(cause.message).toMatch(/IP: 127\.0\.0\.1 is not in the cert's list/);
    },
    SLOW,
  );
});
