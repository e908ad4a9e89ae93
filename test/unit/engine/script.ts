/**
 * Scripted TCP segments fed straight into the engine (no capture bytes): each call is one
 * packet with the flags, sequence numbers and options a real stack would put there, so tests
 * read like a packet trace and expected values can be derived by hand.
 */
import { Analyzer } from '../../../src/core/engine/analyzer';
import type { AnalysisConfig } from '../../../src/core/engine/config';
import type { AnalysisResult } from '../../../src/core/engine/result';
import type { ReadSummary } from '../../../src/core/capture/types';
import { FastOpen, newTcpSegment, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../../../src/core/decode/types';

export const S = TCP_SYN;
export const A = TCP_ACK;
export const F = TCP_FIN;
export const R = TCP_RST;

export interface Opts {
  mss?: number;
  ws?: number;
  sack?: boolean;
  ts?: number;
  tsEcr?: number;
  tfo?: 'request' | number;
  /** Advertised window (default 65535). */
  window?: number;
}

function ip(text: string): { v: number; bytes: number[] } {
  if (text.includes(':')) {
    const [head, tail] = text.split('::');
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail ? tail.split(':') : [];
    const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
    return { v: 6, bytes: groups.flatMap((g) => [g >> 8, g & 0xff]) };
  }
  return { v: 4, bytes: text.split('.').map(Number) };
}

/** A whole capture's worth of packets, in order, with a µs clock. */
export class Trace {
  readonly analyzer: Analyzer;
  private index = 0;
  private readonly seg: TcpSegment = newTcpSegment();
  /** Base epoch seconds of the capture. */
  readonly base = 1_700_000_000;

  constructor(config?: Partial<AnalysisConfig>) {
    this.analyzer = new Analyzer({ maxFlows: 1_000_000, ...config });
  }

  /** One packet at `ms` milliseconds after the base time (µs precision). */
  packet(atMs: number, src: string, sport: number, dst: string, dport: number, flags: number, seq: number, ack: number, len = 0, o: Opts = {}, vlan: number[] = []): void {
    const s = this.seg;
    const a = ip(src);
    const b = ip(dst);
    s.ipVersion = a.v;
    s.src.fill(0);
    s.dst.fill(0);
    s.src.set(a.bytes);
    s.dst.set(b.bytes);
    s.srcPort = sport;
    s.dstPort = dport;
    s.seq = seq >>> 0;
    s.ack = flags & TCP_ACK ? ack >>> 0 : 0;
    s.flags = flags;
    s.window = o.window ?? 65535;
    s.payloadLen = len;
    s.mss = o.mss ?? -1;
    s.windowScale = o.ws ?? -1;
    s.sackPermitted = o.sack ?? false;
    s.tsVal = o.ts ?? -1;
    s.tsEcr = o.ts !== undefined ? (o.tsEcr ?? 0) : -1;
    s.fastOpen = o.tfo === undefined ? FastOpen.None : o.tfo === 'request' ? FastOpen.CookieRequest : FastOpen.Cookie;
    s.fastOpenCookieLen = typeof o.tfo === 'number' ? o.tfo : 0;
    s.mptcp = false;
    s.vlanCount = vlan.length;
    vlan.forEach((v, i) => (s.vlan[i] = v));
    s.truncated = false;
    const us = Math.round(atMs * 1000);
    this.analyzer.addSegment(s, { index: ++this.index, sec: this.base + Math.floor(us / 1e6), frac: us % 1e6, unitsPerSecond: 1e6 });
  }

  finish(problems: ReadSummary['problems'] = []): AnalysisResult {
    return this.analyzer.finish({
      info: { format: 'pcap', compressed: false, linkTypes: [1], interfaces: [], comments: [] },
      packets: this.index, bytesRead: 0, problems, aborted: false,
    }, 'scripted.pcap');
  }
}

/** One connection between a client and a server, with each side's next sequence number tracked. */
export class Conn {
  cSeq: number;
  sSeq: number;

  constructor(
    readonly t: Trace,
    readonly c: string,
    readonly cp: number,
    readonly s: string,
    readonly sp: number,
    readonly isnC = 1000,
    readonly isnS = 5000,
  ) {
    this.cSeq = isnC;
    this.sSeq = isnS;
  }

  syn(ms: number, o: Opts = { mss: 1460, ws: 7, sack: true, ts: 100 }, len = 0): void {
    this.t.packet(ms, this.c, this.cp, this.s, this.sp, S, this.isnC, 0, len, o);
    this.cSeq = this.isnC + 1 + len;
  }

  synAck(ms: number, o: Opts = { mss: 1460, ws: 7, sack: true, ts: 200 }, seq = this.isnS): void {
    this.t.packet(ms, this.s, this.sp, this.c, this.cp, S | A, seq, this.isnC + 1, 0, o);
    this.sSeq = seq + 1;
  }

  /** Client packet with ACK (data when len > 0). */
  c2s(ms: number, flags = A, len = 0): void {
    this.t.packet(ms, this.c, this.cp, this.s, this.sp, flags, this.cSeq, this.sSeq, len);
    this.cSeq += len + (flags & F ? 1 : 0);
  }

  s2c(ms: number, flags = A, len = 0): void {
    this.t.packet(ms, this.s, this.sp, this.c, this.cp, flags, this.sSeq, this.cSeq, len);
    this.sSeq += len + (flags & F ? 1 : 0);
  }

  /** SYN, SYN-ACK after `rttMs / 2`, ACK after `rttMs`. */
  handshake(ms: number, rttMs = 20): void {
    this.syn(ms);
    this.synAck(ms + rttMs / 2);
    this.c2s(ms + rttMs);
  }
}
