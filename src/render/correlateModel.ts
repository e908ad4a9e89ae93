/**
 * A correlated pair as four lifelines — client, capture point A, capture point B, server — and
 * one row per handshake packet kind: where it was seen, and where it was lost (the cross sits
 * between the two points, where the pair's counts say it vanished). Pure data; the SVG is
 * correlateDiagram.ts.
 */
import type { PacketKind, Pair } from '../core/correlate/types';

/** Lifelines, left to right. */
export const LANES = ['client', 'A', 'B', 'server'] as const;
export type Lane = 0 | 1 | 2 | 3;

export interface CorrelateRow {
  kind: 'syn' | 'syn-ack' | 'ack' | 'rst';
  label: string;
  /** Where the arrow starts and where it ends (a lost packet ends at the cross). */
  from: Lane;
  to: Lane;
  /** Seen at capture point A / B. */
  atA: boolean;
  atB: boolean;
  /** Lost between A and B: the arrow ends in a cross halfway between the points. */
  lost: boolean;
  /** One-way delay between the points, seconds, when measured. */
  delay: number | null;
  /** Starts between the points (a RST seen at one point only, not from an end). */
  fromBetween: boolean;
}

function kindRow(kind: 'syn' | 'syn-ack' | 'ack', name: string, k: PacketKind, toServer: boolean): CorrelateRow[] {
  const atA = k.a.count > 0;
  const atB = k.b.count > 0;
  if (!atA && !atB) return [];
  const counts = `${name}  A ×${k.a.count}, B ×${k.b.count}`;
  const rows: CorrelateRow[] = [];
  const through = toServer ? atA && atB : atB && atA;
  const [start, end]: [Lane, Lane] = toServer ? [0, 3] : [3, 0];
  // Sent past the first point, never at the second.
  const first = toServer ? atA : atB;
  const second = toServer ? atB : atA;
  if (k.lost > 0 || (first && !second)) {
    rows.push({ kind, label: `${name} ×${k.lost || (toServer ? k.a.count : k.b.count)} lost between A and B`, from: start, to: toServer ? 2 : 1, atA: toServer, atB: !toServer, lost: true, delay: null, fromBetween: false });
  }
  if (through) rows.push({ kind, label: counts, from: start, to: end, atA, atB, lost: false, delay: k.delay, fromBetween: false });
  else if (second && !first) {
    // Seen at the far point only: the near capture did not see it (not running, or another path).
    rows.push({ kind, label: `${counts} (not seen at ${toServer ? 'A' : 'B'})`, from: toServer ? 2 : 1, to: end, atA, atB, lost: false, delay: null, fromBetween: false });
  }
  return rows;
}

export function buildCorrelateModel(p: Pair): CorrelateRow[] {
  const rows = [
    ...kindRow('syn', 'SYN', p.packets.syn, true),
    ...kindRow('syn-ack', 'SYN-ACK', p.packets.synAck, false),
    ...kindRow('ack', 'ACK', p.packets.ack, true),
  ];
  const { a, b } = p.packets.rst;
  if (a && b) {
    const toClient = a.from === 'server';
    rows.push({ kind: 'rst', label: `RST from the ${a.from} (TTL A ${a.ttl}, B ${b.ttl})`, from: toClient ? 3 : 0, to: toClient ? 0 : 3, atA: true, atB: true, lost: false, delay: null, fromBetween: false });
  } else if (a) {
    // At A only: from the server's side it started between the points (or was lost on the way).
    const fromServer = a.from === 'server';
    rows.push({ kind: 'rst', label: `RST "from the ${a.from}" seen at A only (TTL ${a.ttl})`, from: fromServer ? 2 : 0, to: fromServer ? 0 : 2, atA: true, atB: false, lost: !fromServer, delay: null, fromBetween: fromServer });
  } else if (b) {
    const fromClient = b.from === 'client';
    rows.push({ kind: 'rst', label: `RST "from the ${b.from}" seen at B only (TTL ${b.ttl})`, from: fromClient ? 1 : 3, to: fromClient ? 3 : 1, atA: false, atB: true, lost: !fromClient, delay: null, fromBetween: fromClient });
  }
  return rows;
}
