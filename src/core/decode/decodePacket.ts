import { decodeIp, decodeIpv4, decodeIpv6, decodePppProtocol, lastFragment } from './ip';
import { decodeChdlc, decodeEthernet, decodeEthertype, decodeLoopback, decodeNflog, isChdlcAddress } from './linkLayer';
import { lastUndecoded, Undecoded } from './undecoded';
import { decodePpi, decodeRadiotap, decodeWlan } from './wireless';
import type { PacketRecord } from '../capture/types';
import { DecodeResult, type TcpSegment } from './types';

/** LINKTYPE_* values (https://www.tcpdump.org/linktypes.html) the decoder understands. */
export const LINKTYPE = {
  NULL: 0, ETHERNET: 1, PPP: 9, RAW_12: 12, RAW_14: 14, PPP_HDLC: 50, PPP_ETHER: 51, RAW: 101,
  C_HDLC: 104, IEEE802_11: 105, LOOP: 108, LINUX_SLL: 113, IEEE802_11_RADIOTAP: 127, PPP_PPPD: 166, PPI: 192,
  NFLOG: 239, IPV4: 228, IPV6: 229, IPOIB: 242, LINUX_SLL2: 276,
} as const;

/**
 * Decodes the innermost TCP segment of a captured frame into `out` (reused by the caller).
 * Reads only headers, never copies the payload; never throws on bad bytes.
 */
export function decodePacket(linkType: number, data: Uint8Array, out: TcpSegment): DecodeResult {
  return decodeFrame(linkType, data, 0, data.length, out);
}

/**
 * decodePacket for a record straight from the reader: decodes from the reader's buffer without
 * creating the `data` view (saves an allocation per packet on the hot path).
 */
export function decodeRecord(rec: PacketRecord, out: TcpSegment): DecodeResult {
  const buf = rec.buffer;
  if (buf === undefined || rec.dataOffset === undefined) return decodeFrame(rec.linkType, rec.data, 0, rec.data.length, out);
  return decodeFrame(rec.linkType, buf, rec.dataOffset, rec.dataOffset + rec.capLen, out);
}

/** Decodes the frame in d[s, end). */
export function decodeFrame(linkType: number, d: Uint8Array, s: number, end: number, out: TcpSegment): DecodeResult {
  lastFragment.seen = false;
  lastUndecoded.kind = Undecoded.None;
  out.vlanCount = 0;
  out.truncated = false;
  const n = end - s;
  switch (linkType) {
    case LINKTYPE.ETHERNET: return decodeEthernet(d, s, end, out, 0);
    case LINKTYPE.LINUX_SLL: // 16-byte cooked header, protocol (EtherType) last
      if (n < 16) return DecodeResult.Malformed;
      return decodeEthertype((d[s + 14] << 8) | d[s + 15], d, s + 16, end, out, 0);
    case LINKTYPE.LINUX_SLL2: // 20-byte cooked header, protocol first
      if (n < 20) return DecodeResult.Malformed;
      return decodeEthertype((d[s] << 8) | d[s + 1], d, s + 20, end, out, 0);
    case LINKTYPE.RAW: case LINKTYPE.RAW_14:
      return decodeIp(d, s, end, out, 0);
    case LINKTYPE.RAW_12: {
      // 12 is DLT_RAW on most systems (Wireshark reads it as raw IP) but DLT_LOOP on OpenBSD,
      // whose frames start with a 4-byte address family instead of an IP version nibble.
      const v = n > 0 ? d[s] >> 4 : 0;
      if (v !== 4 && v !== 6 && n >= 4 && d[s] === 0 && d[s + 1] === 0) return decodeLoopback(d, s, end, out);
      return decodeIp(d, s, end, out, 0);
    }
    case LINKTYPE.IPV4: return decodeIpv4(d, s, end, out, 0);
    case LINKTYPE.IPV6: return decodeIpv6(d, s, end, out, 0);
    case LINKTYPE.NULL: case LINKTYPE.LOOP: return decodeLoopback(d, s, end, out);
    case LINKTYPE.PPP: case LINKTYPE.PPP_HDLC:
      if (n >= 2 && isChdlcAddress(d[s]) && d[s + 1] === 0) return decodeChdlc(d, s, end, out);
      return decodePppProtocol(d, s, end, out, 0);
    case LINKTYPE.C_HDLC: return decodeChdlc(d, s, end, out);
    case LINKTYPE.IEEE802_11: return decodeWlan(d, s, end, out, 0);
    case LINKTYPE.IEEE802_11_RADIOTAP: return decodeRadiotap(d, s, end, out);
    case LINKTYPE.PPI: return decodePpi(d, s, end, out);
    case LINKTYPE.NFLOG: return decodeNflog(d, s, end, out);
    case LINKTYPE.PPP_PPPD: // one direction byte in front of an HDLC-framed PPP packet
      return decodePppProtocol(d, s + 1, end, out, 0);
    case LINKTYPE.PPP_ETHER: // PPPoE header without the Ethernet header
      if (n < 8) return DecodeResult.Malformed;
      return decodePppProtocol(d, s + 6, end, out, 0);
    case LINKTYPE.IPOIB: // 40-byte pseudo-header (addresses), then a 4-byte IPoIB header: EtherType + reserved
      if (n < 44) return DecodeResult.Malformed;
      return decodeEthertype((d[s + 40] << 8) | d[s + 41], d, s + 44, end, out, 0);
    default: return DecodeResult.UnknownLinkType;
  }
}
