import 'reflect-metadata';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate as PeculiarCertificate,
} from '@peculiar/x509';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, get, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  certificateCoversHost,
  createCertificateAuthority,
  describeCertificate,
  ensureNodeCertificates,
  issueCertificate,
} from '../../src/platform/certs.js';

const HOST = 'node1.portcullis.test';
const DAY_MS = 24 * 60 * 60 * 1000;

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'portcullis-certs-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createCertificateAuthority and issueCertificate', () => {
  it('creates a self-signed CA that may only sign certificates', async () => {
    const ca = await createCertificateAuthority({ commonName: 'Test CA' });
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);

    const parsed = new PeculiarCertificate(ca.certPem);
    const constraints = parsed.getExtension(BasicConstraintsExtension);
    expect(constraints?.critical).toBe(true);
    expect(parsed.getExtension(KeyUsagesExtension)?.usages).toBe(
      KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign,
    );
    expect(parsed.getExtension(SubjectKeyIdentifierExtension)).not.toBeNull();
    expect(Math.round((parsed.notAfter.getTime() - Date.now()) / DAY_MS)).toBe(3650);
  });

  it('issues a server and client certificate signed by the CA', async () => {
    const ca = await createCertificateAuthority({ commonName: 'Test CA' });
    const leaf = await issueCertificate({
      ca,
      commonName: 'api.example.test',
      dnsNames: ['api.example.test', '*.api.example.test'],
      ipAddresses: ['192.0.2.7', '2001:db8::7'],
    });
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(leaf.certPem);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(leaf.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);

    const parsed = new PeculiarCertificate(leaf.certPem);
    expect(parsed.getExtension(BasicConstraintsExtension)?.critical).toBe(true);
    expect(parsed.getExtension(KeyUsagesExtension)?.usages).toBe(
      KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment,
    );
    expect(parsed.getExtension(AuthorityKeyIdentifierExtension)?.keyId).toBe(
      new PeculiarCertificate(ca.certPem).getExtension(SubjectKeyIdentifierExtension)?.keyId,
    );
    expect(Math.round((parsed.notAfter.getTime() - Date.now()) / DAY_MS)).toBe(825);

    expect(describeCertificate(leaf.certPem)).toMatchObject({
      subject: 'CN=api.example.test',
      commonName: 'api.example.test',
      dnsNames: ['api.example.test', '*.api.example.test'],
      ipAddresses: ['192.0.2.7', '2001:db8::7'],
      isCa: false,
    });
    expect(certificateCoversHost(leaf.certPem, 'www.api.example.test')).toBe(true);
    expect(certificateCoversHost(leaf.certPem, '2001:db8:0:0::7')).toBe(true);
    expect(certificateCoversHost(leaf.certPem, 'example.test')).toBe(false);
  });

  it('gives every certificate its own serial number', async () => {
    const ca = await createCertificateAuthority({ commonName: 'Test CA' });
    const issue = () => issueCertificate({ ca, commonName: 'a', dnsNames: ['a'], ipAddresses: [] });
    const [one, two] = await Promise.all([issue(), issue()]);
    expect(new X509Certificate(one.certPem).serialNumber).not.toBe(
      new X509Certificate(two.certPem).serialNumber,
    );
  });

  it('refuses input it cannot turn into a valid certificate', async () => {
    const ca = await createCertificateAuthority({ commonName: 'Test CA' });
    const other = await createCertificateAuthority({ commonName: 'Other CA' });
    const base = { ca, commonName: 'a', dnsNames: ['a'], ipAddresses: [] };
    await expect(issueCertificate({ ...base, ipAddresses: ['not-an-ip'] })).rejects.toThrow(
      '"not-an-ip" is not an IP address',
    );
    await expect(issueCertificate({ ...base, dnsNames: [] })).rejects.toThrow(
      'without any DNS name or IP address',
    );
    await expect(issueCertificate({ ...base, ca: { ...ca, keyPem: other.keyPem } })).rejects.toThrow(
      'the CA key does not belong to the CA certificate',
    );
    await expect(issueCertificate({ ...base, validityDays: 0 })).rejects.toThrow('greater than 0');
  });
});

