/**
 * The environment overrides that make a test node a peer of another one in a distributed deployment: it
 * runs `profile`, presents the first node's certificate, trusts its CA (one cluster CA) and uses it as its
 * Key Manager. (control-plane-story, throttling-cluster and publisher-remote-key-manager spell this out.)
 */
import path from 'node:path';
import type { Profile } from '../../src/config/schema.js';
import type { TestNode } from './node.js';

export function peerEnv(keyManager: TestNode, profile: Profile): Record<string, string> {
  const certs = (file: string) => path.join(keyManager.dataDir, 'certs', file);
  return {
    PORTCULLIS_NODE__PROFILE: profile,
    PORTCULLIS_HTTP__CERT_FILE: certs('node.pem'),
    PORTCULLIS_HTTP__KEY_FILE: certs('node-key.pem'),
    PORTCULLIS_HTTP__CA_FILE: certs('ca.pem'),
    PORTCULLIS_SERVICES__KEY_MANAGER_URL: keyManager.baseUrl,
  };
}
