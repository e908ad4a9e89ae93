/**
 * `synscope analyze <capture>`: the engine, headless. Exit codes: 0 ok, 1 findings at or above
 * --fail-on, 2 unreadable input, usage error or a report that could not be written. The report
 * goes to stdout (or --output); a progress bar goes to stderr only when stderr is a terminal.
 */
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureFormatError } from '../core/capture/types';
import { analyzeFile, type AnalyzeProgress } from '../core/engine/analyzeFile';
import type { AnalysisResult, Severity } from '../core/engine/result';
import { findingsToCsv, flowsToCsv } from '../core/output/csv';
import { writeJson } from '../core/output/json';
import { printable } from '../core/output/printable';
import { formatSarif } from '../core/output/sarif';
import { formatTable } from '../core/output/table';
import { parse, plainError, type Options } from './args';
import { endLike, optionsFromLauncher, relaunch, wantsRelaunch } from './relaunch';
import { follow } from './follow';

export { parseDuration } from './args';

const HELP = `synscope — TCP handshake analysis of pcap/pcapng captures (gzip too)

Usage:
  synscope analyze <capture> [options]
  synscope follow <capture file or folder> [--format table|ndjson] [--fail-on …] [analysis options]
                            print findings as a capture being written grows; Ctrl+C prints
                            the final report (the same as analyze of the file by then)
  synscope --help | --version

Options:
  --format <f>              table (default), json, csv (one row per flow),
                            findings-csv (one row per finding) or sarif
  --slow-rtt <duration>     slow-handshake threshold with its unit: 200ms, 0.5s, 800us
                            (default 200ms)
  --config <file.json>      analysis settings (see docs/findings.md; - reads stdin),
                            overridden by flags
  --max-flows <N>           flows listed in the output (counts always cover every flow)
  --fail-on warning|error   exit 1 when a finding has at least this severity
  -o, --output <file>       write the report to a file instead of stdout
  -h, --help                show this help
  -v, --version             show the version

Exit codes: 0 ok, 1 findings at or above --fail-on, 2 unreadable input, usage error or
the report could not be written.
`;

