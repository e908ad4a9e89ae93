/**
 * `synscope diff <baseline> <incident>`: both captures analysed with listener health, then
 * compared (docs/diff.md). Exit codes: 0 ok, 1 a regression with --fail-on regression,
 * 2 unreadable input or usage error.
 */
import { parseArgs } from 'node:util';
import { CaptureFormatError } from '../core/capture/types';
import { analyzeFile } from '../core/engine/analyzeFile';
import { diffCaptures, type DiffSide } from '../core/diff/compare';
import { formatDiffSarif, formatDiffTable } from '../core/diff/format';
import { DEFAULT_THRESHOLDS, type DiffThresholds } from '../core/diff/types';
import { printable } from '../core/output/printable';
import { closest, parseDuration, plainError, UsageError } from './args';

export const DIFF_HELP = `Usage:
  synscope diff <baseline> <incident> [options]

Options:
  --format <f>              table (default), json (schema synscope-diff/1) or sarif
  --fail-on regression      exit 1 when a listener regressed or vanished
  --alpha <p>               family-wise significance of the tests (default 0.01)
  --latency-ratio <r>       smallest handshake-time ratio reported (default 1.25)
  --latency-shift <d>       …and smallest change in time, with its unit (default 1ms)
  --rate-delta <d>          smallest rate change reported, absolute (default 0.05)
  --min-attempts <N>        attempts a listener needs in each capture (default 20)
  -o, --output <file>       write the report to a file instead of stdout
`;

const OPTIONS = {
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  alpha: { type: 'string' },
  'latency-ratio': { type: 'string' },
  'latency-shift': { type: 'string' },
  'rate-delta': { type: 'string' },
  'min-attempts': { type: 'string' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface DiffOptions {
  baseline: string;
  incident: string;
  format: 'table' | 'json' | 'sarif';
  failOnRegression: boolean;
  thresholds: DiffThresholds;
  output?: string;
}

function number(name: string, text: string | undefined, fallback: number, ok: (x: number) => boolean, what: string): number {
  if (text === undefined) return fallback;
  const x = Number(text);
  if (!/^\s*\d*\.?\d+\s*$/.test(text) || !ok(x)) throw new UsageError(`--${name} must be ${what}`);
  return x;
}

export function parseDiff(argv: string[]): DiffOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (e) {
    const m = /'(--?[\w-]+)/.exec((e as Error).message);
    const guess = m ? closest(m[1].replace(/^-+/, ''), Object.keys(OPTIONS)) : undefined;
    throw new UsageError(`diff: ${printable((e as Error).message)}${guess ? ` (did you mean --${guess}?)` : ''}`);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return 'help';
  if (positionals.length !== 2) throw new UsageError('diff: give two captures: synscope diff <baseline> <incident>');
  const format = v.format ?? 'table';
  if (format !== 'table' && format !== 'json' && format !== 'sarif') throw new UsageError('diff: --format must be table, json or sarif');
  if (v['fail-on'] !== undefined && v['fail-on'] !== 'regression') throw new UsageError('diff: --fail-on must be regression');
  const d = DEFAULT_THRESHOLDS;
  return {
    baseline: positionals[0],
    incident: positionals[1],
    format,
    failOnRegression: v['fail-on'] === 'regression',
    thresholds: {
      alpha: number('alpha', v.alpha, d.alpha, (x) => x > 0 && x < 1, 'between 0 and 1'),
      level: d.level,
      latencyRatio: number('latency-ratio', v['latency-ratio'], d.latencyRatio, (x) => x > 1, 'a ratio above 1 (1.25 = 25 % slower)'),
      latencyShift: v['latency-shift'] === undefined ? d.latencyShift : parseDuration(v['latency-shift'], '--latency-shift') / 1000,
      rateDelta: number('rate-delta', v['rate-delta'], d.rateDelta, (x) => x > 0 && x < 1, 'between 0 and 1 (0.05 = 5 points)'),
      minAttempts: number('min-attempts', v['min-attempts'], d.minAttempts, (x) => Number.isInteger(x) && x >= 1, 'a whole number ≥ 1'),
    },
    output: v.output,
  };
}

async function side(path: string): Promise<DiffSide> {
  const { result, analyzer } = await analyzeFile(path, { maxFlows: 0 }, { listeners: true });
  return { result, listeners: analyzer.listeners! };
}

/** `deliver` writes the report to stdout or --output (false when it could not). */
export async function diffMain(argv: string[], toolVersion: string, deliver: (output: string | undefined, text: string) => boolean): Promise<number> {
  let o: DiffOptions | 'help';
  try {
    o = parseDiff(argv);
  } catch (e) {
    process.stderr.write(`synscope: ${(e as Error).message}\nRun "synscope diff --help" for the options.\n`);
    return 2;
  }
  if (o === 'help') return deliver(undefined, DIFF_HELP) ? 0 : 2;
  const sides: DiffSide[] = [];
  for (const path of [o.baseline, o.incident]) {
    try {
      sides.push(await side(path));
    } catch (e) {
      const where = e instanceof CaptureFormatError ? ` (byte ${e.offset})` : '';
      process.stderr.write(`synscope: cannot read ${printable(path)}${where}: ${e instanceof CaptureFormatError ? printable(e.message) : plainError(e)}\n`);
      return 2;
    }
  }
  const report = diffCaptures(sides[0], sides[1], o.thresholds);
  const text = o.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : o.format === 'sarif' ? formatDiffSarif(report, toolVersion) : formatDiffTable(report);
  if (!deliver(o.output, text)) return 2;
  return o.failOnRegression && report.regressions > 0 ? 1 : 0;
}
