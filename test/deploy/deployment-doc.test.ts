/**
 * docs/deployment.md names only what exists: configuration keys and PORTCULLIS_ variables of the schema,
 * `portcullis` commands and options of the CLI, npm scripts, files of the repository, and link targets.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCertsCommands } from '../../src/cli/certs-command.js';
import { registerConfigCommands } from '../../src/cli/config-command.js';
import { registerDbCommands } from '../../src/cli/db-command.js';
import { registerStartCommand } from '../../src/cli/start-command.js';
import { loadConfig } from '../../src/config/load.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { node, schemaAt } from '../../src/config/schema-walk.js';
import { useTempDirs } from '../support/temp-dirs.js';

const DOC = 'docs/deployment.md';
const doc = readFileSync(DOC, 'utf8');
const tempDir = useTempDirs('deployment-doc');

/** Variables the loader reads that are not configuration keys (src/config/environment.ts). */
const NOT_KEYS = new Set(['PORTCULLIS_CONFIG', 'PORTCULLIS_ADMIN_PASSWORD']);

const fenced = (language?: string) =>
  [...doc.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)]
    .filter((m) => language === undefined || m[1] === language)
    .map((m) => m[2] as string);
const inline = () =>
  [...doc.replace(/^```[\s\S]*?^```$/gm, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string);
/** Every piece of code in the page: fenced blocks and inline code. */
const code = () => [...fenced(), ...inline()];

/** True when `key` (dotted) is a configuration key, not a section. */
function isKey(key: string): boolean {
  const schema = schemaAt(ConfigSchema, key.split('.'));
  return schema !== undefined && !node(schema).properties;
}

const SECTIONS = Object.keys(node(ConfigSchema).properties ?? {});

/** The CLI's command tree, as `portcullis` builds it. */
function cli(): Command {
  const program = new Command('portcullis');
  registerStartCommand(program);
  registerConfigCommands(program);
  registerDbCommands(program);
  registerCertsCommands(program);
  program.command('version');
  return program;
}

describe(DOC, () => {
  it('names only configuration keys that exist', () => {
    const named = code().flatMap((c) =>
      [...c.matchAll(/(?<![\w./-])([a-z_]+(?:\.[a-z_]+)+)(?=\s*=|\s*$|[`\s,;)])/g)].map(
        (m) => m[1] as string,
      ),
    );
    // Host names (publisher.example.com) and file names (node.toml) are not keys.
    const keys = named.filter(
      (k) => SECTIONS.includes(k.split('.')[0] as string) && !/\.(com|toml|pem|json|conf|md)$/.test(k),
    );
    expect(keys.length).toBeGreaterThan(20);
    expect(keys.filter((k) => !isKey(k))).toEqual([]);
  });

  it('names only PORTCULLIS_ variables the loader knows', () => {
    const variables = [...doc.matchAll(/\bPORTCULLIS_[A-Z0-9_]+/g)].map((m) => m[0]);
    const unknown = variables.filter(
      (v) => !NOT_KEYS.has(v) && !isKey(v.slice('PORTCULLIS_'.length).toLowerCase().split('__').join('.')),
    );
    expect(variables.length).toBeGreaterThan(0);
    expect(unknown).toEqual([]);
  });

  it('has TOML examples the loader accepts', () => {
    const blocks = fenced('toml');
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      const file = path.join(tempDir(), 'node.toml');
      writeFileSync(file, block);
      expect(() => loadConfig({ file, env: {} })).not.toThrow();
    }
  });

  it('shows only portcullis commands and options that exist', () => {
    const program = cli();
    const problems: string[] = [];
    let checked = 0;
    for (const piece of code()) {
      for (const line of piece.split('\n')) {
        for (const m of line.matchAll(/(?<![\w/:@.-])portcullis\s+([a-z]\S*(?:\s+\S+)*)/g)) {
          const words = (m[1] as string).split(/\s+/);
          // `-p portcullis portcullis '.*'`, `-g portcullis ca.pem`: the user, not the command.
          if (words[0] === 'portcullis' || /[./]/.test(words[0] as string)) continue;
          if (!program.commands.some((c) => c.name() === words[0])) {
            problems.push(m[0]);
            continue;
          }
          let command = program;
          let rest = words;
          while (rest.length > 0) {
            const sub = command.commands.find((c) => c.name() === rest[0]);
            if (!sub) break;
            command = sub;
            rest = rest.slice(1);
          }
          if (command.commands.length > 0 && rest.length > 0) {
            problems.push(`${m[0]} (no such ${command.name()} command)`);
            continue;
          }
          const end = rest.findIndex((w) => /^(#|\||&&|>|\\|;)/.test(w));
          for (const word of end === -1 ? rest : rest.slice(0, end)) {
            const option = word.split('=')[0] as string;
            if (option.startsWith('--') && !command.options.some((o) => o.long === option)) {
              problems.push(`${m[0]} (${option})`);
            }
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });

  it('runs only npm scripts that exist', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as {
      scripts: Record<string, string>;
    };
    const used = [...doc.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1] as string);
    expect(used).toContain('cluster:up');
    expect(used.filter((s) => !(s in scripts))).toEqual([]);
  });

  it('points to files that exist, and to headings that exist', () => {
    const headings = (file: string) =>
      [...readFileSync(file, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
        (m[1] as string)
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s-]/gu, '')
          .replace(/\s/g, '-'),
      );
    const missing: string[] = [];
    for (const [, target = ''] of doc.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^https?:/.test(target)) continue;
      const [file, anchor] = target.split('#');
      const resolved = file ? path.join(path.dirname(DOC), file) : DOC;
      if (!existsSync(resolved)) missing.push(target);
      else if (anchor && !headings(resolved).includes(anchor)) missing.push(target);
    }
    const paths = code().flatMap((c) =>
      [...c.matchAll(/(?<![\w/.-])((?:deploy|docs|src|test|bin)\/[\w./@-]+)/g)].map((m) => m[1] as string),
    );
    for (const p of paths) {
      // What cluster:up makes is not in the repository.
      if (!p.includes('/.run') && !existsSync(p)) missing.push(p);
    }
    expect(missing).toEqual([]);
  });
});
