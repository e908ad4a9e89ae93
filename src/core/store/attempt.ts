/**
 * A stored flow as correlation reads it: endpoints, handshake packet counts and times (seconds
 * since the epoch as numbers: sub-microsecond steps are lost, which one-way delays of a path
 * never need), options, and the wire facts (wireFacts.ts).
 */
import type { TcpOptionsSeen } from '../engine/result';
import { newWireRow, type WireRow } from './wireFacts';
import type { FlowStore } from './flowStore';
import { ACK, C, COMPLETE, HAS_ACK, HAS_SYN, HAS_SYNACK, LAST, newReadPoint, SYN, SYNACK, type Point } from './rowLayout';

export interface Attempt {
  id: number;
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  /** Pure SYNs from the client, SYN-ACKs from the server (retransmissions and copies included). */
  syn: number;
  synAck: number;
  complete: boolean;
  /** Seconds; NaN when the flow has no such packet. */
  first: number;
  last: number;
  synTime: number;
  synAckTime: number;
  ackTime: number;
  rstTime: number;
  options: { client: TcpOptionsSeen; server: TcpOptionsSeen };
  wire: WireRow;
  /** Whether wire facts were kept (the analysis ran with keepWireFacts). */
  hasWire: boolean;
}

export function newAttempt(): Attempt {
  const none: TcpOptionsSeen = { mss: null, windowScale: null, sackPermitted: false, timestamps: false, fastOpen: null };
  return {
    id: 0, clientIp: '', clientPort: 0, serverIp: '', serverPort: 0, syn: 0, synAck: 0, complete: false,
    first: NaN, last: NaN, synTime: NaN, synAckTime: NaN, ackTime: NaN, rstTime: NaN,
    options: { client: none, server: none }, wire: newWireRow(), hasWire: false,
  };
}

/** The flows of one finished analysis, ids 1..count; read() is false for an id not stored. */
export interface AttemptSource {
  count: number;
  read(id: number, out: Attempt): boolean;
}

/** Flow `id` of `store` as correlation reads it, into `out`; false when it is not stored. */
export function readAttempt(store: FlowStore, id: number, out: Attempt): boolean {
  const row = store.rowOfId(id);
  if (row < 0) return false;
  const flags = store.value(C.flags, row);
  const p = newReadPoint();
  const at = (pt: Point, has: boolean): number => (has ? seconds(store.pointOf(row, pt, p)) : NaN);
  out.id = id;
  out.clientIp = store.addressOf(row, 'client');
  out.clientPort = store.value(C.port.client, row);
  out.serverIp = store.addressOf(row, 'server');
  out.serverPort = store.value(C.port.server, row);
  out.syn = store.value(C.syn, row);
  out.synAck = store.value(C.synAck, row);
  out.complete = (flags & COMPLETE) !== 0;
  const firstSec = store.value(C.firstSec, row);
  out.first = seconds(store.firstPoint(row, p));
  out.last = at(LAST, true);
  out.synTime = at(SYN, (flags & HAS_SYN) !== 0);
  out.synAckTime = at(SYNACK, (flags & HAS_SYNACK) !== 0);
  out.ackTime = at(ACK, (flags & HAS_ACK) !== 0);
  out.options = store.shapeOf(row).options;
  out.hasWire = store.wireOf(row, out.wire);
  out.rstTime = out.hasWire && out.wire.rstSide !== null ? firstSec + out.wire.rstSec + out.wire.rstNs / 1e9 : NaN;
  return true;
}

function seconds(p: { sec: number; ns: number }): number {
  return p.sec + p.ns / 1e9;
}
