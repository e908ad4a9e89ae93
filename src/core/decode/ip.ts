import { decodeEthernet, decodeEthertype } from './linkLayer';
import { decodeTcp } from './tcp';
import { CAPWAP_DATA_PORT, decodeCapwapData, decodeErspan, decodeGtpU, decodeL2tp, GTP_U_PORT, L2TP_PORT } from './tunnels';
import { noteUndecoded, Undecoded } from './undecoded';
import { decodeWlan } from './wireless';
import { DecodeResult, type TcpSegment } from './types';

/** Nesting bound for tunnels (IP-in-IP, GRE, VXLAN, Geneve, MPLS): bad input cannot loop. */
export const MAX_DEPTH = 8;
const MAX_IPV6_EXTENSIONS = 16;

/**
 * The first IP fragment met by the last decode (outermost), for the optional Reassembler:
 * positions are into the decoded buffer. Module state instead of a per-packet object keeps the
 * stateless hot path allocation-free; decodeFrame clears `seen`.
 */
export const lastFragment = {
  seen: false,
  version: 4,
  /** Start of the IP header. */
  ipStart: 0,
  /** Fragmentable part (after the IPv4 header / IPv6 fragment header), captured bytes only. */
  dataStart: 0,
  dataEnd: 0,
  /** Offset of this fragment's data in the original datagram, in bytes. */
  offset: 0,
  more: false,
  id: 0,
  /** Protocol / next header of the fragmented datagram. */
  proto: 0,
  /** Data length the IP header declares for this fragment (may exceed the capture). */
  declared: 0,
};

function noteFragment(version: number, ipStart: number, dataStart: number, dataEnd: number, declared: number, offset: number, more: boolean, id: number, proto: number): void {
  const f = lastFragment;
  if (f.seen) return;
  f.seen = true;
  f.version = version;
  f.ipStart = ipStart;
  f.dataStart = dataStart;
  f.dataEnd = dataEnd;
  f.declared = declared;
  f.offset = offset;
  f.more = more;
  f.id = id;
  f.proto = proto;
}

/** IPv4 or IPv6 by the version nibble (raw-IP link types, MPLS payloads). */
export function decodeIp(d: Uint8Array, off: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  if (off >= end) return DecodeResult.Malformed;
  const version = d[off] >> 4;
  if (version === 4) return decodeIpv4(d, off, end, out, depth);
  if (version === 6) return decodeIpv6(d, off, end, out, depth);
  return DecodeResult.NotTcp;
}

export function decodeIpv4(d: Uint8Array, off: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  if (end - off < 20 || d[off] >> 4 !== 4) return DecodeResult.Malformed;
  const ihl = (d[off] & 0x0f) * 4;
  if (ihl < 20) return DecodeResult.Malformed;
  let totalLen = (d[off + 2] << 8) | d[off + 3];
  // 0 is written by TSO/GSO-offloaded captures: the captured bytes are the datagram.
  if (totalLen === 0) totalLen = end - off;
  if (totalLen < ihl) return DecodeResult.Malformed;
  const fragOffset = ((d[off + 6] & 0x1f) << 8) | d[off + 7];
  const more = (d[off + 6] & 0x20) !== 0;
  const payload = off + ihl;
  if (payload > end) return DecodeResult.Malformed;
  const ipEnd = off + totalLen;
  const capEnd = ipEnd < end ? ipEnd : end;
  const proto = d[off + 9];
  if (fragOffset !== 0 || more) {
    noteFragment(4, off, payload, capEnd, totalLen - ihl, fragOffset * 8, more, (d[off + 4] << 8) | d[off + 5], proto);
    if (fragOffset !== 0) return DecodeResult.Fragment;
  }
  if (proto === 6) {
    out.ipVersion = 4;
    out.ttl = d[off + 8];
    out.ipId = (d[off + 4] << 8) | d[off + 5];
    const s = out.src, t = out.dst;
    s[0] = d[off + 12]; s[1] = d[off + 13]; s[2] = d[off + 14]; s[3] = d[off + 15];
    t[0] = d[off + 16]; t[1] = d[off + 17]; t[2] = d[off + 18]; t[3] = d[off + 19];
    const r = decodeTcp(d, payload, capEnd - payload, totalLen - ihl, out);
    // A first fragment too short for the TCP header: the header continues in later fragments
    // (tshark reassembles and shows TCP on the last one; we do not reassemble).
    if (r === DecodeResult.Malformed && (d[off + 6] & 0x20) !== 0) return DecodeResult.Fragment;
    return r;
  }
  return decodeInner(proto, d, payload, capEnd, out, depth);
}

