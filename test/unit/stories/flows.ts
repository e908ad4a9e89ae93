/**
 * Hand-built flows and results for the stories' unit tests. Times are given in integer
 * microseconds after BASE so the expected values in the tests can be derived exactly by hand.
 */
import type { AnalysisResult, Finding, Flow, PacketRef } from '../../../src/core/engine/result';

/** An arbitrary whole epoch second (2023-11-14T22:13:20Z). */
export const BASE = 1_700_000_000;

/** Epoch string for `us` microseconds after BASE, 6 digits like a µs pcap. */
export function at(us: number): string {
  return `${BASE + Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
}

export const S = 1_000_000;
export const MS = 1_000;

export interface FlowSpec {
  id: number;
  client: [string, number];
  server: [string, number];
  /** First SYN, µs after BASE. */
  start: number;
  /** Seconds between SYN retransmissions (the backoff), e.g. [1, 2, 4]. */
  synIntervals?: number[];
  /** SYN-ACK and ACK, µs after `start`; omit for an unanswered connect. */
  synAck?: number;
  ack?: number;
  /** Last packet, µs after `start` (defaults to the last SYN / ACK). */
  end?: number;
  exchanges?: number;
  fin?: boolean;
  reset?: Flow['reset'];
}

let frame = 0;

function ref(us: number): PacketRef {
  return { packet: ++frame, time: at(us) };
}

export function flow(spec: FlowSpec): Flow {
  const intervals = spec.synIntervals ?? [];
  const lastSyn = spec.start + intervals.reduce((s, x) => s + Math.round(x * S), 0);
  const syn = ref(spec.start);
  const synAck = spec.synAck !== undefined ? ref(spec.start + spec.synAck) : null;
  const ack = spec.ack !== undefined ? ref(spec.start + spec.ack) : null;
  const complete = synAck !== null && ack !== null;
  const endUs = spec.start + (spec.end ?? Math.max(lastSyn - spec.start, spec.ack ?? spec.synAck ?? 0));
  const noOpts = { mss: 1460, windowScale: 7, sackPermitted: true, timestamps: true, fastOpen: null };
  return {
    id: spec.id,
    client: { ip: spec.client[0], port: spec.client[1] },
    server: { ip: spec.server[0], port: spec.server[1] },
    roleBasis: 'first-syn', vlan: [], interfaces: [0],
    firstPacket: syn.packet, lastPacket: syn.packet + 10,
    start: at(spec.start), end: at(endUs),
    packets: { client: 1 + intervals.length, server: synAck ? 1 : 0 },
    payloadBytes: { client: (spec.exchanges ?? 0) * 100, server: (spec.exchanges ?? 0) * 1000 },
    exchanges: spec.exchanges ?? 0,
    syn: 1 + intervals.length, synRetransmissions: intervals.length,
    synAck: synAck ? 1 : 0, synAckRetransmissions: 0,
    synIntervals: intervals, synAckIntervals: [],
    handshake: {
      complete, syn, synAck, ack,
      rtt: complete ? (spec.ack! / S) : null,
      serverRtt: synAck ? spec.synAck! / S : null,
      clientRtt: complete ? (spec.ack! - spec.synAck!) / S : null,
      connectTime: complete ? (spec.ack! / S) : null,
      measuredSyn: syn, measuredSynAck: synAck, ackedSynAck: complete ? synAck : null,
    },
    options: { client: noOpts, server: noOpts },
    synData: 0, simultaneousOpen: false, portReuse: false,
    reset: spec.reset ?? null,
    fin: { client: !!spec.fin, server: !!spec.fin },
    state: complete ? (spec.fin ? 'SF' : 'S1') : synAck ? 'S1' : spec.reset === 'server' ? 'REJ' : 'S0',
    history: 'S', completeness: complete ? 7 : 1, findings: [],
  };
}

export function result(flows: Flow[], opts: { start?: number; end: number; findings?: Finding[] }): AnalysisResult {
  const start = opts.start ?? 0;
  return {
    schema: 'synscope/1',
    capture: {
      path: 'hand-built', format: 'pcap', compressed: false, linkTypes: [1], packets: flows.length * 4,
      start: at(start), end: at(opts.end), problems: [],
    },
    summary: {
      flows: flows.length, handshakesComplete: flows.filter((f) => f.handshake.complete).length,
      syn: 0, synRetransmissions: 0, synAck: 0, synAckRetransmissions: 0, refused: 0, halfOpen: 0, reset: 0,
      findings: {},
    },
    flows,
    findings: opts.findings ?? [],
    timeline: { start: at(start), binSeconds: 1, syn: [], synAck: [], completed: [], rst: [] },
    stories: [],
  };
}

/** A finding the engine might have made, to check that story finding ids continue after it. */
export function engineFinding(id: number): Finding {
  return { id, code: 'half-open', severity: 'warning', message: 'x', flows: [], packet: 0, time: null, details: {} };
}
