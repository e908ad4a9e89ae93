/**
 * The whole path a user's file takes — reader over chunks, engine, finish (findings, stories),
 * JSON, sequence diagrams — with the invariants every input must keep, damaged or not. Shared by
 * the property tests, the truncation/corruption sweeps and the jazzer.js target (fuzz/target.ts).
 *
 * Bounded by construction, no timers: every loop here is over delivered packets or flows, and the
 * number of packets a reader can deliver is capped by the bytes it was given.
 */
import { readCaptureChunks } from '../../../src/core/capture/readCapture';
import { CaptureFormatError, type PacketRecord, type ReadSummary } from '../../../src/core/capture/types';
import { Analyzer } from '../../../src/core/engine/analyzer';
import type { AnalysisConfig } from '../../../src/core/engine/config';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { renderMermaid, renderSequenceDiagram } from '../../../src/render/index';

/** What a consumer can observe of one delivered packet (the record itself is borrowed). */
export interface PacketDigest {
  index: number;
  offset: number;
  capLen: number;
  origLen: number;
  sec: number;
  frac: number;
  unitsPerSecond: number;
  linkType: number;
  interfaceId: number;
  /** FNV-1a of the captured bytes. */
  hash: number;
  comment?: string;
}

export interface PipelineRun {
  packets: PacketDigest[];
  summary: ReadSummary | null;
  /** Set when the reader refused the file as a whole (the only exception it may throw). */
  formatError: CaptureFormatError | null;
  result: AnalysisResult | null;
  /** Sequence diagrams rendered (SVG + Mermaid) for the first flows. */
  rendered: number;
}

export interface PipelineOptions {
  /** Chunk sizes the bytes are split into, cycled; default one chunk. */
  chunkSizes?: number[];
  /** Diagrams to render (first flows); default 0 (rendering costs ~5 ms a diagram). */
  render?: number;
  config?: Partial<AnalysisConfig>;
  /** Keep a digest of every packet in the result (default); the fuzz target only counts them. */
  keepPackets?: boolean;
  /** Called for every chunk and every 4 096 packets (the fuzz target samples RSS there). */
  sample?: () => void;
}

/** A failed invariant: a bug, reported with the detail needed to reproduce it. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantError';
  }
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new InvariantError(message);
}

export function fnv1a(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
  return h;
}

export function digest(p: PacketRecord): PacketDigest {
  const d: PacketDigest = {
    index: p.index, offset: p.offset, capLen: p.capLen, origLen: p.origLen, sec: p.sec, frac: p.frac,
    unitsPerSecond: p.unitsPerSecond, linkType: p.linkType, interfaceId: p.interfaceId, hash: fnv1a(p.data),
  };
  if (p.comment !== undefined) d.comment = p.comment;
  return d;
}

/** Yields copies of `bytes` in slices of the given sizes (cycled), like a file read in chunks. */
export async function* slices(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let o = 0;
  let i = 0;
  if (bytes.length === 0) return;
  while (o < bytes.length) {
    const n = Math.max(1, sizes[i++ % sizes.length] | 0);
    yield bytes.slice(o, o + n);
    o += n;
  }
}

