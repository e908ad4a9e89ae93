/**
 * The command line, read once (node:util parseArgs) for both the launcher that sizes the heap
 * and the analysis itself, so `--max-flows=N` and `--max-flows N` can never disagree.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AnalysisConfig } from '../core/engine/config';
import type { Severity } from '../core/engine/result';
import { printable } from '../core/output/printable';

export const FORMATS = ['table', 'json', 'csv', 'findings-csv', 'sarif', 'parquet'] as const;
export type Format = (typeof FORMATS)[number];
/** `synscope follow` prints events: a table, or one JSON object per line (docs/follow-ndjson.md). */
export const FOLLOW_FORMATS = ['table', 'ndjson'] as const;
export type FollowFormat = (typeof FOLLOW_FORMATS)[number];
const COMMANDS = ['analyze', 'follow'] as const;

/** A mistake in how synscope was called: printed as one line, never as a stack trace. */
export class UsageError extends Error {}

export interface Options {
  /** Absent means analyze (what the launcher's child options of older builds carry). */
  command?: 'analyze' | 'follow';
  /** The first capture (the only one unless `captures` has more). */
  capture: string;
  /** Every capture path or folder given, in order (several, or a folder: docs/fleet.md). */
  captures: string[];
  format: Format | FollowFormat;
  config: Partial<AnalysisConfig>;
  maxFlows?: number;
  failOn?: Severity;
  output?: string;
  /** Captures analysed at once when several are given (default: the available cores). */
  jobs?: number;
  /** Add listener health (the `servers` section) to the table and JSON. */
  servers: boolean;
}

const OPTIONS = {
  format: { type: 'string' },
  'slow-rtt': { type: 'string' },
  config: { type: 'string' },
  'max-flows': { type: 'string' },
  'fail-on': { type: 'string' },
  output: { type: 'string', short: 'o' },
  jobs: { type: 'string' },
  servers: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** A config file is a handful of settings; anything larger is the wrong file (or /dev/zero). */
export const MAX_CONFIG_BYTES = 1 << 20;

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The closest of `choices` to a mistyped `word`, when it is close enough to be a typo. */
export function closest(word: string, choices: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of choices) {
    const d = c.startsWith(word) && word.length >= 3 ? 0.5 : editDistance(word, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= Math.max(1, Math.floor((best?.length ?? 0) / 3)) ? best : undefined;
}

/** parseArgs' own messages talk about its API; say what the user typed and what was meant. */
function explainParseError(e: Error & { code?: string }, argv: string[]): UsageError {
  const names = Object.keys(OPTIONS);
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const known = (a: string): boolean => {
      if (a.startsWith('--')) return names.includes(a.slice(2).split('=')[0]);
      return [...a.slice(1)].every((ch) => Object.values(OPTIONS).some((o) => 'short' in o && o.short === ch));
    };
    const bad = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length)
      .find((a) => a.startsWith('-') && a !== '-' && !known(a));
    if (bad) {
      const name = bad.replace(/^-+/, '').split('=')[0];
      const guess = closest(name, names);
      return new UsageError(`unknown option ${printable(bad.split('=')[0])}${guess ? ` (did you mean --${guess}?)` : ''}`);
    }
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const m = /'(--[\w-]+)/.exec(e.message);
    if (m) return new UsageError(`${m[1]} needs a value (see --help)`);
  }
  return new UsageError(e.message);
}

/**
 * "50ms", "0.05s", "200us", "1.5 s" → milliseconds. A bare number is refused (0 aside): "0.05"
 * read as milliseconds when seconds were meant makes every handshake slow without a word.
 */
export function parseDuration(text: string, option = '--slow-rtt'): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|us|µs)?\s*$/i.exec(text);
  if (!m) throw new UsageError(`${option}: cannot read "${printable(text)}" (write it with a unit: 50ms, 0.05s or 200us)`);
  const v = Number(m[1]);
  if (m[2] === undefined) {
    if (v === 0) return 0;
    throw new UsageError(`${option} ${printable(text)}: give a unit, e.g. ${m[1]}ms or ${m[1]}s (also us)`);
  }
  const unit = m[2].toLowerCase();
  return unit === 's' ? v * 1000 : unit === 'ms' ? v : v / 1000;
}

