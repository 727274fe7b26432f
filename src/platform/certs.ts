/**
 * TLS certificates for the HTTP platform: a local CA and node certificates generated on first start,
 * or certificates the operator provides.
 */
export { createCertificateAuthority, issueCertificate } from './certs/issue.js';
export type {
  CertificateAndKey,
  CertificateAuthorityOptions,
  IssueCertificateOptions,
} from './certs/issue.js';
export { ensureNodeCertificates } from './certs/node-certs.js';
export type { NodeCertificateOptions, NodeCertificates } from './certs/node-certs.js';
export { certificateCoversHost, describeCertificate } from './certs/describe.js';
export type { CertificateDescription } from './certs/describe.js';
