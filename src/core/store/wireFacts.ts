/**
 * What correlating two captures of one path needs of a stored flow beyond its Flow fields: the
 * ISNs, the IP headers of the first SYN / SYN-ACK (TTL, IPv4 id) and the first RST (who, when,
 * its TTL). Kept only when an analysis asks for it (`keepWireFacts`), in columns of their own,
 * so an ordinary analysis pays nothing and its output is unchanged.
 */
import { defineLayout, perFlow, perSide, ColumnStore } from './columns';
import {
  F_RST_TTL, P_FIRST, P_RST, V_SYN, V_SYN_ACK, V_SYN_ACK_SEQ, V_SYN_IPID, V_SYN_SEQ, V_SYN_TTL, V_SYN_DUP, V_SYN_ACK_DUP,
  type FlowState,
} from '../engine/flowState';

const WIRE = defineLayout({
  /** Client: its first SYN's sequence number; server: its first SYN-ACK's (stored + 1: 0 is none). */
  isn: perSide('f64'),
  /** TTL / hop limit of the side's first SYN or SYN-ACK (0: none). */
  ttl: perSide('u8'),
  /** IPv4 id of the side's first SYN or SYN-ACK, + 1 (0: none or IPv6). */
  ipId: perSide('u16'),
  /** Copies of the same SYN / SYN-ACK within a millisecond (a SPAN port's duplicates, not retries). */
  dup: perSide('u8'),
  /** Side of the first RST: 0 none, 1 client, 2 server. */
  rstSide: perFlow('u8'),
  rstTtl: perFlow('u8'),
  /** The first RST: whole seconds since the flow's first packet, and nanoseconds. */
  rstSec: perFlow('u32'),
  rstNs: perFlow('u32'),
});
const W = WIRE.cols;

/** One flow's wire facts, read into a caller-owned object. */
export interface WireRow {
  /** -1 when the side sent no SYN (client) or SYN-ACK (server). */
  clientIsn: number;
  serverIsn: number;
  clientTtl: number;
  serverTtl: number;
  /** -1 when unknown (IPv6, or no SYN). */
  clientIpId: number;
  serverIpId: number;
  synDup: number;
  synAckDup: number;
  rstSide: 'client' | 'server' | null;
  rstTtl: number;
  /** Seconds since the flow's first packet (whole and nanoseconds), when rstSide is not null. */
  rstSec: number;
  rstNs: number;
}

export function newWireRow(): WireRow {
  return { clientIsn: -1, serverIsn: -1, clientTtl: 0, serverTtl: 0, clientIpId: -1, serverIpId: -1, synDup: 0, synAckDup: 0, rstSide: null, rstTtl: 0, rstSec: 0, rstNs: 0 };
}

export class WireFacts {
  private readonly rows = new ColumnStore(WIRE.list);

  bytes(): number {
    return this.rows.bytes();
  }

  /** Row `row` (the same index as the FlowStore's) for flow `f`, whose client is side `c`. */
  add(row: number, f: FlowState, c: number): void {
    const r = this.rows;
    while (r.size <= row) r.addRow();
    const a = f.s.a;
    const o = f.o;
    const s = 1 - c;
    r.set(W.isn.client, row, a[o + V_SYN + c] > 0 ? a[o + V_SYN_SEQ + c] + 1 : 0);
    r.set(W.isn.server, row, a[o + V_SYN_ACK + s] > 0 ? a[o + V_SYN_ACK_SEQ + s] + 1 : 0);
    r.set(W.ttl.client, row, a[o + V_SYN_TTL + c]);
    r.set(W.ttl.server, row, a[o + V_SYN_TTL + s]);
    r.set(W.ipId.client, row, a[o + V_SYN_IPID + c]);
    r.set(W.ipId.server, row, a[o + V_SYN_IPID + s]);
    r.set(W.dup.client, row, a[o + V_SYN_DUP + c]);
    r.set(W.dup.server, row, a[o + V_SYN_ACK_DUP + s]);
    const rst = f.firstRstSide;
    if (rst >= 0) {
      r.set(W.rstSide, row, rst === c ? 1 : 2);
      r.set(W.rstTtl, row, a[o + F_RST_TTL]);
      // ns, not the recorded fraction: correlation compares times, it never prints this one.
      const first = f.pointSec(P_FIRST);
      r.set(W.rstSec, row, Math.max(0, a[o + P_RST + 1] - first));
      r.set(W.rstNs, row, a[o + P_RST + 2]);
    }
  }

  read(row: number, out: WireRow): WireRow {
    const r = this.rows;
    const isnC = r.get(W.isn.client, row);
    const isnS = r.get(W.isn.server, row);
    out.clientIsn = isnC === 0 ? -1 : isnC - 1;
    out.serverIsn = isnS === 0 ? -1 : isnS - 1;
    out.clientTtl = r.get(W.ttl.client, row);
    out.serverTtl = r.get(W.ttl.server, row);
    out.clientIpId = r.get(W.ipId.client, row) - 1;
    out.serverIpId = r.get(W.ipId.server, row) - 1;
    out.synDup = r.get(W.dup.client, row);
    out.synAckDup = r.get(W.dup.server, row);
    const side = r.get(W.rstSide, row);
    out.rstSide = side === 1 ? 'client' : side === 2 ? 'server' : null;
    out.rstTtl = r.get(W.rstTtl, row);
    out.rstSec = r.get(W.rstSec, row);
    out.rstNs = r.get(W.rstNs, row);
    return out;
  }
}
