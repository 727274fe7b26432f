/**
 * The other gateways measured beside Portcullis live in bench/peers, a package of their own (exact
 * versions, its own package-lock.json), so that they never enter Portcullis's dependencies. The benchmark
 * installs them on first use with `npm ci` (install scripts off: none of them needs one).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PEERS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'peers');

interface Manifest {
  dependencies: Record<string, string>;
  overrides?: Record<string, string>;
}

function installedVersion(name: string): string | undefined {
  try {
    const manifest = path.join(PEERS_DIR, 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The packages (and overrides) bench/peers/package.json pins, with the version installed, if any. */
export function peerVersions(): { name: string; wanted: string; installed: string | undefined }[] {
  const manifest = JSON.parse(readFileSync(path.join(PEERS_DIR, 'package.json'), 'utf8')) as Manifest;
  return Object.entries({ ...manifest.dependencies, ...manifest.overrides }).map(([name, wanted]) => ({
    name,
    wanted,
    installed: installedVersion(name),
  }));
}

/** Installs bench/peers unless the pinned versions are there already. Resolves to what was done. */
export async function ensurePeers(log: (message: string) => void): Promise<string> {
  const missing = peerVersions().filter((p) => p.installed !== p.wanted);
  if (missing.length === 0) return 'already installed';
  if (!existsSync(path.join(PEERS_DIR, 'package-lock.json'))) {
    throw new Error(`${PEERS_DIR}/package-lock.json is missing`);
  }
  log(`gateway: installing bench/peers (npm ci: ${missing.map((p) => `${p.name}@${p.wanted}`).join(', ')})…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  await new Promise<void>((resolve, reject) => {
    execFile(
      npm,
      ['ci', '--prefix', PEERS_DIR, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
      { cwd: PEERS_DIR, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(`npm ci in bench/peers failed: ${err.message}\n${stdout}${stderr}`))
          : resolve(),
    );
  });
  const still = peerVersions().filter((p) => p.installed !== p.wanted);
  if (still.length > 0) {
    throw new Error(
      `after npm ci, bench/peers has ${still.map((p) => `${p.name}@${p.installed}`).join(', ')}`,
    );
  }
  return 'installed by this run (npm ci)';
}
