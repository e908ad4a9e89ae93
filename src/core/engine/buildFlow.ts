/** Turns a flow's mutable state into the JSON contract's Flow (its events: eventLog.ts). */
import { formatAddress } from '../decode/address';
import {
  completenessOf, NONE, optionsOfSide, P_ACK, P_FIRST, P_SYN, P_SYNACK, V_FIN, V_PACKETS, V_PAYLOAD, V_RST, V_SYN, V_SYN_ACK, V_SYN_ACK_RETX, V_SYN_DATA, V_SYN_RETX, V_SYNACK_EACH_WAY,
  V_TURNS, type FlowState,
} from './flowState';
import type { Endpoint, Flow, TcpOptionsSeen } from './result';
import { clientSideOf, decideRoles } from './roles';
import { formatPoint } from './time';

const NO_OPTIONS: TcpOptionsSeen = { mss: null, windowScale: null, sackPermitted: false, timestamps: false, fastOpen: null };

/**
 * A count or frame number from the slab as a small integer where it fits. The slab hands out
 * doubles, and a double stored in a Flow field is a 16-byte box of its own: a dozen per flow,
 * and the editor keeps up to a million flows.
 */
export function int(x: number): number {
  return (x | 0) === x ? x | 0 : x;
}

/**
 * Small sub-objects most flows have in common, shared frozen like the option sets: a SYN flood's
 * flows are a million copies of one packet each way, no payload, no FIN, one server, one pair of
 * option sets. Every object a flow keeps is one more for each major GC to mark, and the editor
 * keeps up to a million flows.
 */
interface Pair<T> { client: T; server: T }
const SMALL = 4;
const SMALL_PAIRS: readonly Pair<number>[] = Array.from({ length: SMALL * SMALL }, (_, i) => Object.freeze({ client: i % SMALL, server: (i / SMALL) | 0 }));
export const FINS: readonly Pair<boolean>[] = [false, true].flatMap((server) => [false, true].map((client) => Object.freeze({ client, server })));

export function countPair(client: number, server: number): Pair<number> {
  return client >= 0 && client < SMALL && server >= 0 && server < SMALL && Number.isInteger(client) && Number.isInteger(server)
    ? SMALL_PAIRS[client + server * SMALL]
    : { client, server };
}

/** Option-set pairs by client set, then server set (option sets are interned, so few). */
const optionPairs = new Map<TcpOptionsSeen, Map<TcpOptionsSeen, Pair<TcpOptionsSeen>>>();
let optionPairCount = 0;
const OPTION_PAIRS_MAX = 4096;

export function optionsPair(client: TcpOptionsSeen, server: TcpOptionsSeen): Pair<TcpOptionsSeen> {
  let byServer = optionPairs.get(client);
  let pair = byServer?.get(server);
  if (pair) return pair;
  pair = Object.freeze({ client, server });
  if (optionPairCount < OPTION_PAIRS_MAX) {
    if (!byServer) optionPairs.set(client, (byServer = new Map()));
    byServer.set(server, pair);
    optionPairCount++;
  }
  return pair;
}

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
 * `server`: the server's endpoint when the caller has it already (its target's), so the flows
 * of one server share one object instead of each formatting its own.
 */
export function buildFlow(f: FlowState, server?: Endpoint): Flow {
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
    server: server ?? { ip: formatAddress(f.s.addrs, f.ipVersion, f.addrAt + s * 16), port: s === 0 ? f.port0 : f.port1 },
    roleBasis: decideRoles(f).basis,
    // The flow's own lists: replaced, never changed in place (flowState.ts), so shared as they are.
    vlan: f.vlan as number[],
    interfaces: ifs.length === 1 ? (ifs as number[]) : ifs.slice().sort((a, b) => a - b),
    firstPacket: int(firstPacket),
    lastPacket: int(lastPacket),
    start,
    end,
    packets: countPair(int(f.s.a[f.o + V_PACKETS + c]), int(f.s.a[f.o + V_PACKETS + s])),
    payloadBytes: countPair(int(f.s.a[f.o + V_PAYLOAD + c]), int(f.s.a[f.o + V_PAYLOAD + s])),
    exchanges: int(f.s.a[f.o + V_TURNS + c]),
    syn: int(k.syn),
    synRetransmissions: int(k.synRetx),
    synAck: int(k.synAck),
    synAckRetransmissions: int(k.synAckRetx),
    synIntervals: f.synIntervals && f.synIntervals[c].length > 0 ? f.synIntervals[c].slice() : (NONE as number[]),
    synAckIntervals: f.synAckIntervals && f.synAckIntervals[s].length > 0 ? f.synAckIntervals[s].slice() : (NONE as number[]),
    handshake: {
      complete: k.complete,
      syn: syn ? ref(f, P_SYN, firstPacket, start) : null,
      synAck: synAck ? ref(f, P_SYNACK, lastPacket, end) : null,
      ack: ack ? ref(f, P_ACK, lastPacket, end) : null,
      rtt: k.rtt,
      serverRtt: syn && synAck ? f.pointDiff(P_SYNACK, P_SYN) : null,
      clientRtt: synAck && ack ? f.pointDiff(P_ACK, P_SYNACK) : null,
    },
    options: optionsPair(k.clientOptions, k.serverOptions),
    synData: int(f.s.a[f.o + V_SYN_DATA + c]),
    simultaneousOpen: k.simultaneousOpen,
    portReuse: k.portReuse,
    reset: k.reset,
    fin: FINS[(f.s.a[f.o + V_FIN + c] > 0 ? 1 : 0) + (f.s.a[f.o + V_FIN + s] > 0 ? 2 : 0)],
    state: f.zeek.connState(),
    history: f.zeek.history,
    completeness: int(completenessOf(f)),
    findings: [],
  };
}
