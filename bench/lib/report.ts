/** bench/RESULTS.md: the machine header, Markdown helpers, and replacing one benchmark's section. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { REPO } from './server.js';

export interface Machine {
  cpu: string;
  cpus: number;
  memory: string;
  node: string;
  os: string;
  date: string;
  commit: string;
  /** 1, 5 and 15 min load averages when the run started. */
  load: string;
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

function commit(): string {
  const head = git(['rev-parse', '--short=12', 'HEAD']);
  if (!head)
    return git(['rev-parse', '--git-dir'])
      ? 'none (the repository has no commit yet)'
      : 'n/a (not a git checkout)';
  // Changed tracked files anywhere, or new files where they would change the server.
  const dirty =
    git(['status', '--porcelain', '--untracked-files=no']) ||
    git(['status', '--porcelain', '--', 'src', 'package.json']);
  return dirty ? `${head} + uncommitted changes` : head;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: commit(),
    load: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', '),
  };
}

/** One line that identifies where and when a section was measured (kept sections keep theirs). */
export function stamp(m: Machine): string {
  return `Measured ${m.date} · commit ${m.commit} · ${m.cpu} × ${m.cpus} · ${m.memory} · Node ${m.node}`;
}

export function header(m: Machine): string {
  return [
    '# Portcullis benchmarks',
    '',
    'Written by `npm run bench` (all benchmarks) or `npm run bench -- <name>` (one); a run replaces the sections of the benchmarks it ran and keeps the others. Each section says when and where it was measured.',
    '',
    '## Machine of the latest run',
    '',
    `- CPU: ${m.cpu} × ${m.cpus} (logical CPUs, \`os.cpus()\`)`,
    `- Memory: ${m.memory}`,
    `- Node: ${m.node}`,
    `- OS: ${m.os}`,
    `- Date: ${m.date}`,
    `- Git commit: ${m.commit}`,
    `- Load average when the run started: ${m.load}`,
    '',
    '## Method (all benchmarks)',
    '',
    '- The server is a separate Node process (`bench/lib/server.ts`), so that the load generator does not share its event loop: compiled from the working tree, started with a fresh temporary data dir (SQLite, WAL), free ports on 127.0.0.1 and log level `warn`, stopped with SIGTERM at the end; its data dir is then removed.',
    '- Load comes from autocannon, in the `npm run bench` process, over keep-alive connections: a warm-up whose figures are discarded, then the measured window. Any non-2xx response, socket error or timeout fails the benchmark, and its section is then left as it was.',
    "- Requests/s is autocannon's mean of its per-second samples; latency percentiles come from its histogram (1 ms resolution). Server CPU is the user + system time of the server process (all its threads) from `/proc/<pid>/stat` over the window, where 100 % is one core; load-generator CPU is the same for the bench process; other CPU is what the rest of the machine used meanwhile (busy time from `/proc/stat` minus those two, hypervisor steal included), which should be near 0. Peak RSS is the server's `VmHWM` from `/proc/<pid>/status`, reset before each window through `/proc/<pid>/clear_refs`, so that each row shows its own peak.",
    '- Load generator and server share the machine above, so with few CPUs they compete for them: compare rows of one run rather than runs on different machines.',
    '',
  ].join('\n');
}

export type Align = 'left' | 'right';

export function table(headings: string[], rows: string[][], align: Align[] = []): string {
  const widths = headings.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length), 3));
  const pad = (cell: string, i: number) =>
    align[i] === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0);
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((w, i) => (align[i] === 'right' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(headings), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

export const integer = (n: number) => Math.round(n).toLocaleString('en-US');
export const fixed2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
export const signed2 = (n: number) =>
  Number.isFinite(n) ? `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(2)}` : 'n/a';
export const ratio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');

/** "lowest to highest" of the finite values, each formatted; "–" for fewer than two. */
export const spread = (values: number[], format: (n: number) => string) => {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length > 1 ? `${format(Math.min(...finite))} to ${format(Math.max(...finite))}` : '–';
};

/** The median of the finite values (NaN when there are none). */
export const median = (values: number[]): number => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
export const ms = (n: number) => (Number.isInteger(n) || n >= 100 ? n.toFixed(0) : n.toFixed(1));
export const mib = (bytes: number | undefined) =>
  bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
export const percent = (n: number | undefined) => (n === undefined ? 'n/a' : `${n.toFixed(0)} %`);

const begin = (name: string) => `<!-- bench:${name} -->`;
const end = (name: string) => `<!-- /bench:${name} -->`;

export function wrapSection(name: string, markdown: string): string {
  return `${begin(name)}\n${markdown.trim()}\n${end(name)}`;
}

/** The sections of an existing RESULTS.md, by benchmark name, in file order. */
export function readSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const match of text.matchAll(/<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g)) {
    sections.set(match[1] as string, match[0]);
  }
  return sections;
}

/** The new file: the header, then the sections in registry order, then any kept ones no longer registered. */
export function composeResults(headerText: string, sections: Map<string, string>, order: string[]): string {
  const names = [
    ...order.filter((n) => sections.has(n)),
    ...[...sections.keys()].filter((n) => !order.includes(n)),
  ];
  return `${[headerText.trim(), ...names.map((n) => sections.get(n) as string)].join('\n\n')}\n`;
}
