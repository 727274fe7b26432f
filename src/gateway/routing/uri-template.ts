/**
 * WSO2 URI templates compiled once per deployment: `/pets/{id}` matches one path segment per parameter,
 * `/*` (or a trailing `/*`) matches the rest of the path, anything else matches literally. More specific
 * templates win: literal segments before parameters before wildcards.
 */
export interface CompiledTemplate {
  readonly template: string;
  /** Higher is more specific. */
  readonly specificity: number;
  match(path: string): Record<string, string> | undefined;
}

const escape = (literal: string) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function compileTemplate(template: string): CompiledTemplate {
  const names: string[] = [];
  let literalChars = 0;
  let wildcard = false;
  let pattern = '';
  for (const segment of template.split('/').slice(1)) {
    if (segment === '*') {
      wildcard = true;
      pattern += '(?:/.*)?';
      break;
    }
    pattern += '/';
    let rest = segment;
    for (let m = /\{([^}]+)\}/.exec(rest); m; m = /\{([^}]+)\}/.exec(rest)) {
      pattern += escape(rest.slice(0, m.index));
      literalChars += m.index;
      names.push(m[1] as string);
      pattern += '([^/]+)';
      rest = rest.slice(m.index + m[0].length);
    }
    pattern += escape(rest);
    literalChars += rest.length;
  }
  // `/resource` also answers `/resource/` (a trailing slash is not another resource).
  const regex = new RegExp(`^${pattern}${wildcard ? '' : '/?'}$`);
  return {
    template,
    specificity: literalChars * 4 - names.length * 2 - (wildcard ? 1_000_000 : 0),
    match(path) {
      const m = regex.exec(path);
      if (!m) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, i) => (params[name] = m[i + 1] as string));
      return params;
    },
  };
}