/** The config file, read at most MAX_CONFIG_BYTES + 1 bytes (a device or a huge file stops there). */
function readConfigText(path: string): string {
  // stdin is read from its descriptor: opening /dev/stdin fails when it is a socket.
  const stdin = path === '-' || path === '/dev/stdin';
  let fd: number;
  try {
    fd = stdin ? 0 : openSync(path, 'r');
  } catch (e) {
    throw new UsageError(`--config: cannot read ${printable(path)}: ${plainError(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UsageError(`--config: ${printable(path)} is a directory, not a JSON file`);
    if (st.isFile() && st.size > MAX_CONFIG_BYTES) throw tooBig(path);
    const buf = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let len = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, len, buf.length - len, null);
      } catch (e) {
        throw new UsageError(`--config: cannot read ${printable(path)}: ${plainError(e)}`);
      }
      if (n === 0) break;
      len += n;
      if (len > MAX_CONFIG_BYTES) throw tooBig(path);
    }
    return buf.toString('utf8', 0, len);
  } finally {
    if (!stdin) closeSync(fd);
  }
}

function tooBig(path: string): UsageError {
  return new UsageError(`--config: ${printable(path)} is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB; a config file is a small JSON object of settings`);
}

const PLAIN: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  ENXIO: 'no such device or address',
};

/** A file system error as a plain sentence ("no such file or directory"), without the errno dump. */
export function plainError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && PLAIN[code]) return PLAIN[code];
  return printable((e as Error)?.message ?? String(e));
}

export function parse(argv: string[]): Options | 'help' | 'version' {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: typeof OPTIONS }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (e) {
    throw explainParseError(e as Error & { code?: string }, argv);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.version) return 'version';
  const [command, capture, ...rest] = positionals;
  if (command === undefined) throw new UsageError('missing command (try: synscope analyze <capture>)');
  if (!(COMMANDS as readonly string[]).includes(command)) {
    const guess = closest(command, [...COMMANDS, 'diff', 'correlate']);
    const hint = guess ? `did you mean ${guess}?` : 'try: synscope analyze <capture>';
    throw new UsageError(`unknown command "${printable(command)}" (${hint})`);
  }
  const follow = command === 'follow';
  if (!capture) throw new UsageError(follow ? 'follow: missing <capture file or folder> path' : 'analyze: missing <capture> path');
  if (follow && rest.length) throw new UsageError(`unexpected argument "${printable(rest[0])}" (follow takes one capture file or folder)`);
  const format = values.format ?? 'table';
  const formats: readonly string[] = follow ? FOLLOW_FORMATS : FORMATS;
  if (!formats.includes(format)) {
    const guess = closest(format, formats);
    throw new UsageError(`--format must be one of ${formats.join(', ')}${follow ? ' for follow' : ''}${guess ? ` (did you mean ${guess}?)` : ''}`);
  }
  if (follow && values.output !== undefined) throw new UsageError('follow writes its events to stdout (redirect it: > file)');
  let config: Partial<AnalysisConfig> = {};
  if (values.config !== undefined) {
    const text = readConfigText(values.config);
    try {
      const obj = JSON.parse(text) as unknown;
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('not a JSON object');
      config = obj as Partial<AnalysisConfig>;
    } catch (e) {
      throw new UsageError(`--config: ${printable(values.config)} is not a JSON object: ${printable((e as Error).message)}`);
    }
  }
  if (values['slow-rtt'] !== undefined) config = { ...config, slowRttMs: parseDuration(values['slow-rtt']) };
  let maxFlows: number | undefined;
  if (values['max-flows'] !== undefined) {
    maxFlows = Number(values['max-flows']);
    if (!/^\s*\d+\s*$/.test(values['max-flows']) || !Number.isSafeInteger(maxFlows)) {
      throw new UsageError('--max-flows must be a whole number ≥ 0');
    }
    config = { ...config, maxFlows };
  }
  const failOn = values['fail-on'];
  if (failOn !== undefined && failOn !== 'warning' && failOn !== 'error') throw new UsageError('--fail-on must be warning or error');
  // Parquet is binary and one file per capture: never to a terminal or a pipe by accident.
  if (format === 'parquet' && (values.output === undefined || values.output === '-')) {
    throw new UsageError('--format parquet needs --output <file.parquet> (a folder when several captures are given)');
  }
  let jobs: number | undefined;
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!/^\s*\d+\s*$/.test(values.jobs) || !Number.isSafeInteger(jobs) || jobs < 1) throw new UsageError('--jobs must be a whole number ≥ 1');
  }
  return { command: follow ? 'follow' : 'analyze', capture, captures: [capture, ...rest], format: format as Format, config, maxFlows, failOn, output: values.output, jobs, servers: values.servers === true };
}
