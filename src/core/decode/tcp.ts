import { DecodeResult, FastOpen, TCP_SYN, type TcpSegment } from './types';

/**
 * Decodes the TCP header at d[off]. `captured` is how many bytes of it are in the capture,
 * `segLen` how many the IP header says the segment has (header + payload).
 */
export function decodeTcp(d: Uint8Array, off: number, captured: number, segLen: number, out: TcpSegment): DecodeResult {
  // tshark 4.0 gives a frame a TCP stream and flags once ports..window (16 bytes) are readable
  // within both the capture and the IP length; with 15 or fewer it has neither.
  const avail = captured < segLen ? captured : segLen;
  if (avail < 16) return DecodeResult.Malformed;
  const hdrLen = (d[off + 12] >> 4) * 4;
  // tshark: "Bogus TCP header length (must be at least 20)", stops before reading the flags.
  if (hdrLen < 20) return DecodeResult.Malformed;
  out.srcPort = (d[off] << 8) | d[off + 1];
  out.dstPort = (d[off + 2] << 8) | d[off + 3];
  out.seq = d[off + 4] * 16777216 + ((d[off + 5] << 16) | (d[off + 6] << 8) | d[off + 7]);
  out.ack = d[off + 8] * 16777216 + ((d[off + 9] << 16) | (d[off + 10] << 8) | d[off + 11]);
  out.flags = ((d[off + 12] & 1) << 8) | d[off + 13];
  out.window = (d[off + 14] << 8) | d[off + 15];
  out.mss = -1;
  out.windowScale = -1;
  out.sackPermitted = false;
  out.tsVal = -1;
  out.tsEcr = -1;
  out.fastOpen = FastOpen.None;
  out.fastOpenCookieLen = 0;
  out.mptcp = false;
  if (hdrLen > segLen) {
    // Header longer than the segment: tshark still shows the flags ("Short segment"), no payload.
    out.payloadLen = 0;
    out.truncated = true;
  } else {
    out.payloadLen = segLen - hdrLen;
    out.truncated = hdrLen > captured;
  }
  // Options as far as they are present, as tshark shows them: a SYN's now, any other's when
  // asked (readOptions).
  const optEnd = hdrLen < avail ? hdrLen : avail;
  out.optionsTo = 0;
  if (optEnd > 20) {
    if (out.flags & TCP_SYN) decodeOptions(d, off + 20, off + optEnd, out);
    else {
      out.optionBytes = d;
      out.optionsFrom = off + 20;
      out.optionsTo = off + optEnd;
    }
  }
  return DecodeResult.Tcp;
}

/** Reads the options decodeTcp left unread (a segment without SYN), while its packet's buffer is still the one read. */
export function readOptions(seg: TcpSegment): void {
  if (seg.optionsTo === 0) return;
  decodeOptions(seg.optionBytes!, seg.optionsFrom, seg.optionsTo, seg);
  seg.optionsTo = 0;
}

/**
 * TCP options (RFC 9293 §3.1, 7323, 2018, 7413, 8684). Values are taken only when the option has
 * its defined length, as Wireshark does; a length that runs past the header ends the walk.
 */
function decodeOptions(d: Uint8Array, p: number, end: number, out: TcpSegment): void {
  while (p < end) {
    const kind = d[p];
    if (kind === 0) return; // End of option list
    if (kind === 1) { p++; continue; } // No-operation
    if (p + 1 >= end) return;
    const len = d[p + 1];
    if (len < 2 || p + len > end) return;
    switch (kind) {
      case 2: if (len === 4) out.mss = (d[p + 2] << 8) | d[p + 3]; break;
      case 3: if (len === 3) out.windowScale = d[p + 2]; break;
      case 4: if (len === 2) out.sackPermitted = true; break;
      case 8:
        if (len === 10) {
          out.tsVal = d[p + 2] * 16777216 + ((d[p + 3] << 16) | (d[p + 4] << 8) | d[p + 5]);
          out.tsEcr = d[p + 6] * 16777216 + ((d[p + 7] << 16) | (d[p + 8] << 8) | d[p + 9]);
        }
        break;
      case 30: out.mptcp = true; break;
      case 34: setFastOpen(out, len - 2); break;
      // Experimental option with the TFO ExID 0xF989 (RFC 7413 §4.1.1, used before kind 34).
      case 254: if (len >= 4 && d[p + 2] === 0xf9 && d[p + 3] === 0x89) setFastOpen(out, len - 4); break;
      default: break;
    }
    p += len;
  }
}

function setFastOpen(out: TcpSegment, cookieLen: number): void {
  if (cookieLen === 0) {
    out.fastOpen = FastOpen.CookieRequest;
    out.fastOpenCookieLen = 0;
  } else {
    out.fastOpen = FastOpen.Cookie;
    out.fastOpenCookieLen = cookieLen;
  }
}
