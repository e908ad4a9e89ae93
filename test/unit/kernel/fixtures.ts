/**
 * The kernel captures of test/fixtures/kernel (made by scripts/kernel-captures/capture.sh in
 * network namespaces) with their outside truths: tshark's stream summary, tshark's rows for
 * every SYN-flagged frame, and the scenario's own record (set-up, what the client's socket API
 * reported).
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import type { AnalysisResult } from '../../../src/core/engine/result';
import type { TsharkStream, TsharkTruth } from '../engine/tsharkCompare';

export const ROOT = join(__dirname, '..', '..', '..', '..');
/** KERNEL_CAPTURES=dir checks a fresh set from capture.sh + truth.mjs against the same assertions. */
export const DIR = process.env.KERNEL_CAPTURES ?? join(ROOT, 'test', 'fixtures', 'kernel');

export const CAPTURES = [
  'healthy', 'refused', 'silent-host', 'silent-host-exponential', 'lost-final-ack', 'half-open', 'syn-flood', 'syn-flood-always',
  'syn-flood-ts-nooffset', 'storm', 'keepalive', 'ipv6',
] as const;
export type Capture = (typeof CAPTURES)[number];

export interface Truth extends TsharkTruth {
  capture: TsharkTruth['capture'] & { sha256: string };
  summary: Record<string, number>;
  streams: (TsharkStream & { family: number; first_syn_epoch: string | null })[];
}

export function pcapPath(name: Capture): string {
  return join(DIR, `${name}.pcap`);
}

function readMaybeGz(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8');
  return gunzipSync(readFileSync(`${path}.gz`)).toString('utf8');
}

export function truth(name: Capture): Truth {
  return JSON.parse(readMaybeGz(join(DIR, 'expected', `${name}.pcap.tshark.json`))) as Truth;
}

/** One tshark row per SYN-flagged frame (see the command in the file's first line). */
export interface SynFrame {
  frame: number;
  epoch: string;
  stream: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  flags: number;
  retransmission: boolean;
  tsval: number | null;
  wscale: number | null;
  sack: boolean;
}

export function synFrames(name: Capture): SynFrame[] {
  const lines = readMaybeGz(join(DIR, 'expected', `${name}.pcap.syn-frames.tsv`)).split('\n').filter((l) => l && !l.startsWith('#'));
  const cols = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const v = l.split('\t');
    const f = (k: string): string => v[cols.indexOf(k)] ?? '';
    return {
      frame: Number(f('frame.number')),
      epoch: f('frame.time_epoch'),
      stream: Number(f('tcp.stream')),
      src: f('ip.src') || f('ipv6.src'),
      srcPort: Number(f('tcp.srcport')),
      dst: f('ip.dst') || f('ipv6.dst'),
      dstPort: Number(f('tcp.dstport')),
      flags: Number(f('tcp.flags')),
      retransmission: f('tcp.analysis.retransmission') !== '',
      tsval: f('tcp.options.timestamp.tsval') === '' ? null : Number(f('tcp.options.timestamp.tsval')),
      wscale: f('tcp.options.wscale.shift') === '' ? null : Number(f('tcp.options.wscale.shift')),
      sack: f('tcp.options.sack_perm') !== '',
    };
  });
}

/** Seconds between two tshark epoch strings (exact to the µs of these files). */
export function secondsBetween(a: string, b: string): number {
  const [as, af = ''] = a.split('.');
  const [bs, bf = ''] = b.split('.');
  const frac = (x: string) => Number(`0.${x || '0'}`);
  return Number(bs) - Number(as) + (frac(bf) - frac(af));
}

export type Scenario = Record<string, any>;

export function scenario(name: Capture): Scenario {
  return JSON.parse(readFileSync(join(DIR, `${name}.scenario.json`), 'utf8')) as Scenario;
}

const results = new Map<Capture, Promise<AnalysisResult>>();

/** The engine's result for a capture (analysed once per test file). */
export function analyse(name: Capture): Promise<AnalysisResult> {
  let r = results.get(name);
  if (!r) {
    r = analyzeFile(pcapPath(name)).then((x) => x.result);
    results.set(name, r);
  }
  return r;
}
