/**
 * Frame builders: Ethernet (+802.1Q / 802.1ad QinQ), IPv4 with a correct header checksum,
 * IPv6, TCP with options and a correct checksum, and a little UDP/ICMP/ARP noise.
 *
 * The TCP path writes straight into a caller's buffer (the capture writer's chunk) so bulk
 * generation allocates nothing per packet.
 */
import { finishChecksum, pseudoHeaderSum, sumBytes } from './checksum';
import type { Host } from './net';

export const ETH_IPV4 = 0x0800;
export const ETH_IPV6 = 0x86dd;
export const ETH_ARP = 0x0806;
export const ETH_VLAN = 0x8100;
export const ETH_QINQ = 0x88a8;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** TCP options to put in a segment. Absent fields are not written. */
export interface TcpOptionSet {
  mss?: number;
  wscale?: number;
  sackPerm?: boolean;
  /** Timestamps option (RFC 7323) when tsVal is set. */
  tsVal?: number;
  tsEcr?: number;
  /** TCP Fast Open (RFC 7413, kind 34): 'request' = empty cookie, bytes = a cookie. */
  tfo?: 'request' | Uint8Array;
  /** SACK blocks as [left, right] pairs. */
  sack?: readonly number[];
}

/** Link and network layer for one direction of a conversation. */
export interface L3Path {
  src: Host;
  dst: Host;
  /** VLAN ids, outermost first. */
  vlans?: readonly number[];
  /** Outer tag uses the 802.1ad TPID (0x88a8) when there are two or more tags. */
  qinq?: boolean;
  ttl: number;
}

export function writeEthernet(buf: Uint8Array, off: number, path: L3Path, etherType: number): number {
  buf.set(path.dst.mac, off);
  buf.set(path.src.mac, off + 6);
  off += 12;
  const vlans = path.vlans;
  if (vlans) {
    for (let i = 0; i < vlans.length; i++) {
      const tpid = i === 0 && path.qinq && vlans.length > 1 ? ETH_QINQ : ETH_VLAN;
      buf[off] = tpid >> 8;
      buf[off + 1] = tpid & 0xff;
      buf[off + 2] = (vlans[i] >> 8) & 0x0f;
      buf[off + 3] = vlans[i] & 0xff;
      off += 4;
    }
  }
  buf[off] = etherType >> 8;
  buf[off + 1] = etherType & 0xff;
  return off + 2;
}

/** Writes an IPv4 header (no options, DF set) with its checksum; returns the payload offset. */
export function writeIpv4(buf: Uint8Array, off: number, path: L3Path, proto: number, payloadLen: number, id: number): number {
  const total = 20 + payloadLen;
  buf[off] = 0x45;
  buf[off + 1] = 0;
  buf[off + 2] = total >> 8;
  buf[off + 3] = total & 0xff;
  buf[off + 4] = (id >> 8) & 0xff;
  buf[off + 5] = id & 0xff;
  buf[off + 6] = 0x40; // DF, as Linux sets on TCP
  buf[off + 7] = 0;
  buf[off + 8] = path.ttl;
  buf[off + 9] = proto;
  buf[off + 10] = 0;
  buf[off + 11] = 0;
  buf.set(path.src.ip, off + 12);
  buf.set(path.dst.ip, off + 16);
  const c = finishChecksum(sumBytes(buf, off, off + 20));
  buf[off + 10] = c >> 8;
  buf[off + 11] = c & 0xff;
  return off + 20;
}

export function writeIpv6(buf: Uint8Array, off: number, path: L3Path, nextHeader: number, payloadLen: number, flowLabel: number): number {
  buf[off] = 0x60 | ((flowLabel >> 16) & 0x0f);
  buf[off + 1] = (flowLabel >> 8) & 0xff;
  buf[off + 2] = flowLabel & 0xff;
  buf[off + 3] = 0;
  buf[off + 4] = payloadLen >> 8;
  buf[off + 5] = payloadLen & 0xff;
  buf[off + 6] = nextHeader;
  buf[off + 7] = path.ttl;
  buf.set(path.src.ip, off + 8);
  buf.set(path.dst.ip, off + 24);
  return off + 40;
}

function writeIp(buf: Uint8Array, off: number, path: L3Path, proto: number, payloadLen: number, id: number): number {
  return path.src.v6 ? writeIpv6(buf, off, path, proto, payloadLen, id & 0xfffff) : writeIpv4(buf, off, path, proto, payloadLen, id);
}

function put32(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 24) & 0xff;
  buf[off + 1] = (v >>> 16) & 0xff;
  buf[off + 2] = (v >>> 8) & 0xff;
  buf[off + 3] = v & 0xff;
}

