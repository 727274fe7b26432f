/**
 * Read-only views of a certificate, for startup checks and the `portcullis certs` commands.
 */
// tsyringe inside @peculiar/x509 needs the Reflect metadata API before it loads.
import 'reflect-metadata';
import { BasicConstraintsExtension, SubjectAlternativeNameExtension, X509Certificate } from '@peculiar/x509';
import { isIP } from 'node:net';
import { parseCertificate } from './pem.js';

export interface CertificateDescription {
  /** RFC 4514 form, e.g. `CN=api.example.com, O=Example`. */
  subject: string;
  /** Empty when the subject has no CN. */
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  notAfter: Date;
  isCa: boolean;
}

/** Describes the first certificate of a PEM text. */
export function describeCertificate(pem: string): CertificateDescription {
  const cert = new X509Certificate(parseCertificate(pem, 'The certificate').raw);
  const names = cert.getExtension(SubjectAlternativeNameExtension)?.names.toJSON() ?? [];
  return {
    subject: cert.subject,
    commonName: cert.subjectName.getField('CN')[0] ?? '',
    dnsNames: names.filter((name) => name.type === 'dns').map((name) => name.value),
    ipAddresses: names.filter((name) => name.type === 'ip').map((name) => name.value),
    notAfter: cert.notAfter,
    isCa: cert.getExtension(BasicConstraintsExtension)?.ca ?? false,
  };
}

/**
 * True if the certificate's names match `host` (a DNS name, wildcards allowed, or an IP literal),
 * by OpenSSL's matching rules: the CN only counts when there is no DNS subjectAltName.
 */
export function certificateCoversHost(pem: string, host: string): boolean {
  const cert = parseCertificate(pem, 'The certificate');
  return (isIP(host) === 0 ? cert.checkHost(host) : cert.checkIP(host)) !== undefined;
}
