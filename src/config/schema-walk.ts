/** Finding the schema of a dotted key, for environment overrides and masking. */
import type { TSchema } from 'typebox';

interface SchemaNode {
  type?: string;
  properties?: Record<string, TSchema>;
  items?: TSchema;
  anyOf?: TSchema[];
  const?: unknown;
  enum?: unknown[];
  secret?: boolean;
}

export const node = (schema: TSchema): SchemaNode => schema as SchemaNode;

/** The schema at `path` (keys from the root), or undefined when no such key exists. */
export function schemaAt(root: TSchema, path: readonly string[]): TSchema | undefined {
  let current: TSchema | undefined = root;
  for (const key of path) {
    const props: Record<string, TSchema> | undefined = current ? node(current).properties : undefined;
    if (!props || !Object.hasOwn(props, key)) return undefined;
    current = props[key];
  }
  return current;
}

/** For a union of literals: the allowed values, to say them in an error. */
export function allowedLiterals(schema: TSchema | undefined): unknown[] | undefined {
  if (schema && node(schema).enum) return node(schema).enum;
  const anyOf = schema ? node(schema).anyOf : undefined;
  if (!anyOf || !anyOf.every((s) => 'const' in node(s))) return undefined;
  return anyOf.map((s) => node(s).const);
}
