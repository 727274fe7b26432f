/** The configuration reference (Markdown), generated from the schema so that it cannot drift from it. */
import type { TSchema } from 'typebox';
import { environmentVariableFor } from './environment.js';
import { ConfigSchema } from './schema.js';
import { node } from './schema-walk.js';

interface Documented {
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
}

function typeOf(schema: TSchema): string {
  const n = node(schema);
  if (n.enum) return n.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (n.type === 'array') return `list of ${n.items ? typeOf(n.items) : 'values'}`;
  const { minimum, maximum } = schema as Documented;
  return minimum !== undefined && maximum !== undefined
    ? `${n.type} ${minimum}–${maximum}`
    : (n.type ?? 'value');
}

function rows(schema: TSchema, path: string[]): string[] {
  const { properties } = node(schema);
  if (properties) return Object.entries(properties).flatMap(([key, child]) => rows(child, [...path, key]));
  const doc = schema as Documented;
  const fallback = JSON.stringify(doc.default);
  return [
    `| \`${path.join('.')}\` | \`${environmentVariableFor(path)}\` | ${typeOf(schema)} | \`${fallback}\` | ${(doc.description ?? '').replaceAll('<', '&lt;')} |`,
  ];
}

export function configurationReference(): string {
  return [
    '| key | environment variable | type | default | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows(ConfigSchema, []),
  ].join('\n');
}
