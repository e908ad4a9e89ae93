/**
 * Hand-built flows for the renderer tests. Times are chosen so every expected number can be
 * worked out by hand from the strings below (each scenario's comment gives the arithmetic).
 */
import type { Finding, Flow, FlowEvent, PacketRef } from '../../../src/core/engine/result';
import { TCP_ACK, TCP_PSH, TCP_RST, TCP_SYN } from '../../../src/core/decode/types';

export const SYN = TCP_SYN;
export const SYNACK = TCP_SYN | TCP_ACK;
export const ACK = TCP_ACK;
export const PSHACK = TCP_PSH | TCP_ACK;
export const RSTACK = TCP_RST | TCP_ACK;

export interface Scenario {
  flow: Flow;
  events: FlowEvent[];
  findings: Finding[];
}

const noOptions = { mss: null, windowScale: null, sackPermitted: false, timestamps: false, fastOpen: null };

export function flowOf(id: number, events: FlowEvent[], over: Partial<Flow> = {}): Flow {
  const first = events[0];
  const last = events[events.length - 1];
  return {
    id, client: { ip: '10.0.0.1', port: 51234 }, server: { ip: '10.0.0.2', port: 443 }, roleBasis: 'first-syn',
    vlan: [], interfaces: [0], firstPacket: first?.packet ?? 0, lastPacket: last?.packet ?? 0,
    start: first?.time ?? '0', end: last?.time ?? '0',
    packets: { client: events.filter((e) => e.dir === 'c2s').length, server: events.filter((e) => e.dir === 's2c').length },
    payloadBytes: { client: 0, server: 0 }, exchanges: 0, syn: 1, synRetransmissions: 0, synAck: 1,
    synAckRetransmissions: 0, synIntervals: [], synAckIntervals: [],
    handshake: { complete: false, syn: null, synAck: null, ack: null, rtt: null, serverRtt: null, clientRtt: null, connectTime: null, measuredSyn: null, measuredSynAck: null, ackedSynAck: null },
    options: { client: { ...noOptions }, server: { ...noOptions } }, synData: 0, simultaneousOpen: false,
    portReuse: false, reset: null, fin: { client: false, server: false }, state: 'OTH', history: '',
    completeness: 0, findings: [], ...over,
  };
}

/** An event at epoch `time` (string, exact), `rel` worked out from the flow's first time. */
export function ev(packet: number, time: string, dir: 'c2s' | 's2c', flags: number, more: Partial<FlowEvent> = {}): FlowEvent {
  return { packet, time, rel: 0, dir, flags, seq: 0, ack: 0, len: 0, window: 64240, options: '', notes: [], ...more };
}

function withRel(events: FlowEvent[]): FlowEvent[] {
  const t0 = Number(events[0].time);
  return events.map((e) => ({ ...e, rel: Number(e.time) - t0 }));
}

export function ref(e: FlowEvent): PacketRef {
  return { packet: e.packet, time: e.time };
}

export function finding(id: number, flowId: number, packet: number, code: Finding['code'], severity: Finding['severity'], message: string): Finding {
  return { id, code, severity, message, flows: [flowId], packet, time: null, details: {} };
}

/**
 * Clean handshake. SYN at .000100, SYN-ACK 50 µs later (.000150), ACK 100 µs after that
 * (.000250), first data 50 µs later (.000300). Total RTT = .000250 − .000100 = 150 µs.
 * Steps 50/100/50 µs: no step is ≥ 1 s or > 10 × the 50 µs median, so no break.
 */
