/**
 * Loads the effective configuration: defaults, then the TOML file, then environment overrides,
 * validated against the schema. Unknown keys and bad values are errors that name the key and its source.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { Value } from 'typebox/value';
import { ConfigError, type ConfigProblem } from './errors.js';
import { readEnvironmentOverrides } from './environment.js';
import { ConfigSchema, type Config } from './schema.js';
import { allowedLiterals, schemaAt } from './schema-walk.js';

export interface LoadOptions {
  /** Explicit file (`--config`); otherwise `PORTCULLIS_CONFIG`, then `./portcullis.toml` if present. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface LoadedConfig {
  config: Config;
  /** The file read, if any. */
  file: string | undefined;
}

type Tree = Record<string, unknown>;

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function chooseFile(options: LoadOptions, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const explicit = options.file ?? env.PORTCULLIS_CONFIG;
  if (explicit) {
    const file = path.resolve(cwd, explicit);
    if (!existsSync(file)) {
      throw new ConfigError([{ key: '', source: file, reason: 'configuration file not found' }]);
    }
    return file;
  }
  const fallback = path.resolve(cwd, 'portcullis.toml');
  return existsSync(fallback) ? fallback : undefined;
}

function readToml(file: string): Tree {
  try {
    return parseToml(readFileSync(file, 'utf8')) as Tree;
  } catch (err) {
    const reason =
      err instanceof TomlError
        ? `invalid TOML at line ${err.line}, column ${err.column}: ${err.message.split('\n')[0]}`
        : `cannot read: ${(err as Error).message}`;
    throw new ConfigError([{ key: '', source: file, reason }]);
  }
}

/** Records which source set each key, so that an error can name it. */
function recordSources(
  tree: Tree,
  source: string,
  sources: Map<string, string>,
  prefix: string[] = [],
): void {
  for (const [key, value] of Object.entries(tree)) {
    const keyPath = [...prefix, key];
    sources.set(keyPath.join('.'), source);
    if (isTree(value)) recordSources(value, source, sources, keyPath);
  }
}

function setPath(tree: Tree, keyPath: string[], value: unknown): void {
  let current = tree;
  for (const key of keyPath.slice(0, -1)) {
    const next = current[key];
    if (!isTree(next)) current[key] = {};
    current = current[key] as Tree;
  }
  current[keyPath[keyPath.length - 1] as string] = value;
}

function sourceOf(key: string, sources: Map<string, string>): string {
  for (let k = key; k !== ''; k = k.includes('.') ? k.slice(0, k.lastIndexOf('.')) : '') {
    const source = sources.get(k);
    if (source) return source;
  }
  return 'default';
}

function problemsOf(value: unknown, sources: Map<string, string>): ConfigProblem[] {
  const problems = new Map<string, ConfigProblem>();
  for (const error of Value.Errors(ConfigSchema, value)) {
    // additionalProperties is reported twice: once at the parent, once (more usefully) at the key itself.
    if (error.keyword === 'additionalProperties') continue;
    const keyPath = error.instancePath.split('/').slice(1);
    const key = keyPath.join('.');
    if (problems.has(key)) continue;
    const schema = schemaAt(ConfigSchema, keyPath);
    const literals = allowedLiterals(schema);
    const reason = !schema
      ? 'unknown configuration key'
      : literals
        ? `must be one of ${literals.map((l) => JSON.stringify(l)).join(', ')}`
        : error.message;
    problems.set(key, { key, source: sourceOf(key, sources), reason });
  }
  return [...problems.values()];
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = chooseFile(options, env, cwd);
  const raw: Tree = file ? readToml(file) : {};
  const sources = new Map<string, string>();
  if (file) recordSources(raw, file, sources);
  for (const override of readEnvironmentOverrides(ConfigSchema, env)) {
    setPath(raw, override.path, override.value);
    sources.set(override.path.join('.'), `environment variable ${override.variable}`);
  }
  const value = Value.Default(ConfigSchema, raw);
  const problems = problemsOf(value, sources);
  if (problems.length > 0) throw new ConfigError(problems);
  const config = value as Config;
  config.data_dir = path.resolve(cwd, config.data_dir);
  return { config, file };
}
