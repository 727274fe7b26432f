/** Loads the configuration for a command, or prints every problem (key, source, reason) and exits 1. */
import { ConfigError } from '../config/errors.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';

export function loadConfigOrExit(file: string | undefined): LoadedConfig {
  try {
    return loadConfig({ file });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error('invalid configuration:');
    for (const p of err.problems) console.error(`  ${p.key || '(file)'}: ${p.reason} [${p.source}]`);
    process.exit(1);
  }
}
