import { decodeIp, decodeIpv4, decodeIpv6, decodePppProtocol, MAX_DEPTH } from './ip';
import { DecodeResult, type TcpSegment } from './types';

const MAX_VLAN_TAGS = 8;
const MAX_MPLS_LABELS = 16;

/** Ethernet II / 802.3 frame at d[off]. */
export function decodeEthernet(d: Uint8Array, off: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  if (end - off < 14) return DecodeResult.Malformed;
  let type = (d[off + 12] << 8) | d[off + 13];
  let p = off + 14;
  if (type <= 1500) {
    // 802.3 length field: only 802.2 LLC with a SNAP header (AA AA 03, OUI, EtherType) carries IP here.
    if (end - p < 8 || d[p] !== 0xaa || d[p + 1] !== 0xaa || d[p + 2] !== 0x03) return DecodeResult.NotTcp;
    type = (d[p + 6] << 8) | d[p + 7];
    p += 8;
  }
  return decodeEthertype(type, d, p, end, out, depth);
}

/** Dispatches on an EtherType, unwrapping VLAN tags, MPLS, PPPoE and FabricPath on the way. */
export function decodeEthertype(type: number, d: Uint8Array, p: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  for (let guard = 0; guard < MAX_VLAN_TAGS + 2; guard++) {
    switch (type) {
      case 0x0800: return decodeIpv4(d, p, end, out, depth);
      case 0x86dd: return decodeIpv6(d, p, end, out, depth);
      case 0x8100: case 0x88a8: case 0x9100: case 0x9200: // 802.1Q, 802.1ad and pre-standard QinQ tags
        if (end - p < 4) return DecodeResult.Malformed;
        if (out.vlanCount < out.vlan.length) out.vlan[out.vlanCount] = ((d[p] & 0x0f) << 8) | d[p + 1];
        out.vlanCount++;
        type = (d[p + 2] << 8) | d[p + 3];
        p += 4;
        continue;
      case 0x8847: case 0x8848: return decodeMpls(d, p, end, out, depth);
      case 0x8864: // PPPoE session stage: 6-byte header, then a PPP protocol field
        if (end - p < 8) return DecodeResult.Malformed;
        return decodePppProtocol(d, p + 6, end, out, depth);
      case 0x6558: // transparent Ethernet bridging (GRE, Geneve)
        if (depth >= MAX_DEPTH) return DecodeResult.NotTcp;
        return decodeEthernet(d, p, end, out, depth + 1);
      case 0x8903: // Cisco FabricPath: 2 more header bytes (FTag/TTL), then the original frame
        if (depth >= MAX_DEPTH) return DecodeResult.NotTcp;
        return decodeEthernet(d, p + 2, end, out, depth + 1);
      default: return DecodeResult.NotTcp;
    }
  }
  return DecodeResult.Malformed;
}

/**
 * MPLS label stack (RFC 3032) up to the bottom-of-stack bit. The payload type is not signalled:
 * like Wireshark, guess IPv4/IPv6 from the first nibble, and 0 as a pseudowire control word in
 * front of an Ethernet frame (RFC 4448).
 */
function decodeMpls(d: Uint8Array, p: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  for (let n = 0; n < MAX_MPLS_LABELS; n++) {
    if (end - p < 4) return DecodeResult.Malformed;
    const bottom = d[p + 2] & 1;
    p += 4;
    if (bottom) {
      if (p >= end) return DecodeResult.Malformed;
      const nibble = d[p] >> 4;
      if (nibble === 4 || nibble === 6) return decodeIp(d, p, end, out, depth);
      if (nibble === 0 && depth < MAX_DEPTH) return decodeEthernet(d, p + 4, end, out, depth + 1);
      return DecodeResult.NotTcp;
    }
  }
  return DecodeResult.Malformed;
}

/** BSD loopback: a 4-byte address family, host byte order (NULL) or network order (LOOP). */
export function decodeLoopback(d: Uint8Array, s: number, end: number, out: TcpSegment): DecodeResult {
  if (end - s < 4) return DecodeResult.Malformed;
  // The writer's byte order is unknown for NULL; families are small, so the zero half tells.
  const family = d[s] === 0 && d[s + 1] === 0 ? (d[s + 2] << 8) | d[s + 3] : d[s] | (d[s + 1] << 8);
  if (family === 2) return decodeIpv4(d, s + 4, end, out, 0);
  // AF_INET6 differs per OS: 10 Linux, 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS.
  if (family === 10 || family === 24 || family === 28 || family === 30) return decodeIpv6(d, s + 4, end, out, 0);
  return DecodeResult.NotTcp;
}

/**
 * Cisco HDLC (link type 104): address 0x0F (unicast) or 0x8F (broadcast), control 0, then an
 * EtherType. Also written under the PPP link types (9, 50) by some routers; the address byte
 * tells them apart, as Wireshark's PPP-in-HDLC dissector does.
 */
export function decodeChdlc(d: Uint8Array, s: number, end: number, out: TcpSegment): DecodeResult {
  if (end - s < 4) return DecodeResult.Malformed;
  return decodeEthertype((d[s + 2] << 8) | d[s + 3], d, s + 4, end, out, 0);
}

export const isChdlcAddress = (b: number): boolean => b === 0x0f || b === 0x8f;

const NFULA_PAYLOAD = 9;
const MAX_NFLOG_TLVS = 64;

/**
 * NFLOG (link type 239, what `tcpdump -i nflog` writes; https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html):
 * family, version, resource id, then TLVs whose length and type are in the capturing host's
 * byte order, each padded to 4 bytes. The packet is the NFULA_PAYLOAD TLV.
 */
export function decodeNflog(d: Uint8Array, s: number, end: number, out: TcpSegment): DecodeResult {
  if (end - s < 4) return DecodeResult.Malformed;
  const family = d[s];
  let p = s + 4;
  for (let n = 0; n < MAX_NFLOG_TLVS && end - p >= 4; n++) {
    // Types are small: the zero byte of the type tells the writer's byte order.
    const le = d[p + 3] === 0 && d[p + 2] !== 0;
    const len = le ? d[p] | (d[p + 1] << 8) : (d[p] << 8) | d[p + 1];
    const type = le ? d[p + 2] : d[p + 3];
    if (len < 4) return DecodeResult.Malformed;
    if (type === NFULA_PAYLOAD) {
      const stop = p + len < end ? p + len : end;
      if (family === 2) return decodeIpv4(d, p + 4, stop, out, 0);
      if (family === 10) return decodeIpv6(d, p + 4, stop, out, 0);
      return decodeIp(d, p + 4, stop, out, 0);
    }
    p += (len + 3) & ~3;
  }
  return DecodeResult.NotTcp;
}
