/**
 * The certificates a node generates for itself in certsDir: a local CA (ca.pem, ca-key.pem) and a node
 * certificate it signs (node.pem, node-key.pem). Existing files are reused, so clients that trust the CA
 * keep working across restarts; the node certificate alone is reissued when it no longer fits.
 */
import { mkdir } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { certificateCoversHost } from './describe.js';
import { readOptionalFile, writeFileAtomic } from './files.js';
import { createCertificateAuthority, issueCertificate, type CertificateAndKey } from './issue.js';
import type { NodeCertificates } from './node-certs.js';
import { parseCertificate, parsePrivateKey } from './pem.js';

interface Paths {
  ca: string;
  caKey: string;
  cert: string;
  key: string;
}

const KEY_MODE = 0o600;
const CERT_MODE = 0o644;

export async function ensureGeneratedCertificates(
  certsDir: string,
  hostname: string,
): Promise<NodeCertificates> {
  const dir = resolve(certsDir);
  const paths: Paths = {
    ca: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca-key.pem'),
    cert: join(dir, 'node.pem'),
    key: join(dir, 'node-key.pem'),
  };
  const files = { cert: paths.cert, key: paths.key, ca: paths.ca };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const [caCert, caKey, cert, key] = await Promise.all(
    [paths.ca, paths.caKey, paths.cert, paths.key].map(readOptionalFile),
  );

  if (caCert !== undefined && cert !== undefined && key !== undefined) {
    if (nodeCertificateFits(paths, { caCert, cert, key }, hostname)) {
      return { cert, key, ca: caCert, generated: false, files };
    }
  }

  const ca = await loadOrCreateAuthority(paths, caCert, caKey, hostname);
  const node = await issueNodeCertificate(paths, ca, hostname);
  // Key first: a crash in between leaves a certificate that does not match it, which the next start reissues.
  await writeFileAtomic(paths.key, node.keyPem, KEY_MODE);
  await writeFileAtomic(paths.cert, node.certPem, CERT_MODE);
  return { cert: node.certPem, key: node.keyPem, ca: ca.certPem, generated: true, files };
}

/** Whether the existing node certificate can still be served: same CA, same key, right name, not expired. */
function nodeCertificateFits(
  paths: Paths,
  pems: { caCert: string; cert: string; key: string },
  hostname: string,
): boolean {
  const ca = parseCertificate(pems.caCert, paths.ca);
  const cert = parseCertificate(pems.cert, paths.cert);
  return (
    cert.checkIssued(ca) &&
    cert.verify(ca.publicKey) &&
    cert.checkPrivateKey(parsePrivateKey(pems.key, paths.key)) &&
    certificateCoversHost(pems.cert, hostname) &&
    Date.parse(cert.validTo) > Date.now()
  );
}

async function loadOrCreateAuthority(
  paths: Paths,
  caCert: string | undefined,
  caKey: string | undefined,
  hostname: string,
): Promise<CertificateAndKey> {
  if (caCert === undefined) {
    // Nothing can trust a CA whose certificate is gone, so a leftover ca-key.pem is simply replaced.
    const ca = await createCertificateAuthority({ commonName: `Portcullis local CA (${hostname})` });
    await writeFileAtomic(paths.caKey, ca.keyPem, KEY_MODE);
    await writeFileAtomic(paths.ca, ca.certPem, CERT_MODE);
    return ca;
  }
  if (caKey === undefined) {
    throw new Error(
      `Cannot issue a node certificate for "${hostname}": ${paths.caKey} is missing. ` +
        `Restore it, or delete ${paths.ca} too to create a new CA (clients must then trust the new ca.pem)`,
    );
  }
  return { certPem: caCert, keyPem: caKey };
}

async function issueNodeCertificate(
  paths: Paths,
  ca: CertificateAndKey,
  hostname: string,
): Promise<CertificateAndKey> {
  const hostIsIp = isIP(hostname) !== 0;
  try {
    return await issueCertificate({
      ca,
      commonName: hostname,
      dnsNames: unique([...(hostIsIp ? [] : [hostname]), 'localhost']),
      ipAddresses: unique(['127.0.0.1', '::1', ...(hostIsIp ? [hostname] : [])]),
    });
  } catch (error) {
    throw new Error(
      `Cannot issue a node certificate from ${paths.ca} and ${paths.caKey}: ${(error as Error).message}`,
    );
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
