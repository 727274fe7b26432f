/** A configuration problem names the key, where its value came from, and why it is wrong. */
export interface ConfigProblem {
  /** Dotted key, e.g. `http.https_port`; empty for the file as a whole. */
  key: string;
  /** The file path, the environment variable, or `default`. */
  source: string;
  reason: string;
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.key ? `${p.key}: ` : ''}${p.reason} (from ${p.source})`).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
