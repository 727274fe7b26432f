/**
 * Minting of the platform's own certificates: a local CA and the leaf certificates it signs.
 * Everything is ECDSA P-256: small keys, fast handshakes, and accepted by every TLS stack we talk to.
 * Serial numbers are left to the generator, which draws a random positive 128-bit value.
 */
// tsyringe inside @peculiar/x509 needs the Reflect metadata API before it loads.
import 'reflect-metadata';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Name,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509';
import { KeyObject, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { parseCertificate, parsePrivateKey } from './pem.js';

export interface CertificateAndKey {
  certPem: string;
  /** PKCS#8 PEM, loadable by Node's `tls`/`https` as is. */
  keyPem: string;
}

export interface CertificateAuthorityOptions {
  commonName: string;
  /** Defaults to 3650 (ten years): replacing a CA means re-trusting it everywhere. */
  validityDays?: number;
}

export interface IssueCertificateOptions {
  ca: CertificateAndKey;
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  /** Defaults to 825, the longest lifetime Apple platforms accept for a TLS server certificate. */
  validityDays?: number;
}

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { ...EC_P256, hash: 'SHA-256' } as const;
// Backdated so that a peer whose clock runs a little behind does not see a "not yet valid" certificate.
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function createCertificateAuthority(
  options: CertificateAuthorityOptions,
): Promise<CertificateAndKey> {
  const keys = await generateKeyPair();
  const cert = await X509CertificateGenerator.createSelfSigned({
    name: subjectName(options.commonName),
    keys,
    ...validity(options.validityDays ?? 3650),
    signingAlgorithm: SIGNING,
    extensions: [
      // pathLen 0: the local CA signs node certificates only, never another CA.
      new BasicConstraintsExtension(true, 0, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
      await SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: exportPrivateKey(keys.privateKey) };
}

export async function issueCertificate(options: IssueCertificateOptions): Promise<CertificateAndKey> {
  const { dnsNames, ipAddresses } = options;
  if (dnsNames.length === 0 && ipAddresses.length === 0) {
    throw new Error(
      `Cannot issue a certificate for "${options.commonName}" without any DNS name or IP address`,
    );
  }
  const badIp = ipAddresses.find((ip) => isIP(ip) === 0);
  if (badIp !== undefined) throw new Error(`Cannot issue a certificate: "${badIp}" is not an IP address`);

  const ca = await loadCertificateAuthority(options.ca);
  const keys = await generateKeyPair();
  const cert = await X509CertificateGenerator.create({
    subject: subjectName(options.commonName),
    issuer: ca.cert.subjectName,
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    ...validity(options.validityDays ?? 825),
    signingAlgorithm: SIGNING,
    extensions: [
      new SubjectAlternativeNameExtension([
        ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
      new BasicConstraintsExtension(false, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment, true),
      new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth]),
      await authorityKeyIdentifier(ca.cert),
      await SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: exportPrivateKey(keys.privateKey) };
}

async function loadCertificateAuthority(
  ca: CertificateAndKey,
): Promise<{ cert: X509Certificate; signingKey: webcrypto.CryptoKey }> {
  const nodeCert = parseCertificate(ca.certPem, 'the CA certificate');
  const privateKey = parsePrivateKey(ca.keyPem, 'the CA key');
  if (!nodeCert.ca) {
    throw new Error(`Cannot issue a certificate: "${nodeCert.subject}" is not a CA certificate`);
  }
  if (!nodeCert.checkPrivateKey(privateKey)) {
    throw new Error('Cannot issue a certificate: the CA key does not belong to the CA certificate');
  }
  if (privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('Cannot issue a certificate: the CA key must be an ECDSA P-256 key');
  }
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const signingKey = await webcrypto.subtle.importKey('pkcs8', der, EC_P256, false, ['sign']);
  return { cert: new X509Certificate(nodeCert.raw), signingKey };
}

// Reuse the CA's own key identifier when it has one, so that chain builders can match the two exactly.
async function authorityKeyIdentifier(ca: X509Certificate): Promise<AuthorityKeyIdentifierExtension> {
  const ski = ca.getExtension(SubjectKeyIdentifierExtension);
  return ski
    ? new AuthorityKeyIdentifierExtension(ski.keyId)
    : AuthorityKeyIdentifierExtension.create(ca.publicKey);
}

function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

function exportPrivateKey(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

// The object form keeps the value literal: a plain string would be parsed for quotes and escapes.
function subjectName(commonName: string): Name {
  return new Name([{ CN: [{ utf8String: commonName }] }]);
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  if (!Number.isInteger(days) || days <= 0) {
    throw new Error(`Certificate validity must be a whole number of days greater than 0, got ${days}`);
  }
  const now = Date.now();
  return { notBefore: new Date(now - CLOCK_SKEW_MS), notAfter: new Date(now + days * DAY_MS) };
}
