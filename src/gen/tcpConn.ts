/**
 * A tiny DSL to script one TCP connection packet by packet with correct sequence and
 * acknowledgment numbers, options and timestamps. The time cursor (`now`, moved by `at` and
 * `after`) is the capture point's clock: scenarios decide where the capture was taken and
 * place each packet at the moment it passed there.
 */
import type { L3Path, TcpOptionSet } from './frames';
import type { Host } from './net';
import type { PacketSink, TcpPacket } from './packet';
import type { Rng } from './prng';

export const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, ECE = 0x40, CWR = 0x80;

/** What an endpoint puts in its SYN or SYN-ACK. */
export interface SynOptions {
  mss?: number;
  wscale?: number;
  sackPerm?: boolean;
  timestamps?: boolean;
  /** Fast Open: 'request' asks for a cookie; bytes = cookie (client) or cookie granted (server). */
  tfo?: 'request' | Uint8Array;
}

/** Linux defaults (MSS 1460, SACK, timestamps, window scale 7). */
export const LINUX_SYN: SynOptions = { mss: 1460, sackPerm: true, timestamps: true, wscale: 7 };

export interface ConnConfig {
  client: Host;
  clientPort: number;
  server: Host;
  serverPort: number;
  vlans?: readonly number[];
  qinq?: boolean;
  clientIsn?: number;
  serverIsn?: number;
  clientSyn?: SynOptions;
  serverSyn?: SynOptions;
  /** Window in SYN / SYN-ACK (unscaled). */
  clientWindow?: number;
  serverWindow?: number;
  clientTtl?: number;
  serverTtl?: number;
}

export interface PacketExtra {
  comment?: string;
  payload?: Uint8Array;
  /** Override the sequence or ack number (odd traffic, RST with seq 0). */
  seq?: number;
  ack?: number;
  options?: TcpOptionSet;
}

export class TcpConn {
  /** Capture-point time cursor in ns since the scenario base. */
  now = 0;
  readonly isnC: number;
  readonly isnS: number;
  /** Next sequence number each side will send. */
  cSeq: number;
  sSeq: number;
  /** Highest sequence each side has seen from the other (what it acks). */
  cAck = 0;
  sAck = 0;
  private cIpId: number;
  private sIpId: number;
  private readonly c2s: L3Path;
  private readonly s2c: L3Path;
  private readonly tsOn: boolean;
  private readonly tsBaseC: number;
  private readonly tsBaseS: number;
  private lastTsC = 0;
  private lastTsS = 0;
  private readonly cWin: number;
  private readonly sWin: number;
  /** Payload bytes the client put in its SYN (TFO). */
  synData = 0;

  constructor(private readonly sink: PacketSink, rng: Rng, readonly cfg: ConnConfig, private readonly nextOrder: () => number) {
    this.isnC = cfg.clientIsn ?? rng.u32();
    this.isnS = cfg.serverIsn ?? rng.u32();
    this.cSeq = this.isnC;
    this.sSeq = this.isnS;
    this.cIpId = rng.int(0, 0xffff);
    this.sIpId = rng.int(0, 0xffff);
    this.tsBaseC = rng.u32();
    this.tsBaseS = rng.u32();
    this.tsOn = !!(cfg.clientSyn?.timestamps && cfg.serverSyn?.timestamps);
    this.cWin = cfg.clientWindow ?? 64240;
    this.sWin = cfg.serverWindow ?? 65160;
    this.c2s = { src: cfg.client, dst: cfg.server, vlans: cfg.vlans, qinq: cfg.qinq, ttl: cfg.clientTtl ?? 64 };
    this.s2c = { src: cfg.server, dst: cfg.client, vlans: cfg.vlans, qinq: cfg.qinq, ttl: cfg.serverTtl ?? 64 };
  }

  at(t: number): this {
    this.now = Math.round(t);
    return this;
  }

  after(dt: number): this {
    this.now += Math.round(dt);
    return this;
  }

  /** Millisecond TS clock per host (Linux uses 1 kHz). */
  private tsVal(fromClient: boolean): number {
    return ((fromClient ? this.tsBaseC : this.tsBaseS) + Math.floor(this.now / 1e6)) >>> 0;
  }