describe('ensureNodeCertificates with generated certificates', () => {
  let dir: string;
  let first: Awaited<ReturnType<typeof ensureNodeCertificates>>;

  beforeAll(async () => {
    dir = join(root, 'generated', 'certs');
    first = await ensureNodeCertificates({ certsDir: dir, hostname: HOST });
  });

  it('creates a CA and a node certificate it signed', () => {
    expect(first.generated).toBe(true);
    expect(first.files).toEqual({
      cert: join(dir, 'node.pem'),
      key: join(dir, 'node-key.pem'),
      ca: join(dir, 'ca.pem'),
    });
    const ca = new X509Certificate(first.ca);
    expect(ca.ca).toBe(true);
    expect(ca.checkIssued(ca)).toBe(true);
    expect(describeCertificate(first.ca).commonName).toBe(`Portcullis local CA (${HOST})`);

    const node = new X509Certificate(first.cert);
    expect(node.verify(ca.publicKey)).toBe(true);
    expect(node.checkIssued(ca)).toBe(true);
    expect(describeCertificate(first.cert)).toMatchObject({
      commonName: HOST,
      dnsNames: [HOST, 'localhost'],
      ipAddresses: ['127.0.0.1', '::1'],
      isCa: false,
    });
  });

  it('keeps keys private on disk', async () => {
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'ca-key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'node-key.pem'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, 'node-key.pem'), 'utf8')).toBe(first.key);
    expect(first.key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  describe('over real TLS', () => {
    let server: Server;
    let port: number;

    beforeAll(async () => {
      server = createServer({ cert: first.cert, key: first.key }, (_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('is trusted by a verifying client that trusts the CA', async () => {
      await expect(request(port, first.ca, 'localhost')).resolves.toBe('ok');
      await expect(request(port, first.ca, HOST)).resolves.toBe('ok');
    });

    it('is not trusted by a client that does not trust the CA', async () => {
      const stranger = await createCertificateAuthority({ commonName: 'Stranger CA' });
      await expect(request(port, stranger.certPem, 'localhost')).rejects.toMatchObject({
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      });
    });

    it('is trusted for its IP address', async () => {
      await expect(request(port, first.ca, undefined)).resolves.toBe('ok');
    });

    it('is rejected for a name it does not cover', async () => {
      await expect(request(port, first.ca, 'elsewhere.example.test')).rejects.toMatchObject({
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      });
    });
  });

  it('reuses the files on later starts', async () => {
    const again = await ensureNodeCertificates({ certsDir: dir, hostname: HOST });
    expect(again.generated).toBe(false);
    expect({ cert: again.cert, key: again.key, ca: again.ca }).toEqual({
      cert: first.cert,
      key: first.key,
      ca: first.ca,
    });
  });

  it('reissues only the node certificate, from the same CA, when the hostname changes', async () => {
    const caKey = await readFile(join(dir, 'ca-key.pem'), 'utf8');
    const renamed = await ensureNodeCertificates({ certsDir: dir, hostname: 'node2.portcullis.test' });
    expect(renamed.generated).toBe(true);
    expect(renamed.ca).toBe(first.ca);
    expect(await readFile(join(dir, 'ca-key.pem'), 'utf8')).toBe(caKey);
    expect(renamed.cert).not.toBe(first.cert);
    expect(await readFile(join(dir, 'node.pem'), 'utf8')).toBe(renamed.cert);
    expect(new X509Certificate(renamed.cert).verify(new X509Certificate(first.ca).publicKey)).toBe(true);
    expect(certificateCoversHost(renamed.cert, 'node2.portcullis.test')).toBe(true);

    const after = await ensureNodeCertificates({ certsDir: dir, hostname: 'node2.portcullis.test' });
    expect(after.generated).toBe(false);
    expect(after.cert).toBe(renamed.cert);
  });

  it('puts an IP hostname in the IP addresses', async () => {
    const certs = await ensureNodeCertificates({ certsDir: join(root, 'by-ip'), hostname: '10.1.2.3' });
    expect(describeCertificate(certs.cert)).toMatchObject({
      commonName: '10.1.2.3',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1', '::1', '10.1.2.3'],
    });
  });

  it('says what to do when the CA key is gone and a new node certificate is needed', async () => {
    const lost = join(root, 'lost-ca-key');
    await ensureNodeCertificates({ certsDir: lost, hostname: HOST });
    await rm(join(lost, 'ca-key.pem'));
    // The node certificate still fits, so the CA key is not needed.
    await expect(ensureNodeCertificates({ certsDir: lost, hostname: HOST })).resolves.toMatchObject({
      generated: false,
    });
    await expect(ensureNodeCertificates({ certsDir: lost, hostname: 'other.test' })).rejects.toThrow(
      `${join(lost, 'ca-key.pem')} is missing`,
    );
  });
});

describe('ensureNodeCertificates with configured certificates', () => {
  let dir: string;
  let ca: { certPem: string; keyPem: string };
  let leaf: { certPem: string; keyPem: string };

  beforeAll(async () => {
    dir = join(root, 'configured');
    await mkdir(dir, { recursive: true });
    ca = await createCertificateAuthority({ commonName: 'Operator CA' });
    leaf = await issueCertificate({ ca, commonName: HOST, dnsNames: [HOST], ipAddresses: [] });
    const stranger = await issueCertificate({ ca, commonName: HOST, dnsNames: [HOST], ipAddresses: [] });
    await writeFile(join(dir, 'server.pem'), leaf.certPem);
    await writeFile(join(dir, 'server-key.pem'), leaf.keyPem);
    await writeFile(join(dir, 'operator-ca.pem'), ca.certPem);
    await writeFile(join(dir, 'stranger-key.pem'), stranger.keyPem);
    await writeFile(join(dir, 'garbage.pem'), 'not a certificate');
  });

  const configured = (files: { certFile?: string; keyFile?: string; caFile?: string }) =>
    ensureNodeCertificates({
      certsDir: join(dir, 'unused'),
      hostname: HOST,
      ...Object.fromEntries(Object.entries(files).map(([name, file]) => [name, join(dir, file)])),
    });

  it('uses the files as they are, with the certificate as its own trust anchor', async () => {
    const certs = await configured({ certFile: 'server.pem', keyFile: 'server-key.pem' });
    expect(certs).toEqual({
      cert: leaf.certPem,
      key: leaf.keyPem,
      ca: leaf.certPem,
      generated: false,
      files: {
        cert: join(dir, 'server.pem'),
        key: join(dir, 'server-key.pem'),
        ca: join(dir, 'server.pem'),
      },
    });
    expect(existsSync(join(dir, 'unused'))).toBe(false);
  });

  it('uses the configured CA file', async () => {
    const certs = await configured({
      certFile: 'server.pem',
      keyFile: 'server-key.pem',
      caFile: 'operator-ca.pem',
    });
    expect(certs.ca).toBe(ca.certPem);
    expect(certs.files.ca).toBe(join(dir, 'operator-ca.pem'));
  });

  it('refuses a key that does not match the certificate, naming both files', async () => {
    await expect(configured({ certFile: 'server.pem', keyFile: 'stranger-key.pem' })).rejects.toThrow(
      `The private key in ${join(dir, 'stranger-key.pem')} does not belong to the certificate in ${join(dir, 'server.pem')}`,
    );
  });

  it('names a missing or malformed file', async () => {
    await expect(configured({ certFile: 'missing.pem', keyFile: 'server-key.pem' })).rejects.toThrow(
      `The certificate file ${join(dir, 'missing.pem')} does not exist`,
    );
    await expect(configured({ certFile: 'garbage.pem', keyFile: 'server-key.pem' })).rejects.toThrow(
      `${join(dir, 'garbage.pem')} does not contain a PEM certificate`,
    );
    await expect(configured({ certFile: 'server.pem', keyFile: 'garbage.pem' })).rejects.toThrow(
      `${join(dir, 'garbage.pem')} does not contain a PEM private key`,
    );
    await expect(
      configured({ certFile: 'server.pem', keyFile: 'server-key.pem', caFile: 'garbage.pem' }),
    ).rejects.toThrow(`${join(dir, 'garbage.pem')} does not contain a PEM certificate`);
  });

  it('refuses half a configuration', async () => {
    await expect(configured({ certFile: 'server.pem' })).rejects.toThrow('set both certFile and keyFile');
    await expect(configured({ caFile: 'operator-ca.pem' })).rejects.toThrow('set all three');
  });
});

/** GETs / over HTTPS with verification on; resolves with the body. */
function request(port: number, ca: string, servername: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(
      { host: '127.0.0.1', port, path: '/', ca, servername, rejectUnauthorized: true, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
  });
}
