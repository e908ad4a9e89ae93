/**
 * A stored flow as correlation reads it: endpoints, handshake packet counts and times (seconds
 * since the epoch as numbers: sub-microsecond steps are lost, which one-way delays of a path
 * never need), options, and the wire facts (wireFacts.ts).
 */
import type { TcpOptionsSeen } from '../engine/result';
import { newWireRow, type WireRow } from './wireFacts';

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
