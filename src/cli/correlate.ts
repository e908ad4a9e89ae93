/**
 * `synscope correlate <A> <B>`: two captures of one path (A nearer the clients, B nearer the
 * servers) matched handshake by handshake (src/core/correlate, docs/correlate.md). Exit codes
 * as for analyze: 0 ok, 2 unreadable input, usage error or a report that could not be written.
 */
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CaptureFormatError } from '../core/capture/types';
import { correlateFiles } from '../core/correlate/files';
import { correlateSarif } from '../core/correlate/sarif';
import { formatCorrelateTable } from '../core/correlate/table';
import type { CorrelateResult } from '../core/correlate/types';
import { printable } from '../core/output/printable';
import { closest, plainError, UsageError, type Options } from './args';

export const CORRELATE_HELP = `synscope correlate — match a client-side and a server-side capture of one path

Usage:
  synscope correlate <A> <B> [options]

  A is the capture nearer the clients, B the one nearer the servers (given the other way
  round, synscope notices and says so). Every handshake attempt seen in either capture becomes
  one pair with a verdict (complete, syn-lost-between, server-silent, synack-lost-between,
  ack-lost-between, reset-between, refused, outside-a/-b …); what changed between the points
  (NAT, MSS clamping, options removed, SYN proxy, TTL) is listed. See docs/correlate.md.

Options:
  --format <f>         table (default), json (schema synscope-correlate/1) or sarif
  --max-pairs <N>      pairs listed (counts always cover every pair; default 10000)
  -o, --output <file>  write the report to a file instead of stdout
  -h, --help           show this help
`;

const FORMATS = ['table', 'json', 'sarif'] as const;

interface CorrelateArgs {
  a: string;
  b: string;
  format: (typeof FORMATS)[number];
  maxPairs: number;
  output?: string;
}

export function parseCorrelate(argv: string[]): CorrelateArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: { format: { type: 'string' }, 'max-pairs': { type: 'string' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    const m = /'(-[-\w]+)'/.exec((e as Error).message);
    throw new UsageError(m ? `correlate: unknown or incomplete option ${printable(m[1])} (see synscope correlate --help)` : `correlate: ${printable((e as Error).message)}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [a, b, ...rest] = positionals;
  if (!a || !b) throw new UsageError('correlate: give two captures: synscope correlate <A (client side)> <B (server side)>');
  if (rest.length) throw new UsageError(`correlate: unexpected argument "${printable(rest[0])}" (two captures per run)`);
  const format = values.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) {
    const guess = closest(format, FORMATS);
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}${guess ? ` (did you mean ${guess}?)` : ''}`);
  }
  let maxPairs = 10000;
  if (values['max-pairs'] !== undefined) {
    maxPairs = Number(values['max-pairs']);
    if (!/^\d+$/.test(values['max-pairs']) || !Number.isSafeInteger(maxPairs)) throw new UsageError(`--max-pairs must be a whole number, not "${printable(values['max-pairs'])}"`);
  }
  return { a, b, format: format as CorrelateArgs['format'], maxPairs, output: values.output };
}

/**
 * What sizes the heap when the CLI re-runs itself for a correlation (relaunch.ts): no flows are
 * listed by the two analyses, the pairs listed take about half a listed flow each.
 */
export function relaunchOptionsFor(argv: string[]): Options {
  let maxPairs = 10000;
  try {
    const c = parseCorrelate(argv);
    if (c !== 'help') maxPairs = c.maxPairs;
  } catch {
    // correlateMain explains the mistake
  }
  return { capture: '', captures: [], format: 'json', config: { maxFlows: 0 }, maxFlows: Math.ceil(maxPairs / 2), servers: false };
}

function unreadable(path: string): string | undefined {
  try {
    return statSync(path).isDirectory() ? `${printable(path)} is a directory; give a capture file (.pcap, .pcapng, .pcap.gz)` : undefined;
  } catch (e) {
    return `cannot read ${printable(path)}: ${plainError(e)}`;
  }
}

function render(r: CorrelateResult, o: CorrelateArgs, version: string): string {
  if (o.format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  if (o.format === 'sarif') return correlateSarif(r, version);
  return formatCorrelateTable(r);
}

export async function correlateMain(argv: string[], version: string): Promise<number> {
  let o: CorrelateArgs | 'help';
  try {
    o = parseCorrelate(argv);
  } catch (e) {
    process.stderr.write(`synscope: ${(e as Error).message}\n`);
    return 2;
  }
  if (o === 'help') {
    process.stdout.write(CORRELATE_HELP);
    return 0;
  }
  for (const p of [o.a, o.b]) {
    const why = unreadable(p);
    if (why) {
      process.stderr.write(`synscope: ${why}\n`);
      return 2;
    }
  }
  let out;
  try {
    out = await correlateFiles(o.a, o.b, { maxPairs: o.maxPairs });
  } catch (e) {
    const where = e instanceof CaptureFormatError ? ` (byte ${e.offset})` : '';
    process.stderr.write(`synscope: cannot correlate: ${printable(String((e as Error).message ?? e))}${where}\n`);
    return 2;
  }
  for (const [which, list] of [['A', out.problems.a], ['B', out.problems.b]] as const) {
    for (const p of list) process.stderr.write(`synscope: ${which}: ${p.kind === 'undecoded' ? '' : `damaged at byte ${p.offset}: `}${printable(p.message)}\n`);
  }
  const text = render(out.result, o, version);
  if (!o.output) {
    process.stdout.write(text);
    return 0;
  }
  let fd = -1;
  try {
    fd = openSync(o.output, 'w');
    writeSync(fd, text);
    return 0;
  } catch (e) {
    process.stderr.write(`synscope: cannot write ${printable(o.output)}: ${plainError(e)}\n`);
    return 2;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
