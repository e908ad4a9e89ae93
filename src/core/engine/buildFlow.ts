/** Turns a flow's mutable state into the JSON contract's Flow (its events: eventLog.ts). */
import { formatAddress } from '../decode/address';
import {
  completenessOf, optionsOfSide, P_ACK, P_FIRST, P_SYN, P_SYNACK, V_FIN, V_PACKETS, V_PAYLOAD, V_RST, V_SYN, V_SYN_ACK, V_SYN_ACK_RETX, V_SYN_DATA, V_SYN_RETX, V_SYNACK_EACH_WAY,
  V_TURNS, type FlowState,
} from './flowState';
import type { Flow, TcpOptionsSeen } from './result';
import { clientSideOf, decideRoles } from './roles';
import { formatPoint } from './time';

const NO_OPTIONS: TcpOptionsSeen = { mss: null, windowScale: null, sackPermitted: false, timestamps: false, fastOpen: null };

/**
 * A count or frame number from the slab as a small integer where it fits. The slab hands out
 * doubles, and a double stored in a Flow field is a 16-byte box of its own: a dozen per flow,
 * and the editor keeps up to a million flows.
 */
function int(x: number): number {
  return (x | 0) === x ? x | 0 : x;
}

/** Listed flows share these instead of an empty array each (nothing changes a finished Flow's arrays). */
const NO_NUMBERS = Object.freeze([]) as unknown as number[];
const INTERFACE_0 = Object.freeze([0]) as unknown as number[];

/**
 * Time point `p` as a PacketRef; its time string is `same` when the point is that packet (a
 * flow's SYN is usually its first packet, a flood flow's SYN-ACK its last).
 */
function ref(f: FlowState, p: number, samePacket: number, same: string): { packet: number; time: string } {
  const packet = f.pointPacket(p);
  return { packet: int(packet), time: packet === samePacket ? same : f.pointTime(p) };
}

/** Scratch for buildFlow's facts: read before it returns, and buildFlow never runs re-entrantly. */
const FACTS = newFlowFacts();

/** The handful of facts findings and aggregates need, without building strings. */
export interface FlowFacts {
  client: number;
  complete: boolean;
  syn: number;
  synRetx: number;
  synAck: number;
  synAckRetx: number;
  reset: null | 'client' | 'server' | 'both';
  simultaneousOpen: boolean;
  portReuse: boolean;
  /** ACK − SYN (null without both). */
  rtt: number | null;
  clientOptions: TcpOptionsSeen;
  serverOptions: TcpOptionsSeen;
}

export function newFlowFacts(): FlowFacts {
  return {
    client: 0, complete: false, syn: 0, synRetx: 0, synAck: 0, synAckRetx: 0, reset: null, simultaneousOpen: false,
    portReuse: false, rtt: null, clientOptions: NO_OPTIONS, serverOptions: NO_OPTIONS,
  };
}

/**
 * Fills `out` (one reused object: this runs for every finished flow, and a fresh object per
 * flow was a tenth of everything the engine allocated).
 */
export function flowFacts(f: FlowState, out: FlowFacts): FlowFacts {
  const c = clientSideOf(f);
  const s = 1 - c;
  const simultaneousOpen = f.s.a[f.o + V_SYN] > 0 && f.s.a[f.o + V_SYN + 1] > 0;
  const hasSyn = f.firstSynSide === c;
  out.client = c;
  out.complete = f.hasAck || (simultaneousOpen && f.s.a[f.o + V_SYNACK_EACH_WAY] > 0 && f.s.a[f.o + V_SYNACK_EACH_WAY + 1] > 0);
  out.syn = f.s.a[f.o + V_SYN + c];
  out.synRetx = f.s.a[f.o + V_SYN_RETX + c];
  out.synAck = f.s.a[f.o + V_SYN_ACK + s];
  out.synAckRetx = f.s.a[f.o + V_SYN_ACK_RETX + s];
  out.reset = f.s.a[f.o + V_RST + c] && f.s.a[f.o + V_RST + s] ? 'both' : f.s.a[f.o + V_RST + c] ? 'client' : f.s.a[f.o + V_RST + s] ? 'server' : null;
  out.simultaneousOpen = simultaneousOpen;
  out.portReuse = f.portReuse;
  out.rtt = hasSyn && f.hasAck ? f.pointDiff(P_ACK, P_SYN) : null;
  out.clientOptions = optionsOfSide(f, c) ?? NO_OPTIONS;
  out.serverOptions = optionsOfSide(f, s) ?? NO_OPTIONS;
  return out;
}