export function decodeIpv6(d: Uint8Array, off: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  if (end - off < 40 || d[off] >> 4 !== 6) return DecodeResult.Malformed;
  let payloadLen = (d[off + 4] << 8) | d[off + 5];
  // 0: jumbogram (RFC 2675) or an offloaded capture; use what was captured.
  if (payloadLen === 0) payloadLen = end - off - 40;
  const ipEnd = off + 40 + payloadLen;
  const capEnd = ipEnd < end ? ipEnd : end;
  let next = d[off + 6];
  let p = off + 40;
  for (let n = 0; n <= MAX_IPV6_EXTENSIONS; n++) {
    switch (next) {
      case 6: {
        out.ipVersion = 6;
        out.ttl = d[off + 7];
        out.ipId = -1;
        const s = out.src, t = out.dst;
        for (let i = 0; i < 16; i++) { s[i] = d[off + 8 + i]; t[i] = d[off + 24 + i]; }
        return decodeTcp(d, p, capEnd - p, ipEnd - p, out);
      }
      case 0: case 43: case 60: case 135: case 139: case 140: // hop-by-hop, routing, dest. options, mobility, HIP, shim6
        if (p + 2 > capEnd) return DecodeResult.Malformed;
        next = d[p];
        p += (d[p + 1] + 1) * 8;
        break;
      case 51: // AH: length in 4-byte units, minus 2
        if (p + 2 > capEnd) return DecodeResult.Malformed;
        next = d[p];
        p += (d[p + 1] + 2) * 4;
        break;
      case 44: { // fragment
        if (p + 8 > capEnd) return DecodeResult.Malformed;
        const fo = ((d[p + 2] << 8) | d[p + 3]) >> 3;
        const more = (d[p + 3] & 1) !== 0;
        if (fo !== 0 || more) {
          const id = d[p + 4] * 16777216 + ((d[p + 5] << 16) | (d[p + 6] << 8) | d[p + 7]);
          noteFragment(6, off, p + 8, capEnd, ipEnd - p - 8, fo * 8, more, id, d[p]);
        }
        if (fo !== 0) return DecodeResult.Fragment;
        next = d[p];
        p += 8;
        break;
      }
      default:
        if (p > capEnd) return DecodeResult.Malformed;
        return decodeInner(next, d, p, capEnd, out, depth);
    }
    if (p > ipEnd) return DecodeResult.Malformed;
  }
  return DecodeResult.Malformed;
}

/** Non-TCP IP payloads that may carry a tunnelled packet. */
function decodeInner(proto: number, d: Uint8Array, p: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  if (depth >= MAX_DEPTH) return DecodeResult.NotTcp;
  switch (proto) {
    case 4: return decodeIpv4(d, p, end, out, depth + 1);
    case 41: return decodeIpv6(d, p, end, out, depth + 1);
    case 17: return decodeUdp(d, p, end, out, depth + 1);
    case 47: return decodeGre(d, p, end, out, depth + 1);
    default: return DecodeResult.NotTcp; // ICMP errors quote TCP headers: tshark leaves those out of streams.
  }
}

const VXLAN_PORT = 4789;
const GENEVE_PORT = 6081;

