/**
 * `synscope analyze <capture>`: the engine, headless. Exit codes: 0 ok, 1 findings at or above
 * --fail-on, 2 unreadable input or usage error. The report goes to stdout (or --output); a
 * progress bar goes to stderr only when stderr is a terminal.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CaptureFormatError } from '../core/capture/types';
import { analyzeFile, type AnalyzeProgress } from '../core/engine/analyzeFile';
import { DEFAULT_CONFIG, type AnalysisConfig } from '../core/engine/config';
import type { AnalysisResult, Severity } from '../core/engine/result';
import { flowsToCsv } from '../core/output/csv';
import { writeJson } from '../core/output/json';
import { formatSarif } from '../core/output/sarif';
import { formatTable } from '../core/output/table';

const FORMATS = ['table', 'json', 'csv', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

const HELP = `synscope — TCP handshake analysis of pcap/pcapng captures (gzip too)

Usage:
  synscope analyze <capture> [options]
  synscope --help | --version

Options:
  --format table|json|csv|sarif  output format (default: table; csv = one row per flow)
  --slow-rtt <duration>          slow-handshake threshold, e.g. 200ms, 0.5s (default 200ms)
  --config <file.json>           analysis settings (see docs/findings.md), overridden by flags
  --max-flows <N>                flows listed in the output (counts always cover every flow)
  --fail-on warning|error        exit 1 when a finding has at least this severity
  --output <file>                write the report to a file instead of stdout
  -h, --help                     show this help
  -v, --version                  show the version

Exit codes: 0 ok, 1 findings at or above --fail-on, 2 unreadable input or usage error.
`;

class UsageError extends Error {}

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

/** "200ms", "0.2s", "1.5 s", "200" (ms) → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|us|µs)?\s*$/i.exec(text);
  if (!m) throw new UsageError(`--slow-rtt: cannot read "${text}" (try 200ms or 0.5s)`);
  const v = Number(m[1]);
  const unit = (m[2] ?? 'ms').toLowerCase();
  return unit === 's' ? v * 1000 : unit === 'ms' ? v : v / 1000;
}

interface Options {
  capture: string;
  format: Format;
  config: Partial<AnalysisConfig>;
  maxFlows?: number;
  failOn?: Severity;
  output?: string;
}

function parse(argv: string[]): Options | 'help' | 'version' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      'slow-rtt': { type: 'string' },
      config: { type: 'string' },
      'max-flows': { type: 'string' },
      'fail-on': { type: 'string' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.help) return 'help';
  if (values.version) return 'version';
  const [command, capture, ...rest] = positionals;
  if (command === undefined) throw new UsageError('missing command (try: synscope analyze <capture>)');
  if (command !== 'analyze') throw new UsageError(`unknown command "${command}" (try: synscope analyze <capture>)`);
  if (!capture) throw new UsageError('analyze: missing <capture> path');
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const format = (values.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  let config: Partial<AnalysisConfig> = {};
  if (values.config) {
    let text: string;
    try {
      text = readFileSync(values.config, 'utf8');
    } catch (e) {
      throw new UsageError(`--config: cannot read ${values.config}: ${(e as Error).message}`);
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      config = parsed as Partial<AnalysisConfig>;
    } catch (e) {
      throw new UsageError(`--config: ${values.config} is not a JSON object: ${(e as Error).message}`);
    }
  }
  if (values['slow-rtt'] !== undefined) config = { ...config, slowRttMs: parseDuration(values['slow-rtt']) };
  let maxFlows: number | undefined;
  if (values['max-flows'] !== undefined) {
    maxFlows = Number(values['max-flows']);
    if (!Number.isInteger(maxFlows) || maxFlows < 0) throw new UsageError('--max-flows must be a whole number ≥ 0');
    config = { ...config, maxFlows };
  }
  const failOn = values['fail-on'];
  if (failOn !== undefined && failOn !== 'warning' && failOn !== 'error') throw new UsageError('--fail-on must be warning or error');
  return { capture, format, config, maxFlows, failOn, output: values.output };
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
    case 'sarif': return formatSarif(result, { toolVersion: version() });
    case 'table': return formatTable(result, { maxFlows: o.maxFlows });
    default: throw new Error(`no text renderer for ${o.format}`);
  }
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export async function main(argv: string[]): Promise<number> {
  let o: Options | 'help' | 'version';
  try {
    o = parse(argv);
  } catch (e) {
    process.stderr.write(`synscope: ${(e as Error).message}\n\n${HELP}`);
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
  const onProgress = progressBar();
  let result: AnalysisResult;
  try {
    result = (await analyzeFile(o.capture, o.config, { onProgress })).result;
  } catch (e) {
    if (onProgress) process.stderr.write('\n');
    const err = e as NodeJS.ErrnoException;
    const where = e instanceof CaptureFormatError ? ` (byte ${e.offset})` : '';
    process.stderr.write(`synscope: cannot read ${o.capture}${where}: ${err.message}\n`);
    return 2;
  }
  if (onProgress) process.stderr.write('\r\x1b[K');
  for (const p of result.capture.problems) {
    process.stderr.write(`synscope: ${o.capture}: damaged at byte ${p.offset}${p.packet ? ` (after packet ${p.packet})` : ''}: ${p.message}\n`);
  }
  if (o.format === 'json') {
    // Streamed piece by piece: the JSON of a large result never exists as one string.
    if (o.output) {
      let fd = -1;
      try {
        fd = openSync(o.output, 'w');
        writeJson(result, (s) => writeSync(fd, s));
      } catch (e) {
        process.stderr.write(`synscope: cannot write ${o.output}: ${(e as Error).message}\n`);
        return 2;
      } finally {
        if (fd >= 0) closeSync(fd);
      }
    } else {
      writeJson(result, (s) => process.stdout.write(s));
    }
  } else {
    const text = render(result, o);
    if (o.output) {
      try {
        writeFileSync(o.output, text);
      } catch (e) {
        process.stderr.write(`synscope: cannot write ${o.output}: ${(e as Error).message}\n`);
        return 2;
      }
    } else {
      process.stdout.write(text);
    }
  }
  if (o.failOn) {
    const threshold = RANK[o.failOn];
    if (result.findings.some((f) => RANK[f.severity] >= threshold)) return 1;
  }
  return 0;
}

/**
 * The engine's live set is bounded (active flows, listed flows, aggregates), but V8 lets the
 * heap grow with garbage long before it collects. Re-running ourselves once with a heap cap
 * sized from the listed flows keeps peak RSS near the live set (a 10^7-source flood stays
 * under 200 MiB). Skipped when the user chose heap flags, or with SYNSCOPE_NO_REEXEC=1.
 */
