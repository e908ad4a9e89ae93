import { decodeIp, decodeIpv4, decodeIpv6, decodePppProtocol } from './ip';
import { decodeEthernet, decodeEthertype, decodeLoopback } from './linkLayer';
import { DecodeResult, type TcpSegment } from './types';

/** LINKTYPE_* values (https://www.tcpdump.org/linktypes.html) the decoder understands. */
export const LINKTYPE = {
  NULL: 0, ETHERNET: 1, PPP: 9, RAW_12: 12, RAW_14: 14, PPP_HDLC: 50, PPP_ETHER: 51, RAW: 101,
  LOOP: 108, LINUX_SLL: 113, PPP_PPPD: 166, IPV4: 228, IPV6: 229, IPOIB: 242, LINUX_SLL2: 276,
} as const;

/**
 * Decodes the innermost TCP segment of a captured frame into `out` (reused by the caller).
 * Reads only headers, never copies the payload; never throws on bad bytes.
 */
export function decodePacket(linkType: number, data: Uint8Array, out: TcpSegment): DecodeResult {
  out.vlanCount = 0;
  out.truncated = false;
  const end = data.length;
  switch (linkType) {
    case LINKTYPE.ETHERNET: return decodeEthernet(data, 0, end, out, 0);
    case LINKTYPE.LINUX_SLL: // 16-byte cooked header, protocol (EtherType) last
      if (end < 16) return DecodeResult.Malformed;
      return decodeEthertype((data[14] << 8) | data[15], data, 16, end, out, 0);
    case LINKTYPE.LINUX_SLL2: // 20-byte cooked header, protocol first
      if (end < 20) return DecodeResult.Malformed;
      return decodeEthertype((data[0] << 8) | data[1], data, 20, end, out, 0);
    case LINKTYPE.RAW: case LINKTYPE.RAW_12: case LINKTYPE.RAW_14:
      return decodeIp(data, 0, end, out, 0);
    case LINKTYPE.IPV4: return decodeIpv4(data, 0, end, out, 0);
    case LINKTYPE.IPV6: return decodeIpv6(data, 0, end, out, 0);
    case LINKTYPE.NULL: case LINKTYPE.LOOP: return decodeLoopback(data, end, out);
    case LINKTYPE.PPP: case LINKTYPE.PPP_HDLC: return decodePppProtocol(data, 0, end, out, 0);
    case LINKTYPE.PPP_PPPD: // one direction byte in front of an HDLC-framed PPP packet
      return decodePppProtocol(data, 1, end, out, 0);
    case LINKTYPE.PPP_ETHER: // PPPoE header without the Ethernet header
      if (end < 8) return DecodeResult.Malformed;
      return decodePppProtocol(data, 6, end, out, 0);
    case LINKTYPE.IPOIB: // 40-byte pseudo-header (addresses), then a 4-byte IPoIB header: EtherType + reserved
      if (end < 44) return DecodeResult.Malformed;
      return decodeEthertype((data[40] << 8) | data[41], data, 44, end, out, 0);
    default: return DecodeResult.UnknownLinkType;
  }
}