/**
 * `serverIp`: the server's address text when the caller has it already (its target's), so the
 * flows of one server share one string instead of formatting a copy each.
 */
export function buildFlow(f: FlowState, serverIp?: string): Flow {
  // The facts every finished flow gets; the flow record adds strings and time points to them.
  // Everything below reads the slab directly: this runs for every listed flow (a million in
  // the editor), and each time-point object or address view it used to make was garbage at once.
  const k = flowFacts(f, FACTS);
  const c = k.client;
  const s = 1 - c;
  const syn = f.firstSynSide === c;
  const synAck = f.firstSynAckSide === s;
  const ack = f.hasAck;
  const ifs = f.interfaces;
  const firstPacket = f.firstPacket;
  const lastPacket = f.lastPacket;
  const start = f.pointTime(P_FIRST);
  const end = lastPacket === firstPacket ? start : formatPoint({ sec: f.lastSec, frac: f.lastFrac, ups: f.lastUps });
  return {
    id: f.id,
    client: { ip: formatAddress(f.s.addrs, f.ipVersion, f.addrAt + c * 16), port: c === 0 ? f.port0 : f.port1 },
    server: { ip: serverIp ?? formatAddress(f.s.addrs, f.ipVersion, f.addrAt + s * 16), port: s === 0 ? f.port0 : f.port1 },
    roleBasis: decideRoles(f).basis,
    vlan: f.vlan.length === 0 ? NO_NUMBERS : f.vlan.slice(),
    interfaces: ifs.length === 1 ? (ifs[0] === 0 ? INTERFACE_0 : [ifs[0]]) : ifs.slice().sort((a, b) => a - b),
    firstPacket: int(firstPacket),
    lastPacket: int(lastPacket),
    start,
    end,
    packets: { client: int(f.s.a[f.o + V_PACKETS + c]), server: int(f.s.a[f.o + V_PACKETS + s]) },
    payloadBytes: { client: int(f.s.a[f.o + V_PAYLOAD + c]), server: int(f.s.a[f.o + V_PAYLOAD + s]) },
    exchanges: int(f.s.a[f.o + V_TURNS + c]),
    syn: int(k.syn),
    synRetransmissions: int(k.synRetx),
    synAck: int(k.synAck),
    synAckRetransmissions: int(k.synAckRetx),
    synIntervals: f.synIntervals && f.synIntervals[c].length > 0 ? f.synIntervals[c].slice() : NO_NUMBERS,
    synAckIntervals: f.synAckIntervals && f.synAckIntervals[s].length > 0 ? f.synAckIntervals[s].slice() : NO_NUMBERS,
    handshake: {
      complete: k.complete,
      syn: syn ? ref(f, P_SYN, firstPacket, start) : null,
      synAck: synAck ? ref(f, P_SYNACK, lastPacket, end) : null,
      ack: ack ? ref(f, P_ACK, lastPacket, end) : null,
      rtt: k.rtt,
      serverRtt: syn && synAck ? f.pointDiff(P_SYNACK, P_SYN) : null,
      clientRtt: synAck && ack ? f.pointDiff(P_ACK, P_SYNACK) : null,
    },
    options: { client: k.clientOptions, server: k.serverOptions },
    synData: int(f.s.a[f.o + V_SYN_DATA + c]),
    simultaneousOpen: k.simultaneousOpen,
    portReuse: k.portReuse,
    reset: k.reset,
    fin: { client: f.s.a[f.o + V_FIN + c] > 0, server: f.s.a[f.o + V_FIN + s] > 0 },
    state: f.zeek.connState(),
    history: f.zeek.history,
    completeness: int(completenessOf(f)),
    findings: [],
  };
}
