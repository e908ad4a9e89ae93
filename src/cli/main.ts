/**
 * `synscope analyze <capture>…`: the engine, headless. Exit codes: 0 ok, 1 findings at or above
 * --fail-on, 2 unreadable input, usage error or a report that could not be written, 3 (several
 * captures) some were unreadable or damaged, the rest reported. The report goes to stdout (or
 * --output); a progress bar goes to stderr only when stderr is a terminal.
 */
import type { AnalyzeProgress } from '../core/engine/analyzeFile';
import type { Severity } from '../core/engine/result';
import { parse, plainError, type Format, type Options } from './args';
import { isMultiRun, runMany } from './multi';
import { isFileWorker, runFileWorker } from './multiWorker';
import { correlateMain, relaunchOptionsFor } from './correlate';
import { diffMain } from './diff';
import { endLike, optionsFromLauncher, relaunch, wantsRelaunch } from './relaunch';
import { analyzeOne, version, writeToFile } from './report';
import { follow } from './follow';

export { parseDuration } from './args';

const HELP = `synscope — TCP handshake analysis of pcap/pcapng captures (gzip too)

Usage:
  synscope analyze <capture> [options]
  synscope analyze <capture|folder>… [options]   several captures at once (docs/fleet.md)
  synscope correlate <A> <B> [options]    (see synscope correlate --help)
  synscope diff <baseline> <incident> [options]   (synscope diff --help)
  synscope follow <capture file or folder> [--format table|ndjson] [--fail-on …] [analysis options]
                            print findings as a capture being written grows; Ctrl+C prints
                            the final report (the same as analyze of the file by then)
  synscope --help | --version

Options:
  --format <f>              table (default), json, csv (one row per flow),
                            findings-csv (one row per finding), sarif, or parquet
                            (every flow, columnar; needs --output)
  --slow-rtt <duration>     slow-handshake threshold with its unit: 200ms, 0.5s, 800us
                            (default 200ms)
  --config <file.json>      analysis settings (see docs/findings.md; - reads stdin),
                            overridden by flags
  --max-flows <N>           flows listed in the output (counts always cover every flow)
  --fail-on warning|error   exit 1 when a finding has at least this severity
  --servers                 add listener health per server ip:port and per port:
                            counts, handshake-time quantiles, time series, backlog
                            signs, change points (docs/servers.md)
  -o, --output <file>       write the report to a file instead of stdout (parquet with
                            several captures: a folder, one .parquet per capture)
  --jobs <N>                captures analysed at once (default: the available cores)
  -h, --help                show this help
  -v, --version             show the version

Exit codes: 0 ok, 1 findings at or above --fail-on, 2 unreadable input, usage error or
the report could not be written, 3 several captures given and some were unreadable or
damaged (each named on stderr with its byte offset; the others are reported).
`;

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

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export async function main(argv: string[], parsed?: Options | 'help' | 'version'): Promise<number> {
  if (argv[0] === 'correlate' && (parsed === undefined || process.env.SYNSCOPE_CHILD)) return correlateMain(argv.slice(1), version());
  if (argv[0] === 'diff') {
    return diffMain(argv.slice(1), version(), (output, text) => {
      if (output) return writeToFile(output, (w) => w(text), false);
      process.stdout.write(text);
      return true;
    });
  }
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
  if (isMultiRun(o)) return runMany(o, RANK);
  const onProgress = progressBar();
  const width = !o.output && process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : 100;
  const outcome = await analyzeOne({ path: o.capture, format: o.format as Format, config: o.config, maxFlows: o.maxFlows, output: o.output, width, onProgress, servers: o.servers });
  if (outcome.status === 'unreadable' || outcome.writeFailed) return 2;
  if (o.failOn) {
    const threshold = RANK[o.failOn];
    if ((Object.keys(RANK) as Severity[]).some((s) => RANK[s] >= threshold && outcome.severities[s] > 0)) return 1;
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
  if (argv[0] === 'correlate') {
    // Two analyses in one process: the same heap cap as analyze's, sized for no listed flows.
    const o = relaunchOptionsFor(argv.slice(1));
    if (!process.env.SYNSCOPE_CHILD && wantsRelaunch(o)) {
      const r = await relaunch(__filename, argv, o);
      if (r) return endLike(r);
    }
    process.exitCode = await main(argv);
    return;
  }
  if (!parsed) {
    try {
      parsed = parse(argv);
    } catch {
      parsed = undefined; // main parses again and explains the mistake
    }
    // Several captures: each worker thread gets its own heap cap (multi.ts), the launcher none.
    if (parsed && typeof parsed === 'object' && wantsRelaunch(parsed) && !isMultiRun(parsed)) {
      const r = await relaunch(__filename, argv, parsed);
      if (r) return endLike(r);
    }
  }
  process.exitCode = await main(argv, parsed);
}

if (isFileWorker()) {
  runFileWorker();
} else if (require.main === module) {
  run(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`synscope: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  });
}