  private synOptions(o: SynOptions | undefined, fromClient: boolean, isSynAck: boolean): TcpOptionSet | undefined {
    if (!o) return undefined;
    const set: TcpOptionSet = { mss: o.mss, sackPerm: o.sackPerm, wscale: o.wscale, tfo: o.tfo };
    // A SYN-ACK only echoes what the SYN offered (RFC 7323 §1.3 and §3.2 for window scale and
    // timestamps, RFC 2018 §2 for SACK-permitted); MSS is always the sender's own.
    const offered = this.cfg.clientSyn;
    const answering = isSynAck && fromClient === false;
    if (answering && !offered?.sackPerm) set.sackPerm = undefined;
    if (answering && offered?.wscale === undefined) set.wscale = undefined;
    if (o.timestamps && !(answering && !offered?.timestamps)) {
      set.tsVal = this.tsVal(fromClient);
      set.tsEcr = isSynAck && this.cfg.clientSyn?.timestamps ? this.lastTsC : 0;
    }
    return set;
  }

  /** Low-level: emit one segment at `now`. */
  emit(fromClient: boolean, flags: number, seq: number, ack: number, payloadLen: number, window: number, options: TcpOptionSet | undefined, extra?: PacketExtra): TcpPacket {
    const p: TcpPacket = {
      kind: 'tcp',
      t: this.now,
      path: fromClient ? this.c2s : this.s2c,
      srcPort: fromClient ? this.cfg.clientPort : this.cfg.serverPort,
      dstPort: fromClient ? this.cfg.serverPort : this.cfg.clientPort,
      seq: (extra?.seq ?? seq) >>> 0,
      ack: flags & ACK ? (extra?.ack ?? ack) >>> 0 : 0,
      flags,
      window,
      options: extra?.options ?? options,
      payloadLen,
      payload: extra?.payload,
      ipId: fromClient ? this.cIpId++ & 0xffff : this.sIpId++ & 0xffff,
      comment: extra?.comment,
      order: this.nextOrder(),
    };
    if (p.options?.tsVal !== undefined) {
      if (fromClient) this.lastTsC = p.options.tsVal;
      else this.lastTsS = p.options.tsVal;
    }
    this.sink.push(p);
    return p;
  }

  /** Options on an established-state segment: timestamps only, when negotiated. */
  private dataOptions(fromClient: boolean): TcpOptionSet | undefined {
    if (!this.tsOn) return undefined;
    return { tsVal: this.tsVal(fromClient), tsEcr: fromClient ? this.lastTsS : this.lastTsC };
  }

  /** Client SYN (call again for a retransmission: same ISN). `data` = TFO payload bytes. */
  syn(extra?: PacketExtra & { data?: number; flags?: number }): TcpPacket {
    const data = extra?.data ?? 0;
    this.synData = data;
    this.cSeq = (this.isnC + 1 + data) >>> 0;
    return this.emit(true, SYN | (extra?.flags ?? 0), this.isnC, 0, data, this.cWin, this.synOptions(this.cfg.clientSyn, true, false), extra);
  }

  /** Server SYN-ACK acknowledging the SYN (and its TFO data when `acceptData`). */
  synAck(extra?: PacketExtra & { acceptData?: boolean }): TcpPacket {
    this.sSeq = (this.isnS + 1) >>> 0;
    this.sAck = (this.isnC + 1 + (extra?.acceptData ? this.synData : 0)) >>> 0;
    return this.emit(false, SYN | ACK, this.isnS, this.sAck, 0, this.sWin, this.synOptions(this.cfg.serverSyn, false, true), extra);
  }

  /** Server SYN in a simultaneous open (no ACK). */
  serverSyn(extra?: PacketExtra): TcpPacket {
    this.sSeq = (this.isnS + 1) >>> 0;
    return this.emit(false, SYN, this.isnS, 0, 0, this.sWin, this.synOptions(this.cfg.serverSyn, false, false), extra);
  }