/** Length in bytes of the encoded options, padded to a multiple of 4. */
export function tcpOptionsLength(o: TcpOptionSet | undefined): number {
  if (!o) return 0;
  let n = 0;
  if (o.mss !== undefined) n += 4;
  if (o.sackPerm) n += 2;
  if (o.tsVal !== undefined) n += 10;
  if (o.wscale !== undefined) n += 4; // NOP + kind 3
  if (o.tfo !== undefined) n += 2 + (o.tfo === 'request' ? 0 : o.tfo.length);
  if (o.sack) n += 2 + o.sack.length * 4;
  return (n + 3) & ~3;
}

/**
 * Writes options in the order Linux uses for a SYN (MSS, SACK-permitted, timestamps, NOP,
 * window scale, then Fast Open), NOP-padded to a multiple of 4; returns the bytes written.
 */
export function writeTcpOptions(buf: Uint8Array, off: number, o: TcpOptionSet | undefined): number {
  if (!o) return 0;
  const start = off;
  if (o.mss !== undefined) {
    buf[off] = 2; buf[off + 1] = 4; buf[off + 2] = o.mss >> 8; buf[off + 3] = o.mss & 0xff;
    off += 4;
  }
  if (o.sackPerm) {
    buf[off] = 4; buf[off + 1] = 2;
    off += 2;
  }
  if (o.tsVal !== undefined) {
    buf[off] = 8; buf[off + 1] = 10;
    put32(buf, off + 2, o.tsVal);
    put32(buf, off + 6, o.tsEcr ?? 0);
    off += 10;
  }
  if (o.wscale !== undefined) {
    buf[off] = 1; // NOP so the 3-byte option ends on a word boundary, as Linux does
    buf[off + 1] = 3; buf[off + 2] = 3; buf[off + 3] = o.wscale;
    off += 4;
  }
  if (o.tfo !== undefined) {
    const cookie = o.tfo === 'request' ? undefined : o.tfo;
    buf[off] = 34; buf[off + 1] = 2 + (cookie ? cookie.length : 0);
    if (cookie) buf.set(cookie, off + 2);
    off += 2 + (cookie ? cookie.length : 0);
  }
  if (o.sack) {
    buf[off] = 5; buf[off + 1] = 2 + o.sack.length * 4;
    for (let i = 0; i < o.sack.length; i++) put32(buf, off + 2 + i * 4, o.sack[i]);
    off += 2 + o.sack.length * 4;
  }
  // NOP-pad; the window-scale NOP above means the total normally already fits.
  while ((off - start) & 3) buf[off++] = 1;
  return off - start;
}

export interface TcpHeaderFields {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** TCP_* flag bits; 0x100 is the AE bit. */
  flags: number;
  window: number;
  options?: TcpOptionSet;
  /** Payload bytes; taken from `payload` if given, else from the filler pattern. */
  payloadLen: number;
  payload?: Uint8Array;
  /** IPv4 identification / IPv6 flow label. */
  ipId: number;
}

/** Filler bytes for payloads: printable, so hex dumps of samples stay readable. */
const FILLER = (() => {
  const text = 'synscope generated payload: the quick brown fox jumps over the lazy dog. ';
  const b = new Uint8Array(65536);
  for (let i = 0; i < b.length; i++) b[i] = text.charCodeAt(i % text.length);
  return b;
})();

/** Upper bound of a TCP frame's size, for reserving buffer space. */
export function maxTcpFrameLength(path: L3Path, t: TcpHeaderFields): number {
  return 14 + 4 * (path.vlans?.length ?? 0) + 40 + 60 + t.payloadLen;
}

/** Writes a complete Ethernet/IP/TCP frame at `off`; returns its length. */
export function writeTcpFrame(buf: Uint8Array, off: number, path: L3Path, t: TcpHeaderFields): number {
  const v6 = path.src.v6;
  const optLen = tcpOptionsLength(t.options);
  const tcpLen = 20 + optLen + t.payloadLen;
  let p = writeEthernet(buf, off, path, v6 ? ETH_IPV6 : ETH_IPV4);
  p = writeIp(buf, p, path, IPPROTO_TCP, tcpLen, t.ipId);
  const th = p;
  buf[p] = t.srcPort >> 8; buf[p + 1] = t.srcPort & 0xff;
  buf[p + 2] = t.dstPort >> 8; buf[p + 3] = t.dstPort & 0xff;
  put32(buf, p + 4, t.seq >>> 0);
  put32(buf, p + 8, t.ack >>> 0);
  buf[p + 12] = (((20 + optLen) >> 2) << 4) | ((t.flags >> 8) & 1);
  buf[p + 13] = t.flags & 0xff;
  buf[p + 14] = t.window >> 8; buf[p + 15] = t.window & 0xff;
  buf[p + 16] = 0; buf[p + 17] = 0; buf[p + 18] = 0; buf[p + 19] = 0;
  p += 20;
  p += writeTcpOptions(buf, p, t.options);
  if (t.payloadLen > 0) {
    if (t.payload) buf.set(t.payload.subarray(0, t.payloadLen), p);
    else buf.set(FILLER.subarray(0, t.payloadLen), p);
    p += t.payloadLen;
  }
  const sum = sumBytes(buf, th, p, pseudoHeaderSum(path.src.ip, path.dst.ip, v6, IPPROTO_TCP, tcpLen));
  const c = finishChecksum(sum);
  buf[th + 16] = c >> 8;
  buf[th + 17] = c & 0xff;
  return p - off;
}

