/**
 * Packets as scripted by scenarios: a time and enough to build the frame later, so bulk
 * generation can keep packets in a time-ordered queue and build each straight into the
 * writer's buffer.
 */
import { maxTcpFrameLength, writeTcpFrame, type L3Path, type TcpHeaderFields } from './frames';
import type { CaptureWriter } from './writers/captureWriter';
import { splitNs } from './writers/timestamp';

export interface TcpPacket extends TcpHeaderFields {
  kind: 'tcp';
  /** Nanoseconds since the scenario's base time (an integer). */
  t: number;
  path: L3Path;
  comment?: string;
  /** Insertion order, to keep sorting stable for packets with equal times. */
  order: number;
}

export interface RawPacket {
  kind: 'raw';
  t: number;
  frame: Uint8Array;
  comment?: string;
  order: number;
}

export type GenPacket = TcpPacket | RawPacket;

/** Receives scripted packets (an array for small scenarios, a time queue for bulk ones). */
export interface PacketSink {
  push(p: GenPacket): void;
}

export function comparePackets(a: GenPacket, b: GenPacket): number {
  return a.t - b.t || a.order - b.order;
}

/**
 * Builds a packet into the writer at base time `baseSec` + p.t, and copies the same frame into
 * `also` (other formats of the same capture, built once).
 */
export function writePacket(w: CaptureWriter, baseSec: number, p: GenPacket, also?: readonly CaptureWriter[]): void {
  const { sec, nsec } = splitNs(baseSec, p.t);
  if (p.kind === 'raw') {
    w.writeFrame(sec, nsec, p.frame, p.comment);
    if (also) for (const x of also) x.writeFrame(sec, nsec, p.frame, p.comment);
    return;
  }
  const at = w.beginFrame(maxTcpFrameLength(p.path, p));
  const len = writeTcpFrame(w.buf, at, p.path, p);
  if (also) for (const x of also) x.writeFrame(sec, nsec, w.buf.subarray(at, at + len), p.comment);
  w.endFrame(sec, nsec, len, p.comment);
}

/** Time helpers: scenarios script in nanoseconds. */
export const ms = (x: number): number => Math.round(x * 1e6);
export const us = (x: number): number => Math.round(x * 1e3);
export const sec = (x: number): number => Math.round(x * 1e9);