  /** Client SYN-ACK in a simultaneous open. */
  clientSynAck(extra?: PacketExtra): TcpPacket {
    this.cAck = (this.isnS + 1) >>> 0;
    return this.emit(true, SYN | ACK, this.isnC, this.cAck, 0, this.cWin, this.synOptions(this.cfg.clientSyn, true, true), extra);
  }

  /** Pure ACK from either side. */
  ack(fromClient: boolean, extra?: PacketExtra): TcpPacket {
    if (fromClient) {
      this.cAck = this.cAck || (this.isnS + 1) >>> 0;
      return this.emit(true, ACK, this.cSeq, this.cAck, 0, this.scaledWindow(true), this.dataOptions(true), extra);
    }
    return this.emit(false, ACK, this.sSeq, this.sAck, 0, this.scaledWindow(false), this.dataOptions(false), extra);
  }

  /** The handshake's final ACK from the client. */
  handshakeAck(extra?: PacketExtra): TcpPacket {
    this.cAck = (this.isnS + 1) >>> 0;
    return this.ack(true, extra);
  }

  /** Data segment(s) of `len` bytes from one side, split at `mss`, with PSH on the last. */
  send(fromClient: boolean, len: number, extra?: PacketExtra & { mss?: number; gap?: number }): TcpPacket[] {
    const out: TcpPacket[] = [];
    const mss = extra?.mss ?? 1448;
    let left = len;
    while (left > 0) {
      const n = Math.min(mss, left);
      left -= n;
      const flags = ACK | (left === 0 ? PSH : 0);
      if (fromClient) {
        out.push(this.emit(true, flags, this.cSeq, this.cAck, n, this.scaledWindow(true), this.dataOptions(true), left === 0 ? extra : { ...extra, comment: undefined }));
        this.cSeq = (this.cSeq + n) >>> 0;
        this.sAck = this.cSeq;
      } else {
        out.push(this.emit(false, flags, this.sSeq, this.sAck, n, this.scaledWindow(false), this.dataOptions(false), left === 0 ? extra : { ...extra, comment: undefined }));
        this.sSeq = (this.sSeq + n) >>> 0;
        this.cAck = this.sSeq;
      }
      if (left > 0 && extra?.gap) this.after(extra.gap);
    }
    return out;
  }

  /** FIN+ACK from one side (consumes one sequence number). */
  fin(fromClient: boolean, extra?: PacketExtra): TcpPacket {
    if (fromClient) {
      const p = this.emit(true, FIN | ACK, this.cSeq, this.cAck, 0, this.scaledWindow(true), this.dataOptions(true), extra);
      this.cSeq = (this.cSeq + 1) >>> 0;
      this.sAck = this.cSeq;
      return p;
    }
    const p = this.emit(false, FIN | ACK, this.sSeq, this.sAck, 0, this.scaledWindow(false), this.dataOptions(false), extra);
    this.sSeq = (this.sSeq + 1) >>> 0;
    this.cAck = this.sSeq;
    return p;
  }

  /** RST (with ACK when `withAck`) from one side at its current sequence number. */
  rst(fromClient: boolean, withAck: boolean, extra?: PacketExtra): TcpPacket {
    const flags = RST | (withAck ? ACK : 0);
    if (fromClient) return this.emit(true, flags, this.cSeq, this.cAck, 0, 0, undefined, extra);
    return this.emit(false, flags, this.sSeq, this.sAck, 0, 0, undefined, extra);
  }

  /** A closed port's answer to the SYN: RST+ACK, seq 0, ack = ISN+1 (RFC 9293 §3.10.7.1). */
  refuse(extra?: PacketExtra): TcpPacket {
    return this.emit(false, RST | ACK, 0, (this.isnC + 1 + this.synData) >>> 0, 0, 0, undefined, extra);
  }

  private scaledWindow(fromClient: boolean): number {
    const scale = (fromClient ? this.cfg.clientSyn?.wscale : this.cfg.serverSyn?.wscale) ?? 0;
    const bothScale = this.cfg.clientSyn?.wscale !== undefined && this.cfg.serverSyn?.wscale !== undefined;
    const bytes = fromClient ? 131072 : 262144;
    return bothScale ? Math.min(0xffff, bytes >> scale) : Math.min(0xffff, bytes);
  }
}