/** A UDP datagram in a frame (checksum computed; IPv6 requires it). */
export function buildUdpFrame(path: L3Path, srcPort: number, dstPort: number, payload: Uint8Array, ipId: number): Uint8Array {
  const buf = new Uint8Array(14 + 8 + 4 * (path.vlans?.length ?? 0) + 40 + 8 + payload.length);
  const udpLen = 8 + payload.length;
  let p = writeEthernet(buf, 0, path, path.src.v6 ? ETH_IPV6 : ETH_IPV4);
  p = writeIp(buf, p, path, IPPROTO_UDP, udpLen, ipId);
  const uh = p;
  buf[p] = srcPort >> 8; buf[p + 1] = srcPort & 0xff;
  buf[p + 2] = dstPort >> 8; buf[p + 3] = dstPort & 0xff;
  buf[p + 4] = udpLen >> 8; buf[p + 5] = udpLen & 0xff;
  buf.set(payload, p + 8);
  p += udpLen;
  let c = finishChecksum(sumBytes(buf, uh, p, pseudoHeaderSum(path.src.ip, path.dst.ip, path.src.v6, IPPROTO_UDP, udpLen)));
  if (c === 0) c = 0xffff; // RFC 768: a computed zero is sent as all ones
  buf[uh + 6] = c >> 8;
  buf[uh + 7] = c & 0xff;
  return buf.subarray(0, p);
}

/** An IPv4 ICMP echo request (type 8) or reply (type 0). */
export function buildIcmpEchoFrame(path: L3Path, reply: boolean, ident: number, seqNo: number, ipId: number): Uint8Array {
  if (path.src.v6) throw new Error('ICMP echo noise is IPv4 only');
  const data = FILLER.subarray(0, 56);
  const buf = new Uint8Array(14 + 4 * (path.vlans?.length ?? 0) + 20 + 8 + data.length);
  let p = writeEthernet(buf, 0, path, ETH_IPV4);
  p = writeIpv4(buf, p, path, IPPROTO_ICMP, 8 + data.length, ipId);
  const ih = p;
  buf[p] = reply ? 0 : 8;
  buf[p + 4] = ident >> 8; buf[p + 5] = ident & 0xff;
  buf[p + 6] = seqNo >> 8; buf[p + 7] = seqNo & 0xff;
  buf.set(data, p + 8);
  p += 8 + data.length;
  const c = finishChecksum(sumBytes(buf, ih, p));
  buf[ih + 2] = c >> 8;
  buf[ih + 3] = c & 0xff;
  return buf;
}

/** An ARP who-has request, broadcast. */
export function buildArpRequestFrame(sender: Host, targetIp: Uint8Array): Uint8Array {
  const buf = new Uint8Array(42);
  buf.fill(0xff, 0, 6);
  buf.set(sender.mac, 6);
  buf[12] = ETH_ARP >> 8; buf[13] = ETH_ARP & 0xff;
  buf.set([0, 1, 0x08, 0x00, 6, 4, 0, 1], 14); // Ethernet, IPv4, sizes, op=request
  buf.set(sender.mac, 22);
  buf.set(sender.ip, 28);
  buf.set(targetIp, 38);
  return buf;
}

/** A DNS A query for `name` (noise that tshark decodes cleanly). */
export function dnsQuery(id: number, name: string): Uint8Array {
  const labels = name.split('.');
  const qname = labels.reduce((n, l) => n + 1 + l.length, 1);
  const out = new Uint8Array(12 + qname + 4);
  out[0] = id >> 8; out[1] = id & 0xff;
  out[2] = 0x01; // RD
  out[5] = 1; // QDCOUNT
  let p = 12;
  for (const l of labels) {
    out[p++] = l.length;
    for (let i = 0; i < l.length; i++) out[p++] = l.charCodeAt(i);
  }
  out[p++] = 0;
  out[p + 1] = 1; // QTYPE A
  out[p + 3] = 1; // QCLASS IN
  return out;
}
