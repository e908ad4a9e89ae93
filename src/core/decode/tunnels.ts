/**
 * UDP and GRE tunnels that carry a whole packet: GTP-U (mobile core), L2TP, CAPWAP data and
 * ERSPAN. Each hands the inner frame back to the IP / Ethernet / PPP / 802.11 decoders;
 * `depth` bounds the nesting as elsewhere.
 */
import { decodeIp, decodePppProtocol } from './ip';
import { decodeEthernet } from './linkLayer';
import { DecodeResult, type TcpSegment } from './types';
import { noteUndecoded, Undecoded } from './undecoded';
import { decodeWlan, WLAN_SWAPPED_FC } from './wireless';

export const GTP_U_PORT = 2152;
export const L2TP_PORT = 1701;
export const CAPWAP_DATA_PORT = 5247;
const MAX_GTP_EXTENSIONS = 16;

/**
 * GTPv1-U (3GPP TS 29.281 §5.1) at d[p]: 8 bytes, 4 more when E, S or PN is set, then the
 * extension header chain. Only a G-PDU (message type 255) carries a user packet.
 */
export function decodeGtpU(d: Uint8Array, p: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  if (end - p < 8) return DecodeResult.NotTcp;
  const flags = d[p];
  // Version 1 with protocol type GTP (not GTP'): anything else on this port is not a user packet.
  if ((flags & 0xf0) !== 0x30 || d[p + 1] !== 0xff) return DecodeResult.NotTcp;
  let q = p + 8;
  if (flags & 0x07) {
    if (end - q < 4) return DecodeResult.NotTcp;
    let next = d[q + 3];
    q += 4;
    for (let n = 0; next !== 0; n++) {
      // Length in 4-byte units, counting the length and next-type bytes; the last byte names the next.
      if (n >= MAX_GTP_EXTENSIONS || q >= end || d[q] === 0) return DecodeResult.Malformed;
      const len = d[q] * 4;
      if (end - q < len) return DecodeResult.Malformed;
      next = d[q + len - 1];
      q += len;
    }
  }
  if (q >= end) return DecodeResult.NotTcp;
  const v = d[q] >> 4;
  if (v !== 4 && v !== 6) {
    noteUndecoded(Undecoded.GtpPayload, d[q]);
    return DecodeResult.NotTcp;
  }
  return decodeIp(d, q, end, out, depth);
}

/**
 * L2TP over UDP (RFC 2661 §3.1): a version 2 data message carries a PPP frame. Control
 * messages (T bit) are not user traffic. L2TPv3 (RFC 3931 §4.1.2.2) sessions carry a cookie
 * and sublayer of configured lengths the capture does not state: noted, not guessed.
 */
export function decodeL2tp(d: Uint8Array, p: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  if (end - p < 6) return DecodeResult.NotTcp;
  const flags = (d[p] << 8) | d[p + 1];
  const version = flags & 0x0f;
  if (version === 3) {
    // Over UDP: flags/version, 2 reserved bytes, the session id (RFC 3931 §4.1.2.2); T set = control.
    if (!(flags & 0x8000) && end - p >= 8 && (d[p + 4] | d[p + 5] | d[p + 6] | d[p + 7]) !== 0) noteUndecoded(Undecoded.L2tpV3);
    return DecodeResult.NotTcp;
  }
  if (version !== 2 || flags & 0x8000) return DecodeResult.NotTcp;
  let q = p + 2;
  if (flags & 0x4000) q += 2; // length
  q += 4; // tunnel id, session id
  if (flags & 0x0800) q += 4; // Ns, Nr
  if (flags & 0x0200) { // offset size, then that many pad bytes
    if (end - q < 2) return DecodeResult.Malformed;
    q += 2 + ((d[q] << 8) | d[q + 1]);
  }
  if (q >= end) return DecodeResult.Malformed;
  return decodePppProtocol(d, q, end, out, depth);
}

/**
 * CAPWAP data channel (RFC 5415 §4.3): HLEN 4-byte words of header, then with T = 0 an 802.3
 * frame, with T = 1 the binding's native frame (WBID 1: IEEE 802.11, RFC 5416).
 */
export function decodeCapwapData(d: Uint8Array, p: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  if (end - p < 8) return DecodeResult.NotTcp;
  const preamble = d[p];
  if (preamble >> 4 !== 0) return DecodeResult.NotTcp;
  if ((preamble & 0x0f) === 1) {
    noteUndecoded(Undecoded.CapwapDtls);
    return DecodeResult.NotTcp;
  }
  if ((preamble & 0x0f) !== 0) return DecodeResult.NotTcp;
  const hlen = (d[p + 1] >> 3) * 4;
  const wbid = (d[p + 2] >> 1) & 0x1f;
  const native = (d[p + 2] & 1) !== 0;
  const fragment = (d[p + 3] & 0x80) !== 0;
  if (hlen < 8 || end - p < hlen) return DecodeResult.Malformed;
  if (d[p + 3] & 0x08) return DecodeResult.NotTcp; // K: a keep-alive, no frame
  if (fragment) {
    noteUndecoded(Undecoded.CapwapFragment);
    return DecodeResult.NotTcp;
  }
  const q = p + hlen;
  if (!native) return decodeEthernet(d, q, end, out, depth);
  if (wbid !== 1) {
    noteUndecoded(Undecoded.CapwapBinding, wbid);
    return DecodeResult.NotTcp;
  }
  // Wireshark swaps the frame control here by default (capwap.swap_frame_control): Cisco's byte order.
  return decodeWlan(d, q, end, out, depth, WLAN_SWAPPED_FC);
}

/**
 * ERSPAN in GRE. Protocol 0x88BE: type II (8-byte header, RFC draft-foschiano-erspan §4.2)
 * when GRE carries a sequence number, else type I (the mirrored frame right after GRE), as
 * Wireshark tells them apart. Protocol 0x22EB: type III, 12 bytes plus an 8-byte platform
 * subheader when O is set; only frame type 0 is an Ethernet frame.
 */
export function decodeErspan(type: number, hasSeq: boolean, d: Uint8Array, q: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  if (type === 0x88be) {
    if (!hasSeq) return decodeEthernet(d, q, end, out, depth);
    if (end - q < 8) return DecodeResult.Malformed;
    return decodeEthernet(d, q + 8, end, out, depth);
  }
  if (end - q < 12) return DecodeResult.Malformed;
  const frameType = (d[q + 10] >> 2) & 0x1f;
  const sub = (d[q + 11] & 1) !== 0 ? 8 : 0;
  if (frameType !== 0) {
    noteUndecoded(Undecoded.ErspanFrameType, frameType);
    return DecodeResult.NotTcp;
  }
  return decodeEthernet(d, q + 12 + sub, end, out, depth);
}
