/** The effective configuration with secrets masked, for `portcullis config check` and logs. */
import type { TSchema } from 'typebox';
import type { Config } from './schema.js';
import { ConfigSchema } from './schema.js';
import { node } from './schema-walk.js';

const MASK = '********';

/** A URL keeps its scheme, host and path; its password (if any) is masked. */
export function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = MASK;
    // libpq-style URLs may carry the password as a parameter too.
    for (const name of [...url.searchParams.keys()]) {
      if (/pass|secret|key/i.test(name)) url.searchParams.set(name, MASK);
    }
    return url.toString();
  } catch {
    return MASK;
  }
}

function maskSecret(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecret);
  if (typeof value !== 'string' || value === '') return value;
  return value.includes('://') ? maskUrl(value) : MASK;
}

function mask(value: unknown, schema: TSchema): unknown {
  const { properties, secret } = node(schema);
  if (secret) return maskSecret(value);
  if (!properties || typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, properties[k] ? mask(v, properties[k]) : v]),
  );
}

export function maskConfig(config: Config): Config {
  return mask(config, ConfigSchema) as Config;
}
