// Hand-built flows and findings for the extension's pure modules. Only the fields these
// modules read carry meaning; the rest are plausible filler.
import type { Finding, FindingCode, Flow, Severity } from '../../../src/core/engine/result';

export function flow(id: number, over: {
  client?: [string, number]; server?: [string, number]; state?: Flow['state']; rtt?: number | null;
  serverRtt?: number | null; syn?: number; findings?: number[]; start?: string; history?: string;
}): Flow {
  const [cip, cport] = over.client ?? ['10.0.0.1', 40000 + id];
  const [sip, sport] = over.server ?? ['10.0.0.2', 80];
  const rtt = over.rtt === undefined ? null : over.rtt;
  const none = { mss: null, windowScale: null, sackPermitted: false, timestamps: false, fastOpen: null };
  return {
    id, client: { ip: cip, port: cport }, server: { ip: sip, port: sport }, roleBasis: 'first-syn', vlan: [], interfaces: [0],
    firstPacket: id, lastPacket: id, start: over.start ?? `1700000000.${String(id).padStart(6, '0')}`, end: '1700000001.000000',
    packets: { client: 1, server: 1 }, payloadBytes: { client: 0, server: 0 }, exchanges: 0,
    syn: over.syn ?? 1, synRetransmissions: Math.max(0, (over.syn ?? 1) - 1), synAck: rtt === null ? 0 : 1, synAckRetransmissions: 0,
    synIntervals: [], synAckIntervals: [],
    handshake: { complete: rtt !== null, syn: null, synAck: null, ack: null, rtt, serverRtt: over.serverRtt ?? null, clientRtt: null,
      connectTime: rtt, measuredSyn: null, measuredSynAck: null, ackedSynAck: null },
    options: { client: none, server: none }, synData: 0, simultaneousOpen: false, portReuse: false, reset: null,
    fin: { client: false, server: false }, state: over.state ?? (rtt === null ? 'S0' : 'SF'), history: over.history ?? 'Sh',
    completeness: 0, findings: over.findings ?? [],
  };
}

export function finding(id: number, code: FindingCode, severity: Severity, flows: number[], message = `${code} on ${flows.join(',')}`): Finding {
  return { id, code, severity, message, flows, packet: flows.length > 0 ? flows[0]! * 10 : 0, time: null, details: {} };
}