export function cleanHandshake(): Scenario {
  const events = withRel([
    ev(1, '1700000000.000100', 'c2s', SYN, { window: 64240, options: 'MSS=1460 WS=7 SACK_PERM TS' }),
    ev(2, '1700000000.000150', 's2c', SYNACK, { ack: 1, window: 65160, options: 'MSS=1460 WS=7 SACK_PERM TS' }),
    ev(3, '1700000000.000250', 'c2s', ACK, { seq: 1, ack: 1, window: 502, notes: ['handshake-ack'] }),
    ev(4, '1700000000.000300', 'c2s', PSHACK, { seq: 1, ack: 1, window: 502, len: 517, notes: ['first-data'] }),
  ]);
  const [syn, synAck, ack] = events;
  const flow = flowOf(1, events, {
    handshake: { complete: true, syn: ref(syn), synAck: ref(synAck), ack: ref(ack), rtt: 150e-6, serverRtt: 50e-6, clientRtt: 100e-6,
      connectTime: 150e-6, measuredSyn: ref(syn), measuredSynAck: ref(synAck), ackedSynAck: ref(synAck) },
    state: 'SF', history: 'ShAD',
  });
  return { flow, events, findings: [] };
}

/**
 * The first SYN is lost (samples/syn-flood-legit-clients.pcap, tcp.stream 120): the client
 * retries 1 s later, the server answers the retry in 40 µs, the client ACKs 204 ms after that.
 * Server side 40 µs (frames 2 → 3), Wireshark's RTT 204.04 ms (2 → 4), connect time 1.20404 s (1 → 4).
 */
export function retriedSyn(): Scenario {
  const events = withRel([
    ev(1, '1700000000.000000', 'c2s', SYN, { options: 'MSS=1460' }),
    ev(2, '1700000001.000000', 'c2s', SYN, { options: 'MSS=1460', notes: ['retransmission'] }),
    ev(3, '1700000001.000040', 's2c', SYNACK, { ack: 1, window: 65160, options: 'MSS=1460' }),
    ev(4, '1700000001.204040', 'c2s', ACK, { seq: 1, ack: 1, notes: ['handshake-ack'] }),
  ]);
  const flow = flowOf(5, events, {
    syn: 2, synRetransmissions: 1, synIntervals: [1],
    handshake: { complete: true, syn: ref(events[0]), synAck: ref(events[2]), ack: ref(events[3]), rtt: 0.20404, serverRtt: 40e-6, clientRtt: 0.204,
      connectTime: 1.20404, measuredSyn: ref(events[1]), measuredSynAck: ref(events[2]), ackedSynAck: ref(events[2]) },
    state: 'SF', history: 'ShA',
  });
  return { flow, events, findings: [] };
}

/**
 * The client's final ACK is lost (capture at the server): the server sends its SYN-ACK at
 * 100.000200 and retransmits it at 101.000200, 103.000200, 107.000200 — backoffs 1.0, 2.0,
 * 4.0 s — until an ACK arrives at 107.000400. Total RTT (Wireshark's, from the only SYN) =
 * 107.000400 − 100.000000 = 7.0004 s; client side = the last SYN-ACK → ACK = 200 µs; server
 * side 200 µs. Steps before frames
 * 3, 4, 5 (1, 2, 4 s) are ≥ 1 s: three breaks.
 */
export function lostFinalAck(): Scenario {
  const rt = { notes: ['retransmission'], ack: 1, window: 65160 };
  const events = withRel([
    ev(1, '100.000000', 'c2s', SYN, { options: 'MSS=1460' }),
    ev(2, '100.000200', 's2c', SYNACK, { ack: 1, window: 65160, options: 'MSS=1400' }),
    ev(3, '101.000200', 's2c', SYNACK, { ...rt, options: 'MSS=1400' }),
    ev(4, '103.000200', 's2c', SYNACK, { ...rt, options: 'MSS=1400' }),
    ev(5, '107.000200', 's2c', SYNACK, { ...rt, options: 'MSS=1400' }),
    ev(6, '107.000400', 'c2s', ACK, { seq: 1, ack: 1, notes: ['handshake-ack'] }),
  ]);
  const findings = [
    finding(10, 2, 3, 'synack-retransmission', 'warning', 'SYN-ACK retransmitted 3 times (1.0 s, 2.0 s, 4.0 s): the final ACK did not arrive'),
    finding(11, 2, 6, 'slow-handshake', 'warning', 'Handshake took 7.0 s'),
  ];
  const flow = flowOf(2, events, {
    synAck: 4, synAckRetransmissions: 3, synAckIntervals: [1, 2, 4],
    handshake: { complete: true, syn: ref(events[0]), synAck: ref(events[1]), ack: ref(events[5]), rtt: 7.0004, serverRtt: 0.0002, clientRtt: 0.0002,
      connectTime: 7.0004, measuredSyn: ref(events[0]), measuredSynAck: ref(events[1]), ackedSynAck: ref(events[4]) },
    state: 'SF', history: 'ShA', findings: [10, 11],
  });
  return { flow, events, findings };
}

