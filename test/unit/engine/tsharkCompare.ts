/**
 * Compares engine flows with the tshark truth files in ../shared/captures/expected, per
 * tcp.stream (matched by first frame). Used by test/unit/corpus/engine-tshark.test.ts.
 */
import type { Flow } from '../../../src/core/engine/result';

export interface TsharkStream {
  stream: number;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  endpoint_basis: 'first-syn' | 'first-syn-ack' | 'first-packet';
  first_frame: number;
  last_frame: number;
  packets: number;
  syn: number;
  syn_retrans: number;
  synack: number;
  synack_retrans: number;
  simultaneous_open: boolean;
  handshake_complete: boolean;
  initial_rtt: string | null;
  rst_by: null | 'client' | 'server' | 'both';
  completeness: number;
  reused_ports: boolean;
  tfo_cookie_request: boolean;
  tfo_cookie_in_syn: boolean;
  tfo_cookie_in_synack: boolean;
  syn_data_len: number;
  first_syn_frame: number | null;
  handshake_ack_frame: number | null;
}

export interface TsharkTruth {
  capture: { file: string; pcap_timestamp_resolution: 'usec' | 'nsec' | null; format: string };
  file: { damaged: boolean; packets: number; interfaces: { 'Time precision'?: string }[] };
  streams: TsharkStream[];
}

export const ASPECTS = [
  'roles', 'syn', 'synRetransmissions', 'synAck', 'synAckRetransmissions', 'handshakeComplete', 'rtt',
  'rttRetried', 'reset', 'completeness', 'portReuse', 'simultaneousOpen', 'tfo',
] as const;
export type Aspect = (typeof ASPECTS)[number];

export interface Disagreement {
  file: string;
  stream: number;
  aspect: Aspect | 'missing';
  ours: unknown;
  tshark: unknown;
}

/** Timestamp resolution of the file in seconds (1 µs unless the file says finer). */
export function resolutionOf(t: TsharkTruth): number {
  if (t.capture.pcap_timestamp_resolution === 'nsec') return 1e-9;
  const p = t.file.interfaces[0]?.['Time precision'] ?? '';
  const m = /\((\d+)\)/.exec(p);
  if (m) return 10 ** -Number(m[1]);
  return 1e-6;
}

/** Per aspect: [compared, agreed]; plus every disagreement. */
export function compareStreams(file: string, truth: TsharkTruth, flows: Flow[]): { counts: Map<Aspect, [number, number]>; diffs: Disagreement[] } {
  const counts = new Map<Aspect, [number, number]>(ASPECTS.map((a) => [a, [0, 0]]));
  const diffs: Disagreement[] = [];
  const byFirst = new Map<number, Flow>();
  for (const f of flows) byFirst.set(f.firstPacket, f);
  const res = resolutionOf(truth);
  for (const s of truth.streams) {
    const f = byFirst.get(s.first_frame);
    const check = (aspect: Aspect, ours: unknown, theirs: unknown, ok?: boolean): void => {
      const c = counts.get(aspect)!;
      c[0]++;
      const agree = ok ?? JSON.stringify(ours) === JSON.stringify(theirs);
      if (agree) c[1]++;
      else diffs.push({ file, stream: s.stream, aspect, ours, tshark: theirs });
    };
    if (!f) {
      for (const a of ASPECTS) counts.get(a)![0]++;
      diffs.push({ file, stream: s.stream, aspect: 'missing', ours: null, tshark: s.first_frame });
      continue;
    }
    check('roles', [f.client, f.server], [s.client, s.server]);
    check('syn', f.syn, s.syn);
    check('synRetransmissions', f.synRetransmissions, s.syn_retrans);
    check('synAck', f.synAck, s.synack);
    check('synAckRetransmissions', f.synAckRetransmissions, s.synack_retrans);
    check('handshakeComplete', f.handshake.complete, s.handshake_complete);
    // Every completed handshake, retried SYNs and SYN-ACKs included (issue 22).
    if (s.handshake_complete && s.initial_rtt !== null) {
      const theirs = Number(s.initial_rtt);
      const ours = f.handshake.rtt;
      const ok = ours !== null && Math.abs(ours - theirs) <= res * 1.01;
      check('rtt', ours, s.initial_rtt, ok);
      // The handshakes the RTT used to be wrong on: a SYN or SYN-ACK sent more than once.
      if (s.syn > 1 || s.syn_retrans > 0 || s.synack_retrans > 0) check('rttRetried', ours, s.initial_rtt, ok);
    }
    check('reset', f.reset, s.rst_by);
    check('completeness', f.completeness, s.completeness);
    check('portReuse', f.portReuse, s.reused_ports);
    check('simultaneousOpen', f.simultaneousOpen, s.simultaneous_open);
    const tfoOurs = [f.options.client.fastOpen === 'request', f.options.client.fastOpen === 'cookie', f.options.server.fastOpen === 'cookie', f.synData];
    const tfoTheirs = [s.tfo_cookie_request, s.tfo_cookie_in_syn, s.tfo_cookie_in_synack, s.syn_data_len];
    check('tfo', tfoOurs, tfoTheirs);
  }
  return { counts, diffs };
}