function decodeUdp(d: Uint8Array, p: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  if (end - p < 8) return DecodeResult.NotTcp;
  const sport = (d[p] << 8) | d[p + 1];
  const dport = (d[p + 2] << 8) | d[p + 3];
  const q = p + 8;
  if (dport === VXLAN_PORT || sport === VXLAN_PORT) {
    // VXLAN (RFC 7348): 8-byte header, then an Ethernet frame.
    if (end - q < 8) return DecodeResult.NotTcp;
    return decodeEthernet(d, q + 8, end, out, depth);
  }
  if (dport === GENEVE_PORT || sport === GENEVE_PORT) {
    // Geneve (RFC 8926): 8 bytes + options (length in 4-byte words), protocol type = EtherType.
    if (end - q < 8) return DecodeResult.NotTcp;
    const optLen = (d[q] & 0x3f) * 4;
    const type = (d[q + 2] << 8) | d[q + 3];
    return decodeEthertype(type, d, q + 8 + optLen, end, out, depth);
  }
  if (dport === GTP_U_PORT || sport === GTP_U_PORT) return decodeGtpU(d, q, end, out, depth);
  if (dport === L2TP_PORT || sport === L2TP_PORT) return decodeL2tp(d, q, end, out, depth);
  if (dport === CAPWAP_DATA_PORT || sport === CAPWAP_DATA_PORT) return decodeCapwapData(d, q, end, out, depth);
  return DecodeResult.NotTcp;
}

/** Wireshark's GRE_ARUBA_8200 … GRE_ARUBA_8370, every 0x10 (checked with tshark 4.0). */
const ARUBA_FIRST = 0x8200;
const ARUBA_LAST = 0x8370;
/** What decodeEthertype reads into (or knows to hold no packet: ARP), so that others in GRE are noted. */
const ETHERTYPES_DECODED = new Set([0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8, 0x9100, 0x9200, 0x8847, 0x8848, 0x8864, 0x6558, 0x8903]);

/** GRE (RFC 2784/2890) and PPTP's enhanced GRE (RFC 2637, version 1). */
function decodeGre(d: Uint8Array, p: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  if (end - p < 4) return DecodeResult.NotTcp;
  const flags = (d[p] << 8) | d[p + 1];
  const type = (d[p + 2] << 8) | d[p + 3];
  const version = flags & 7;
  let q = p + 4;
  if (version === 0) {
    if (flags & 0x8000) q += 4; // checksum + reserved
    if (flags & 0x2000) q += 4; // key
    if (flags & 0x1000) q += 4; // sequence number
  } else if (version === 1) {
    q += 4; // payload length + call id
    if (flags & 0x1000) q += 4;
    if (flags & 0x0080) q += 4; // acknowledgment number
  } else {
    noteUndecoded(Undecoded.GreVersion, version);
    return DecodeResult.NotTcp;
  }
  switch (type) {
    case 0x880b: return decodePppProtocol(d, q, end, out, depth); // PPP (PPTP)
    case 0x88be: case 0x22eb: return decodeErspan(type, (flags & 0x1000) !== 0, d, q, end, out, depth);
    default:
      // Aruba access points tunnel 802.11 frames to their controller with these types.
      if (type >= ARUBA_FIRST && type <= ARUBA_LAST && (type & 0x0f) === 0) return decodeWlan(d, q, end, out, depth);
      if (!ETHERTYPES_DECODED.has(type)) noteUndecoded(Undecoded.GreProtocol, type);
      return decodeEthertype(type, d, q, end, out, depth);
  }
}

/** A PPP frame, with or without address/control bytes and with 1- or 2-byte protocol fields. */
export function decodePppProtocol(d: Uint8Array, p: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  if (end - p >= 2 && d[p] === 0xff && d[p + 1] === 0x03) p += 2;
  if (p >= end) return DecodeResult.Malformed;
  let proto: number;
  if (d[p] & 1) { proto = d[p]; p += 1; } else {
    if (p + 2 > end) return DecodeResult.Malformed;
    proto = (d[p] << 8) | d[p + 1];
    p += 2;
  }
  if (proto === 0x21) return decodeIpv4(d, p, end, out, depth);
  if (proto === 0x57) return decodeIpv6(d, p, end, out, depth);
  return DecodeResult.NotTcp;
}