function version(): string {
  for (const p of [join(__dirname, '..', 'package.json'), join(__dirname, '..', '..', 'package.json')]) {
    try {
      const v = (JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string });
      if (v.name === 'synscope' && v.version) return v.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

function progressBar(): ((p: AnalyzeProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    const frac = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
    const width = 30;
    const filled = Math.round(frac * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ` +
      `${p.packets.toLocaleString('en-US')} packets  ${p.flows.toLocaleString('en-US')} flows  `);
  };
}

function render(result: AnalysisResult, o: Options): string {
  switch (o.format) {
    case 'csv': return flowsToCsv(result);
    case 'findings-csv': return findingsToCsv(result);
    case 'sarif': return formatSarif(result, { toolVersion: version() });
    case 'table': {
      const width = !o.output && process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : 100;
      return formatTable(result, { maxFlows: o.maxFlows, width });
    }
    default: throw new Error(`no text renderer for ${o.format}`);
  }
}

/** Why a capture path cannot be analysed, said plainly, or undefined when it looks readable. */
function unreadable(path: string): string | undefined {
  try {
    if (statSync(path).isDirectory()) return `${printable(path)} is a directory; give a capture file (.pcap, .pcapng, .pcap.gz)`;
    return undefined;
  } catch (e) {
    return `cannot read ${printable(path)}: ${plainError(e)}`;
  }
}

/** Writes the report to --output; false (after saying why) when it could not be written. */
function writeToFile(path: string, emit: (write: (s: string) => void) => void): boolean {
  let fd = -1;
  try {
    fd = openSync(path, 'w');
    emit((s) => writeSync(fd, s));
    closeSync(fd);
    fd = -1;
    return true;
  } catch (e) {
    process.stderr.write(`synscope: cannot write ${printable(path)}: ${plainError(e)}\n`);
    return false;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export async function main(argv: string[], parsed?: Options | 'help' | 'version'): Promise<number> {
  let o: Options | 'help' | 'version';
  try {
    o = parsed ?? parse(argv);
  } catch (e) {
    // One line that says what is wrong; the whole help only when nothing was asked at all.
    process.stderr.write(`synscope: ${(e as Error).message}\n${argv.length === 0 ? `\n${HELP}` : 'Run "synscope --help" for the options.\n'}`);
    return 2;
  }
  if (o === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (o === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (o.command === 'follow') return follow(o);
  const shownPath = printable(o.capture);
  const why = unreadable(o.capture);
  if (why) {
    process.stderr.write(`synscope: ${why}\n`);
    return 2;
  }
  const onProgress = progressBar();
  let result: AnalysisResult;
  try {
    result = (await analyzeFile(o.capture, o.config, { onProgress })).result;
  } catch (e) {
    if (onProgress) process.stderr.write('\n');
    const where = e instanceof CaptureFormatError ? ` (byte ${e.offset})` : '';
    const msg = e instanceof CaptureFormatError ? printable(e.message) : plainError(e);
    process.stderr.write(`synscope: cannot read ${shownPath}${where}: ${msg}\n`);
    return 2;
  }
  if (onProgress) process.stderr.write('\r\x1b[K');
  for (const p of result.capture.problems) {
    if (p.kind === 'undecoded') process.stderr.write(`synscope: ${shownPath}: ${printable(p.message)}\n`);
    else process.stderr.write(`synscope: ${shownPath}: damaged at byte ${p.offset}${p.packet ? ` (after packet ${p.packet})` : ''}: ${printable(p.message)}\n`);
  }
  if (o.format === 'csv' && result.flows.length < result.summary.flows) {
    process.stderr.write(`synscope: the CSV lists ${result.flows.length.toLocaleString('en-US')} of ${result.summary.flows.toLocaleString('en-US')} flows (raise --max-flows to list more)\n`);
  }
  // JSON is streamed piece by piece: the JSON of a large result never exists as one string.
  const emit = o.format === 'json'
    ? (write: (s: string) => void) => writeJson(result, write)
    : (write: (s: string) => void) => write(render(result, o as Options));
  if (o.output) {
    if (!writeToFile(o.output, emit)) return 2;
  } else {
    emit((s) => process.stdout.write(s));
  }
  if (o.failOn) {
    const threshold = RANK[o.failOn];
    if (result.findings.some((f) => RANK[f.severity] >= threshold)) return 1;
  }
  return 0;
}

/** 128 + SIGPIPE: what a shell reports for `cat big | head -1`, the usual end of a closed pipe. */
const EXIT_PIPE_CLOSED = 141;

/**
 * Errors of stdout arrive as events after the write calls. A closed pipe ends the run quietly;
 * anything else (a full disk) is a failure to deliver the report: a message and exit 2,
 * never a stack trace, never exit 1 (which means "findings").
 */
function guardStdio(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT_PIPE_CLOSED);
    process.stderr.write(`synscope: cannot write the report to stdout: ${plainError(e)}\n`);
    process.exit(2);
  });
  // A closed stderr must not turn a message into a crash either.
  process.stderr.on('error', () => undefined);
}

async function run(argv: string[]): Promise<void> {
  guardStdio();
  let parsed: Options | 'help' | 'version' | undefined = optionsFromLauncher();
  if (!parsed) {
    try {
      parsed = parse(argv);
    } catch {
      parsed = undefined; // main parses again and explains the mistake
    }
    // follow keeps the default heap: it runs until stopped and its memory is bounded by design.
    if (parsed && typeof parsed === 'object' && parsed.command !== 'follow' && wantsRelaunch(parsed)) {
      const r = await relaunch(__filename, argv, parsed);
      if (r) return endLike(r);
    }
  }
  process.exitCode = await main(argv, parsed);
}

if (require.main === module) {
  run(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`synscope: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  });
}
