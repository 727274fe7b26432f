/**
 * The certificate a node serves HTTPS with: the operator's own files when configured,
 * otherwise a local CA and node certificate generated on first start and reused afterwards.
 */
import { loadConfiguredCertificates } from './configured.js';
import { ensureGeneratedCertificates } from './generated.js';

export interface NodeCertificateOptions {
  /** Where generated certificates live; unused when certFile and keyFile are set. */
  certsDir: string;
  /** The name clients reach this node by; a generated node certificate always covers it. */
  hostname: string;
  /** With keyFile: serve this certificate (PEM, leaf first, chain may follow) instead of generating one. */
  certFile?: string;
  keyFile?: string;
  /** The CA clients should trust; defaults to the chain in certFile. Only used with certFile and keyFile. */
  caFile?: string;
}

export interface NodeCertificates {
  /** PEM, ready for `https.createServer({ cert, key })`. */
  cert: string;
  key: string;
  /** PEM of the CA(s) to trust when calling this node, e.g. for `tls.connect({ ca })`. */
  ca: string;
  /** True if anything was written to certsDir by this call. */
  generated: boolean;
  /** Absolute paths the PEMs came from. */
  files: { cert: string; key: string; ca: string };
}

/** Empty strings count as unset, so that an empty environment variable in config does not count as a path. */
export async function ensureNodeCertificates(options: NodeCertificateOptions): Promise<NodeCertificates> {
  const { certFile, keyFile, caFile } = options;
  if (certFile && keyFile) return loadConfiguredCertificates(certFile, keyFile, caFile || undefined);
  if (certFile || keyFile) {
    throw new Error(
      `Only ${certFile ? `certFile (${certFile})` : `keyFile (${keyFile})`} is set: ` +
        'set both certFile and keyFile to use your own certificate, or neither to use a generated one',
    );
  }
  if (caFile) {
    throw new Error(
      `caFile (${caFile}) is set without certFile and keyFile: set all three to use your own certificates, ` +
        `or remove caFile to use the generated ones in ${options.certsDir}`,
    );
  }
  if (!options.hostname) throw new Error('Cannot generate a node certificate: the hostname is empty');
  return ensureGeneratedCertificates(options.certsDir, options.hostname);
}