function reexecWithHeapCap(argv: string[]): boolean {
  if (process.env.SYNSCOPE_NO_REEXEC || process.env.SYNSCOPE_CHILD) return false;
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  if (/max-old-space-size|max-semi-space-size/.test(flags)) return false;
  if (!argv.includes('analyze')) return false;
  let maxFlows = 10000;
  const i = argv.indexOf('--max-flows');
  if (i >= 0 && Number.isFinite(Number(argv[i + 1]))) maxFlows = Number(argv[i + 1]);
  // ~6 KB per listed flow (flow, events, output) on top of 96 MB for everything else, and room
  // for the live flows the engine may hold (~0.45 KB of heap each): a cap below that would end
  // a long flood in an out-of-memory crash instead of an answer (the bench mix stays at ~195 MB).
  const oldSpaceMb = Math.ceil(96 + (maxFlows * 6) / 1024 + (DEFAULT_CONFIG.maxLiveFlows * 0.45) / 1024);
  const r = spawnSync(process.execPath, [`--max-old-space-size=${oldSpaceMb}`, '--max-semi-space-size=4', ...process.execArgv, __filename, ...argv], {
    stdio: 'inherit',
    env: { ...process.env, SYNSCOPE_CHILD: '1' },
  });
  if (r.error) return false;
  process.exitCode = r.status ?? (r.signal ? 2 : 0);
  return true;
}

if (require.main === module && !reexecWithHeapCap(process.argv.slice(2))) {
  // `synscope … | head` closes stdout early: not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`synscope: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
