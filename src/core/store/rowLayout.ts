/**
 * How the FlowStore lays out one stored flow: its columns, the bits of its flags word, its time
 * points and the interned Shape (the values flows of a capture mostly share).
 */
import type { ConnState, Flow, TcpOptionsSeen } from '../engine/result';
import { defineLayout, perFlow, perSide, rowBytes, type Column } from './columns';

/**
 * A time point other than the first is stored relative to the flow's first packet: packets and
 * whole seconds since then (a handshake's points are a few packets and seconds apart), its
 * fraction as recorded, and its resolution's index. The first packet's number fits 32 bits in
 * captures of fewer than 4 billion packets; larger values, like any value too wide for its
 * column, are kept exactly in the side map (columns.ts).
 */
export const LAYOUT = defineLayout({
  /** IPv4 address, or for IPv6 the index of the address in the store's IPv6 list. */
  addr: perSide('u32'),
  port: perSide('u16'),
  flags: perFlow('u16'),
  /** Interned Shape: what flows of a capture mostly have in common. */
  shape: perFlow('u32'),
  firstPacket: perFlow('u32'),
  firstSec: perFlow('u32'),
  firstFrac: perFlow('u32'),
  lastPacket: perFlow('u32'),
  lastSec: perFlow('u16'),
  lastFrac: perFlow('u32'),
  synPacket: perFlow('u16'),
  synSec: perFlow('u16'),
  synFrac: perFlow('u32'),
  synAckPacket: perFlow('u16'),
  synAckSec: perFlow('u16'),
  synAckFrac: perFlow('u32'),
  ackPacket: perFlow('u16'),
  ackSec: perFlow('u16'),
  ackFrac: perFlow('u32'),
  packets: perSide('u16'),
  payload: perSide('u32'),
  exchanges: perFlow('u16'),
  syn: perFlow('u8'),
  synRetx: perFlow('u8'),
  synAck: perFlow('u8'),
  synAckRetx: perFlow('u8'),
  synData: perFlow('u16'),
});
export const C = LAYOUT.cols;

/** Bytes a stored flow takes in the columns (plus 4 in the id index). */
export const FLOW_ROW_BYTES = rowBytes(LAYOUT.list);

export const V6 = 1;
export const ROLE_SHIFT = 1; // 2 bits
export const COMPLETE = 1 << 3;
export const SIMULTANEOUS_OPEN = 1 << 4;
export const PORT_REUSE = 1 << 5;
export const RESET_SHIFT = 6; // 2 bits
export const FIN_CLIENT = 1 << 8;
export const FIN_SERVER = 1 << 9;
export const HAS_SYN = 1 << 10;
export const HAS_SYNACK = 1 << 11;
export const HAS_ACK = 1 << 12;
export const HAS_INTERVALS = 1 << 13;
/** FlowFacts.cutOff (incomplete at the capture's end) and .forced (finished live at maxLiveFlows). */
export const CUT_OFF = 1 << 14;
export const FORCED = 1 << 15;

export { BASES } from '../engine/roles';
export const RESETS: readonly Flow['reset'][] = [null, 'client', 'server', 'both'];
/** `r`'s index in RESETS (what RESETS.indexOf gives, without a call into the array builtins per stored flow). */
export function resetIndex(r: Flow['reset']): number {
  return r === null ? 0 : r === 'client' ? 1 : r === 'server' ? 2 : 3;
}

/** A time point's columns; `at`: its resolution's place in Shape.ups. */
export interface Point {
  packet: Column;
  sec: Column;
  frac: Column;
  at: number;
}
export const LAST: Point = { packet: C.lastPacket, sec: C.lastSec, frac: C.lastFrac, at: 1 };
export const SYN: Point = { packet: C.synPacket, sec: C.synSec, frac: C.synFrac, at: 2 };
export const SYNACK: Point = { packet: C.synAckPacket, sec: C.synAckSec, frac: C.synAckFrac, at: 3 };
export const ACK: Point = { packet: C.ackPacket, sec: C.ackSec, frac: C.ackFrac, at: 4 };

/**
 * A flow's values that are drawn from a small set in any capture: a few histories, stacks
 * (option sets), VLAN/interface lists and resolutions. One interned object per distinct
 * combination, one index per flow.
 */
export interface Shape {
  state: ConnState;
  completeness: number;
  history: string;
  options: { client: TcpOptionsSeen; server: TcpOptionsSeen };
  vlan: number[];
  interfaces: number[];
  /** Resolution (units per second) of the first, last, SYN, SYN-ACK and ACK points (0: none). */
  ups: number[];
}

/** A point read back: what formatting and time differences need. */
export interface ReadPoint {
  packet: number;
  sec: number;
  ns: number;
  frac: number;
  ups: number;
}

export function newReadPoint(): ReadPoint {
  return { packet: 0, sec: 0, ns: 0, frac: 0, ups: 1e6 };
}
