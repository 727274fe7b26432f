/**
 * Parsing of PEM text into Node's crypto objects, with errors that say which file or input is wrong.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';

/**
 * Parses the first certificate of a PEM text (a chain is accepted, the leaf comes first).
 * `source` names the input in errors, e.g. a file path.
 */
export function parseCertificate(pem: string, source: string): X509Certificate {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`${source} does not contain a PEM certificate ("-----BEGIN CERTIFICATE-----")`);
  }
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new Error(`${source} does not contain a valid PEM certificate: ${(error as Error).message}`);
  }
}

/** Parses an unencrypted PEM private key (PKCS#8, SEC1 or PKCS#1). */
export function parsePrivateKey(pem: string, source: string): KeyObject {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new Error(`${source} does not contain a PEM private key ("-----BEGIN PRIVATE KEY-----")`);
  }
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new Error(
      `${source} does not contain a usable private key (it must be unencrypted PEM): ${(error as Error).message}`,
    );
  }
}
