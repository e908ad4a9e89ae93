/** Turns a flow's mutable state into the JSON contract's Flow (its events: eventLog.ts). */
import { formatAddress } from '../decode/address';
import {
  completenessOf, NONE, optionsOfSide, P_ACK, P_ANSWER, P_FIRST, P_MRU_SYN, P_MRU_SYNACK, P_SYN, P_SYNACK, V_FIN, V_PACKETS, V_PAYLOAD, V_RST, V_SYN, V_SYN_ACK, V_SYN_ACK_RETX, V_SYN_DATA, V_SYN_RETX, V_SYNACK_EACH_WAY, V_SYN_DUP, V_SYN_ACK_DUP,
  V_TURNS, type FlowState,
} from './flowState';
import type { Endpoint, Flow, PacketRef, TcpOptionsSeen } from './result';
import { clientSideOf, decideRoles } from './roles';
import { formatPoint } from './time';
import type { OptionSets } from './optionSets';

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

/**
 * Time point `p` as a PacketRef; its time string is `same` when the point is that packet (a
 * flow's SYN is usually its first packet, a flood flow's SYN-ACK its last).
 */
function ref(f: FlowState, p: number, samePacket: number, same: string): { packet: number; time: string } {
  const packet = f.pointPacket(p);
  return { packet: int(packet), time: packet === samePacket ? same : f.pointTime(p) };
}

/** The handful of facts findings and aggregates need, without building strings. */
export interface FlowFacts {
  client: number;
  complete: boolean;
  syn: number;
  synRetx: number;
  synAck: number;
  synAckRetx: number;
  /** Of those, copies of the same packet within a millisecond (no retry: see flowState). */
  synDup: number;
  synAckDup: number;
  reset: null | 'client' | 'server' | 'both';
  simultaneousOpen: boolean;
  portReuse: boolean;
  /** Handshake ACK − the most recent SYN before it (Wireshark's initial RTT; null without both). */
  rtt: number | null;
  /**
   * What the server and the path took: SYN → the SYN-ACK answering it plus the acknowledged
   * SYN-ACK → ACK, without the time lost to retransmissions (null where either is unknown).
   */
  answerTime: number | null;
  /** The two parts of answerTime: SYN → its SYN-ACK (server), acknowledged SYN-ACK → ACK (client/path). */
  serverTime: number | null;
  clientTime: number | null;
  clientOptions: TcpOptionsSeen;
  serverOptions: TcpOptionsSeen;
  /** The capture ended before the waiting side's next retransmission was due (set by the analyzer). */
  cutOff: boolean;
  /** Finished while still live because `maxLiveFlows` was reached (set by the analyzer). */
  forced: boolean;
}

export function newFlowFacts(): FlowFacts {
  return {
    client: 0, complete: false, syn: 0, synRetx: 0, synAck: 0, synAckRetx: 0, synDup: 0, synAckDup: 0, reset: null, simultaneousOpen: false,
    portReuse: false, rtt: null, answerTime: null, serverTime: null, clientTime: null, clientOptions: NO_OPTIONS, serverOptions: NO_OPTIONS, cutOff: false, forced: false,
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
  out.synDup = f.s.a[f.o + V_SYN_DUP + c];
  out.synAckDup = f.s.a[f.o + V_SYN_ACK_DUP + s];
  out.reset = f.s.a[f.o + V_RST + c] && f.s.a[f.o + V_RST + s] ? 'both' : f.s.a[f.o + V_RST + c] ? 'client' : f.s.a[f.o + V_RST + s] ? 'server' : null;
  out.simultaneousOpen = simultaneousOpen;
  out.portReuse = f.portReuse;
  out.rtt = !hasSyn ? null : f.hasAck ? span(f, P_MRU_SYN, P_ACK) : out.complete && f.wiresharkRtt > 0 ? f.wiresharkRtt : null;
  const server = serverTime(f);
  const client = clientTime(f);
  out.answerTime = server !== null && client !== null ? server + client : null;
  out.serverTime = server;
  out.clientTime = client;
  out.cutOff = false;
  out.forced = false;
  out.clientOptions = optionsOfSide(f, c) ?? NO_OPTIONS;
  out.serverOptions = optionsOfSide(f, s) ?? NO_OPTIONS;
  return out;
}

/**
 * Seconds from point `p` to point `q` when both were seen and time did not run backwards (a
 * capture merged from two clocks, or a stepped clock: a negative duration measures nothing).
 */
function span(f: FlowState, p: number, q: number): number | null {
  if (f.pointPacket(p) === 0 || f.pointPacket(q) === 0) return null;
  const d = f.pointDiff(q, p);
  return d >= 0 ? d : null;
}

/** The SYN the RTT is measured from → the first SYN-ACK after it. */
function serverTime(f: FlowState): number | null {
  return span(f, P_MRU_SYN, P_ANSWER);
}

/** The SYN-ACK the handshake ACK acknowledged (the last before it) → that ACK. */
function clientTime(f: FlowState): number | null {
  return f.hasAck ? span(f, P_MRU_SYNACK, P_ACK) : null;
}

function refOf(f: FlowState, p: number): PacketRef | null {
  return f.pointPacket(p) === 0 ? null : { packet: int(f.pointPacket(p)), time: f.pointTime(p) };
}

/**
 * `server`: the server's endpoint when the caller has it already (its target's), so the flows
 * of one server share one object instead of each formatting its own.
 */
export function buildFlow(f: FlowState, sets: OptionSets, server?: Endpoint): Flow {
  // The facts every finished flow gets; the flow record adds strings and time points to them.
  // Everything below reads the slab directly: this runs for every listed flow (a million in
  // the editor), and each time-point object or address view it used to make was garbage at once.
  const k = flowFacts(f, newFlowFacts());
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
    client: { ip: formatAddress(f.s.addrs, f.ipVersion, f.addrOf(c)), port: c === 0 ? f.port0 : f.port1 },
    server: server ?? { ip: formatAddress(f.s.addrs, f.ipVersion, f.addrOf(s)), port: s === 0 ? f.port0 : f.port1 },
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
      serverRtt: syn && synAck ? serverTime(f) : null,
      clientRtt: synAck && ack ? clientTime(f) : null,
      connectTime: syn && ack ? span(f, P_SYN, P_ACK) : null,
      measuredSyn: syn ? refOf(f, P_MRU_SYN) : null,
      measuredSynAck: syn && synAck ? refOf(f, P_ANSWER) : null,
      ackedSynAck: synAck && ack ? refOf(f, P_MRU_SYNACK) : null,
    },
    options: sets.pair(k.clientOptions, k.serverOptions),
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