/**
 * SYNs to a silent host at 0, 1, 3, 7, 15, 31, 63 s (Linux's default 6 retries): steps 1, 2, 4,
 * 8, 16, 32 s, every one a break; nothing ever answers, so every SYN is unanswered.
 */
export function silentHost(): Scenario {
  const offsets = [0, 1, 3, 7, 15, 31, 63];
  const events = withRel(offsets.map((o, i) =>
    ev(i + 1, `${1700000000 + o}.000000`, 'c2s', SYN, { options: 'MSS=1460 WS=7 SACK_PERM TS', notes: i > 0 ? ['retransmission'] : [] })));
  const findings = [
    finding(20, 3, 2, 'syn-retransmission', 'warning', 'SYN retransmitted 6 times'),
    finding(21, 3, 0, 'unanswered-syn', 'error', 'No reply to 7 SYNs over 63.0 s'),
  ];
  const flow = flowOf(3, events, {
    client: { ip: '2001:db8:85a3:1234:5678:8a2e:370:7334', port: 40000 },
    server: { ip: '2001:db8:ffff:ffff:ffff:ffff:ffff:1', port: 8443 },
    syn: 7, synRetransmissions: 6, synAck: 0, synIntervals: [1, 2, 4, 8, 16, 32], state: 'S0', history: 'S',
    findings: [20, 21],
  });
  return { flow, events, findings };
}

/** Refused: SYN, then RST/ACK from the server 80 µs later. */
export function refused(): Scenario {
  const events = withRel([
    ev(1, '1700000100.000000', 'c2s', SYN, { options: 'MSS=1460' }),
    ev(2, '1700000100.000080', 's2c', RSTACK, { ack: 1, window: 0 }),
  ]);
  const findings = [finding(30, 4, 2, 'refused', 'error', 'Connection refused: RST in reply to SYN')];
  const flow = flowOf(4, events, {
    synAck: 0, reset: 'server', state: 'REJ', history: 'Sr', findings: [30],
    handshake: { complete: false, syn: ref(events[0]), synAck: null, ack: null, rtt: null, serverRtt: null, clientRtt: null, connectTime: null, measuredSyn: ref(events[0]), measuredSynAck: null, ackedSynAck: null },
  });
  return { flow, events, findings };
}

/** Simultaneous open (RFC 9293 §3.5 figure 8): SYNs cross, then each side SYN-ACKs. */
export function simultaneousOpen(): Scenario {
  const events = withRel([
    ev(1, '1700000200.000000', 'c2s', SYN, { seq: 0 }),
    ev(2, '1700000200.000010', 's2c', SYN, { seq: 0 }),
    ev(3, '1700000200.000050', 'c2s', SYNACK, { seq: 0, ack: 1 }),
    ev(4, '1700000200.000060', 's2c', SYNACK, { seq: 0, ack: 1 }),
    ev(5, '1700000200.000100', 'c2s', ACK, { seq: 1, ack: 1 }),
  ]);
  const findings = [finding(40, 5, 2, 'simultaneous-open', 'info', 'Both sides sent SYN (simultaneous open)')];
  const flow = flowOf(5, events, { simultaneousOpen: true, state: 'SF', history: 'SsHA', findings: [40] });
  return { flow, events, findings };
}