async function* sampled(chunks: AsyncIterable<Uint8Array>, sample: () => void): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) {
    sample();
    yield c;
  }
}

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * Runs `bytes` through reader + engine + renderers. Throws InvariantError when an invariant
 * breaks; any other exception escaping is a bug too (the caller's test fails on it).
 */
export async function runPipeline(bytes: Uint8Array, opts: PipelineOptions = {}): Promise<PipelineRun> {
  const analyzer = new Analyzer(opts.config);
  const packets: PacketDigest[] = [];
  let lastOffset = -1;
  let count = 0;
  const keep = opts.keepPackets ?? true;
  // The messages are built only on failure: per packet they cost more than the reader and
  // engine together (a 62-million-packet gzip bomb took 14 s here, 2.6 s in the CLI).
  const onPacket = (p: PacketRecord): void => {
    if (p.data.length !== p.capLen) check(false, `packet ${p.index}: data length ${p.data.length} != capLen ${p.capLen}`);
    if (!(p.offset > lastOffset)) check(false, `packet ${p.index}: offset ${p.offset} not after the previous ${lastOffset}`);
    if (!(Number.isInteger(p.sec) && Number.isInteger(p.frac) && p.frac >= 0 && p.frac < p.unitsPerSecond)) {
      check(false, `packet ${p.index}: timestamp ${p.sec} + ${p.frac}/${p.unitsPerSecond} is not well-formed`);
    }
    lastOffset = p.offset;
    if (!(p.index >= count + 1)) check(false, `packet ${count} has frame number ${p.index}`);
    if (opts.sample && (count & 4095) === 0) opts.sample();
    count++;
    if (keep) packets.push(digest(p));
    analyzer.addPacket(p);
  };
  let summary: ReadSummary;
  try {
    // A small initial window: the reader grows it for larger records, and these inputs are small.
    const chunks = slices(bytes, opts.chunkSizes ?? [Math.max(1, bytes.length)]);
    summary = await readCaptureChunks(opts.sample ? sampled(chunks, opts.sample) : chunks, onPacket, { totalBytes: bytes.length, chunkSize: 4096 });
  } catch (e) {
    if (!(e instanceof CaptureFormatError)) throw e;
    check(e.offset === 0 || (e.offset > 0 && e.offset <= bytes.length), `CaptureFormatError offset ${e.offset} outside the file`);
    check(count === 0, `CaptureFormatError after ${count} packets: ${e.message}`);
    return { packets, summary: null, formatError: e, result: null, rendered: 0 };
  }
  checkSummary(bytes, summary, count);
  const result = analyzer.finish(summary, 'fuzz-input');
  checkResult(result, summary);
  const rendered = renderSome(analyzer, result, opts.render ?? 0);
  return { packets, summary, formatError: null, result, rendered };
}

function checkSummary(bytes: Uint8Array, s: ReadSummary, delivered: number): void {
  check(s.packets === delivered, `summary.packets ${s.packets} != delivered ${delivered}`);
  check(!s.aborted, 'aborted without an abort signal');
  // Less when the reader gives up (unsupported version, no plausible record after damage).
  check(s.bytesRead <= bytes.length, `bytesRead ${s.bytesRead} > input length ${bytes.length}`);
  if (!isGzip(bytes)) {
    // The smallest record is a pcap record header (16 bytes) after a 24-byte file header, or a
    // 16-byte pcapng simple packet block: more packets than that means bytes were read twice.
    check(delivered <= Math.max(0, bytes.length - 16) / 12, `${delivered} packets from ${bytes.length} bytes`);
  }
  for (const pr of s.problems) {
    check(Number.isSafeInteger(pr.offset) && pr.offset >= 0, `problem offset ${pr.offset} not a byte offset: ${pr.message}`);
    if (!isGzip(bytes)) check(pr.offset <= bytes.length, `problem offset ${pr.offset} beyond the ${bytes.length}-byte file: ${pr.message}`);
    check(pr.message.length > 0 && pr.message.length < 1000, `problem message length ${pr.message.length}`);
  }
  // The reader lists a bounded number of problems and counts the rest in one closing entry.
  check(s.problems.length <= 201, `${s.problems.length} problems listed`);
  if (!isGzip(bytes)) check(s.info.interfaces.length <= Math.max(1, bytes.length / 20), `${s.info.interfaces.length} interfaces from ${bytes.length} bytes`);
}

function checkResult(r: AnalysisResult, s: ReadSummary): void {
  const json = JSON.stringify(r);
  check(typeof json === 'string', 'result is not JSON-serialisable');
  check(r.capture.packets === s.packets, `capture.packets ${r.capture.packets} != read ${s.packets}`);
  const d = r.capture.decoded;
  if (d === undefined) throw new InvariantError('capture.decoded missing');
  check(d.tcp + d.notTcp + d.fragments + d.unknownLinkType + d.malformed === s.packets, 'decoded counts do not add up to the packets');
  check(r.summary.flows >= r.flows.length, `summary.flows ${r.summary.flows} < listed ${r.flows.length}`);
  check(r.summary.flows <= d.tcp, `${r.summary.flows} flows from ${d.tcp} TCP segments`);
  const ids = new Set<number>();
  for (const f of r.flows) {
    check(!ids.has(f.id), `flow id ${f.id} twice`);
    ids.add(f.id);
  }
  const findingIds = new Set(r.findings.map((f) => f.id));
  check(findingIds.size === r.findings.length, 'finding ids not unique');
  for (const series of [r.timeline.syn, r.timeline.synAck, r.timeline.completed, r.timeline.rst]) {
    check(series.length <= 1000 + 1, `timeline has ${series.length} bins`);
    check(series.every((v) => Number.isFinite(v) && v >= 0), 'timeline has a non-finite or negative count');
  }
  check(Number.isFinite(r.timeline.binSeconds) && r.timeline.binSeconds > 0, `timeline bin width ${r.timeline.binSeconds}`);
  if (s.problems.length > 0) check(r.findings.some((f) => f.code === 'capture-damaged'), 'damage read but no capture-damaged finding');
}

function renderSome(a: Analyzer, r: AnalysisResult, n: number): number {
  let count = 0;
  for (const flow of r.flows.slice(0, n)) {
    const events = a.flowEvents(flow.id);
    const findings = r.findings.filter((f) => f.flows.includes(flow.id));
    const svg = renderSequenceDiagram(flow, events, findings, { timeDisplay: count % 2 ? 'absolute' : 'delta' });
    check(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>'), `flow ${flow.id}: diagram is not one <svg> element`);
    const mermaid = renderMermaid(flow, events, findings);
    check(mermaid.startsWith('sequenceDiagram'), `flow ${flow.id}: Mermaid does not start with sequenceDiagram`);
    count++;
  }
  return count;
}
