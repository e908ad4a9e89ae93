/**
 * IEEE 802.11 data frames (link type 105, inside radiotap 127 / PPI 192, CAPWAP and Aruba GRE):
 * the MAC header, then LLC/SNAP with an EtherType. Management and control frames carry no
 * packet; encrypted data cannot be read and is noted as undecoded.
 */
import { decodeEthernet, decodeEthertype } from './linkLayer';
import { DecodeResult, type TcpSegment } from './types';
import { noteUndecoded, Undecoded } from './undecoded';

/** Radiotap says the body starts at the next 4-byte boundary after the MAC header. */
export const WLAN_PADDED = 1;
/** Frame control bytes swapped, as Cisco access points send them in CAPWAP (Wireshark's default there). */
export const WLAN_SWAPPED_FC = 2;

/**
 * 802.11 frame at d[p] (IEEE 802.11-2020 §9.2.4, §9.3.2.1). A trailing FCS is harmless: IP's
 * length bounds the packet. `how`: WLAN_PADDED, WLAN_SWAPPED_FC.
 */
export function decodeWlan(d: Uint8Array, p: number, end: number, out: TcpSegment, depth: number, how = 0): DecodeResult {
  if (end - p < 24) return end - p >= 2 ? DecodeResult.NotTcp : DecodeResult.Malformed;
  const swap = (how & WLAN_SWAPPED_FC) !== 0;
  const fc0 = swap ? d[p + 1] : d[p], fc1 = swap ? d[p] : d[p + 1];
  // Protocol version 0, type 2 (data); subtypes with bit 2 set (Null, QoS Null, CF-only) carry no body.
  if ((fc0 & 0x03) !== 0 || ((fc0 >> 2) & 0x03) !== 2 || (fc0 & 0x40) !== 0) return DecodeResult.NotTcp;
  let q = p + 24;
  if ((fc1 & 0x03) === 0x03) q += 6; // ToDS and FromDS: the fourth address (WDS / mesh)
  const qos = (fc0 & 0x80) !== 0;
  let amsdu = false;
  if (qos) {
    if (end - q < 2) return DecodeResult.Malformed;
    amsdu = (d[q] & 0x80) !== 0;
    q += 2;
    if (fc1 & 0x80) q += 4; // +HTC: the Order bit on a QoS frame adds the HT Control field
  }
  if (fc1 & 0x40) {
    noteUndecoded(Undecoded.WlanProtected);
    return DecodeResult.NotTcp;
  }
  if (amsdu) {
    // Several subframes, each its own packet: one frame cannot give one segment.
    noteUndecoded(Undecoded.WlanAmsdu);
    return DecodeResult.NotTcp;
  }
  if (how & WLAN_PADDED) q = p + ((q - p + 3) & ~3);
  return decodeLlc(d, q, end, out, depth);
}

/** 802.2 LLC with SNAP (RFC 1042 OUI 00-00-00, or 802.1H 00-00-F8): the EtherType follows. */
function decodeLlc(d: Uint8Array, q: number, end: number, out: TcpSegment, depth: number): DecodeResult {
  if (end - q < 8) return DecodeResult.NotTcp;
  if (d[q] !== 0xaa || d[q + 1] !== 0xaa || d[q + 2] !== 0x03) return DecodeResult.NotTcp;
  if (d[q + 3] !== 0 || d[q + 4] !== 0 || (d[q + 5] !== 0 && d[q + 5] !== 0xf8)) return DecodeResult.NotTcp;
  return decodeEthertype((d[q + 6] << 8) | d[q + 7], d, q + 8, end, out, depth);
}

/** Radiotap flags (field 1): the frame has padding between the MAC header and the body. */
const RADIOTAP_DATA_PAD = 0x20;
const MAX_PRESENT_WORDS = 8;

/**
 * Radiotap header (https://www.radiotap.org): version 0, a little-endian length, presence
 * words. Only the Flags field matters here, for its data-pad bit; it follows TSFT (8 bytes,
 * 8-aligned) when that is present.
 */
export function decodeRadiotap(d: Uint8Array, s: number, end: number, out: TcpSegment): DecodeResult {
  if (end - s < 8 || d[s] !== 0) return DecodeResult.Malformed;
  const len = d[s + 2] | (d[s + 3] << 8);
  if (len < 8 || len > end - s) return DecodeResult.Malformed;
  const present = (d[s + 4] | (d[s + 5] << 8) | (d[s + 6] << 16) | (d[s + 7] << 24)) >>> 0;
  let f = s + 8;
  for (let w = s + 4, n = 0; (d[w + 3] & 0x80) !== 0; w += 4, n++) {
    if (n >= MAX_PRESENT_WORDS || f + 4 > s + len) return DecodeResult.Malformed;
    f += 4;
  }
  let pad = false;
  if (present & 0x02) {
    if (present & 0x01) f = s + (((f - s + 7) & ~7) + 8);
    if (f >= s + len) return DecodeResult.Malformed;
    pad = (d[f] & RADIOTAP_DATA_PAD) !== 0;
  }
  return decodeWlan(d, s + len, end, out, 0, pad ? WLAN_PADDED : 0);
}

/** PPI (Per-Packet Information, CACE): version 0, flags, little-endian length and DLT of what follows. */
export function decodePpi(d: Uint8Array, s: number, end: number, out: TcpSegment): DecodeResult {
  if (end - s < 8 || d[s] !== 0) return DecodeResult.Malformed;
  const len = d[s + 2] | (d[s + 3] << 8);
  const dlt = (d[s + 4] | (d[s + 5] << 8) | (d[s + 6] << 16) | (d[s + 7] << 24)) >>> 0;
  if (len < 8 || len > end - s) return DecodeResult.Malformed;
  if (dlt === 105) return decodeWlan(d, s + len, end, out, 0);
  if (dlt === 1) return decodeEthernet(d, s + len, end, out, 0);
  noteUndecoded(Undecoded.PpiDlt, dlt);
  return DecodeResult.NotTcp;
}
