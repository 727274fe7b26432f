/**
 * Certificates the operator provides. They are used as they are; only checked enough to fail at startup,
 * with the file named, instead of at the first handshake.
 */
import { resolve } from 'node:path';
import { readConfiguredFile } from './files.js';
import type { NodeCertificates } from './node-certs.js';
import { parseCertificate, parsePrivateKey } from './pem.js';

export async function loadConfiguredCertificates(
  certFile: string,
  keyFile: string,
  caFile: string | undefined,
): Promise<NodeCertificates> {
  const files = { cert: resolve(certFile), key: resolve(keyFile), ca: resolve(caFile ?? certFile) };
  const [cert, key, ca] = await Promise.all([
    readConfiguredFile(files.cert, 'certificate'),
    readConfiguredFile(files.key, 'private key'),
    caFile === undefined ? undefined : readConfiguredFile(files.ca, 'CA certificate'),
  ]);

  const leaf = parseCertificate(cert, files.cert);
  if (!leaf.checkPrivateKey(parsePrivateKey(key, files.key))) {
    throw new Error(
      `The private key in ${files.key} does not belong to the certificate in ${files.cert}: ` +
        'configure the key that the certificate was issued for',
    );
  }
  if (ca !== undefined) parseCertificate(ca, files.ca);
  return { cert, key, ca: ca ?? cert, generated: false, files };
}
