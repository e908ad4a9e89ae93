/**
 * One capture, analysed and reported: what `synscope analyze <capture>` does, and what each
 * capture of a multi-file run does in its worker thread (multi.ts). Messages about the capture
 * (damage with its byte offset, undecoded frames) go to stderr, named by the capture's path.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureFormatError } from '../core/capture/types';
import { analyzeFile, type AnalyzeProgress } from '../core/engine/analyzeFile';
import type { AnalysisConfig } from '../core/engine/config';
import type { AnalysisResult, CaptureSummary, Severity, Summary } from '../core/engine/result';
import { findingsToCsv, flowsToCsv } from '../core/output/csv';
import { writeJsonBytes } from '../core/output/json';
import { writeFlowsParquet } from '../core/output/parquet';
import type { Analyzer } from '../core/engine/analyzer';
import type { FlowList } from '../core/store/flowList';
import { printable } from '../core/output/printable';
import { formatSarif } from '../core/output/sarif';
import { formatTable } from '../core/output/table';
import { plainError, type Format } from './args';

export function version(): string {
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

/** What to analyse and where its report goes. */
export interface Job {
  path: string;
  format: Format;
  config: Partial<AnalysisConfig>;
  maxFlows?: number;
  /** The report's file; undefined = stdout. */
  output?: string;
  /** Table width when the report goes to a terminal. */
  width: number;
  /** CSV rows start with the capture's path (several captures share one CSV). */
  captureColumn?: boolean;
  onProgress?: (p: AnalyzeProgress) => void;
  /** Listener health (`--servers`, docs/servers.md) in the table and JSON. */
  servers?: boolean;
}

/** How the capture went: `damaged` = read up to damage, reported; `unreadable` = no report. */
export type FileStatus = 'ok' | 'damaged' | 'unreadable';

export interface Outcome {
  status: FileStatus;
  /** Why the capture could not be read (with the byte offset when the reader knows it). */
  error?: { message: string; offset?: number };
  /** The report could not be written (a full disk): the run fails. */
  writeFailed?: boolean;
  capture?: CaptureSummary;
  summary?: Summary;
  severities: Record<Severity, number>;
  /** Rows of a Parquet export (every flow). */
  rows?: number;
}

function render(result: AnalysisResult, job: Job): string {
  switch (job.format) {
    case 'csv': return flowsToCsv(result, { captureColumn: job.captureColumn });
    case 'findings-csv': return findingsToCsv(result, { captureColumn: job.captureColumn });
    case 'sarif': return formatSarif(result, { toolVersion: version() });
    case 'table': return formatTable(result, { maxFlows: job.maxFlows, width: job.width });
    default: throw new Error(`no text renderer for ${job.format}`);
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

/** Writes the report to a file; false (after saying why) when it could not be written. */
export function writeToFile(path: string, emit: (write: (s: string | Uint8Array) => void) => void, removePartial: boolean): boolean {
  let fd = -1;
  try {
    fd = openSync(path, 'w');
    emit((s) => {
      if (typeof s === 'string') writeSync(fd, s);
      else for (let off = 0; off < s.length;) off += writeSync(fd, s, off);
    });
    closeSync(fd);
    fd = -1;
    return true;
  } catch (e) {
    process.stderr.write(`synscope: cannot write ${printable(path)}: ${plainError(e)}\n`);
    if (fd >= 0) closeSync(fd);
    fd = -1;
    // Half a Parquet file would break every query over the folder it lands in.
    if (removePartial) {
      try {
        if (statSync(path).isFile()) unlinkSync(path);
      } catch {
        // nothing to remove
      }
    }
    return false;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** The flows the result lists (maxFlows of them), each built when the writer asks. */
export function listedFlows(analyzer: Analyzer): FlowList {
  const all = analyzer.flowList();
  return { length: Math.min(analyzer.config.maxFlows, all.length), at: (i) => all.at(i) };
}

function severities(result: AnalysisResult): Record<Severity, number> {
  const n: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of result.findings) n[f.severity]++;
  return n;
}

export async function analyzeOne(job: Job): Promise<Outcome> {
  const shownPath = printable(job.path);
  const none: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const why = unreadable(job.path);
  if (why) {
    process.stderr.write(`synscope: ${why}\n`);
    return { status: 'unreadable', error: { message: why }, severities: none };
  }
  const parquet = job.format === 'parquet';
  const json = job.format === 'json';
  let analysis: Awaited<ReturnType<typeof analyzeFile>>;
  try {
    // Parquet takes every flow from the store: no listed Flow objects are needed; JSON builds
    // its listed flows as it writes them (writeJsonBytes).
    analysis = await analyzeFile(job.path, job.config, { onProgress: job.onProgress, listed: parquet || json ? 0 : undefined, listeners: job.servers });
  } catch (e) {
    if (job.onProgress) process.stderr.write('\n');
    const offset = e instanceof CaptureFormatError ? e.offset : undefined;
    const msg = e instanceof CaptureFormatError ? printable(e.message) : plainError(e);
    process.stderr.write(`synscope: cannot read ${shownPath}${offset !== undefined ? ` (byte ${offset})` : ''}: ${msg}\n`);
    return { status: 'unreadable', error: { message: msg, offset }, severities: none };
  }
  const { result, analyzer } = analysis;
  if (job.onProgress) process.stderr.write('\r\x1b[K');
  for (const p of result.capture.problems) {
    if (p.kind === 'undecoded') process.stderr.write(`synscope: ${shownPath}: ${printable(p.message)}\n`);
    else process.stderr.write(`synscope: ${shownPath}: damaged at byte ${p.offset}${p.packet ? ` (after packet ${p.packet})` : ''}: ${printable(p.message)}\n`);
  }
  if (job.format === 'csv' && result.flows.length < result.summary.flows) {
    process.stderr.write(`synscope: the CSV lists ${result.flows.length.toLocaleString('en-US')} of ${result.summary.flows.toLocaleString('en-US')} flows (raise --max-flows to list more)\n`);
  }
  let rows: number | undefined;
  // JSON is streamed piece by piece: the JSON of a large result never exists as one string;
  // Parquet goes out row group by row group.
  const emit = (write: (chunk: string | Uint8Array) => void): void => {
    if (json) writeJsonBytes(result, write, listedFlows(analyzer));
    else if (parquet) rows = writeFlowsParquet(result, analyzer.flowList(), write, { version: version() }).rows;
    else write(render(result, job));
  };
  const damaged = result.capture.problems.some((p) => p.kind !== 'undecoded');
  const outcome: Outcome = {
    status: damaged ? 'damaged' : 'ok', capture: result.capture, summary: result.summary, severities: severities(result),
  };
  if (job.output) {
    if (!writeToFile(job.output, emit, parquet)) return { ...outcome, writeFailed: true };
  } else {
    emit((s) => process.stdout.write(s));
  }
  return { ...outcome, rows };
}
