/**
 * Environment overrides: `PORTCULLIS_<KEY>` where a nested key's parts are joined by a double underscore,
 * e.g. `PORTCULLIS_HTTP__HTTPS_PORT` for `http.https_port` and `PORTCULLIS_DATA_DIR` for `data_dir`.
 */
import type { TSchema } from 'typebox';
import { ConfigError, type ConfigProblem } from './errors.js';
import { node, schemaAt } from './schema-walk.js';

const PREFIX = 'PORTCULLIS_';
/** Variables with the prefix that are not configuration keys. */
const RESERVED = new Set(['PORTCULLIS_CONFIG', 'PORTCULLIS_ADMIN_PASSWORD']);
const RESERVED_PREFIXES = ['PORTCULLIS_TEST_'];

export interface EnvironmentOverride {
  variable: string;
  path: string[];
  value: unknown;
}

export function environmentVariableFor(path: readonly string[]): string {
  return PREFIX + path.map((p) => p.toUpperCase()).join('__');
}

function convert(raw: string, schema: TSchema): unknown {
  const type = node(schema).type;
  if (type === 'integer' || type === 'number') return raw.trim() === '' ? raw : Number(raw);
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (type === 'array') {
    if (raw.trim().startsWith('[')) {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
    }
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
  return raw;
}

export function readEnvironmentOverrides(root: TSchema, env: NodeJS.ProcessEnv): EnvironmentOverride[] {
  const overrides: EnvironmentOverride[] = [];
  const problems: ConfigProblem[] = [];
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith(PREFIX) || raw === undefined) continue;
    if (RESERVED.has(variable) || RESERVED_PREFIXES.some((p) => variable.startsWith(p))) continue;
    const path = variable.slice(PREFIX.length).toLowerCase().split('__');
    const schema = schemaAt(root, path);
    if (!schema || node(schema).properties) {
      problems.push({
        key: path.join('.'),
        source: `environment variable ${variable}`,
        reason: 'unknown configuration key',
      });
      continue;
    }
    overrides.push({ variable, path, value: convert(raw, schema) });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return overrides;
}
