/**
 * One TCP segment decoded from a captured packet, written into a caller-owned object that is
 * reused for every packet (no per-packet allocation on the hot path).
 */

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;
/** The AE (formerly NS) bit, reported as bit 8 of `flags`. */
export const TCP_AE = 0x100;

/** TCP Fast Open option state in a segment (kind 34, or experimental 254 with magic 0xF989). */
export const enum FastOpen {
  None = 0,
  /** Option present with an empty cookie: the client asks for a cookie. */
  CookieRequest = 1,
  /** Option present with a cookie. */
  Cookie = 2,
}

export interface TcpSegment {
  /** 4 or 6. */
  ipVersion: number;
  /** IPv4 TTL or IPv6 hop limit of the (innermost) IP header carrying the segment. */
  ttl: number;
  /** IPv4 identification; -1 for IPv6 (its fragment header's id is not a per-packet counter). */
  ipId: number;
  /** Source/destination address bytes; the first 4 (IPv4) or 16 (IPv6) bytes are valid. */
  src: Uint8Array;
  dst: Uint8Array;
  srcPort: number;
  dstPort: number;
  /** Raw 32-bit sequence and acknowledgment numbers (unsigned). */
  seq: number;
  ack: number;
  /** TCP_* bits (including TCP_AE as 0x100). */
  flags: number;
  window: number;
  /** TCP payload bytes as stated by the IP length (not limited by the snap length). */
  payloadLen: number;
  /** Options; -1 / false when absent. Parsed as far as the header is captured (an option cut short is ignored). */
  mss: number;
  windowScale: number;
  sackPermitted: boolean;
  /** TSval/TSecr, -1 when the option is absent. */
  tsVal: number;
  tsEcr: number;
  fastOpen: FastOpen;
  /** Length of the TFO cookie when fastOpen === Cookie. */
  fastOpenCookieLen: number;
  /** MPTCP option (kind 30) present. */
  mptcp: boolean;
  /** Outermost-first VLAN ids (802.1Q / 802.1ad), `vlanCount` of them valid. */
  vlan: Uint16Array;
  vlanCount: number;
  /** TCP header cut short by the snap length, or longer than the IP segment (options may be missing). */
  truncated: boolean;
  /**
   * A segment without SYN keeps its options unread here (bytes `optionsFrom` to `optionsTo` of
   * `optionBytes`, the packet's buffer) until `readOptions` (tcp.ts) is asked: only the handshake
   * and the recorded events read options, and nearly every packet carries timestamps.
   * `optionsTo` 0: nothing left to read.
   */
  optionBytes: Uint8Array | null;
  optionsFrom: number;
  optionsTo: number;
}

/** Why a packet produced no TCP segment; counted by the engine for the summary. */
export const enum DecodeResult {
  Tcp = 0,
  NotTcp = 1,
  /** IP fragment that is not the first: carries no TCP header. */
  Fragment = 2,
  /** Link type the decoder does not know. */
  UnknownLinkType = 3,
  /** Headers cut short or inconsistent. */
  Malformed = 4,
}

export function newTcpSegment(): TcpSegment {
  return {
    ipVersion: 0, ttl: 0, ipId: -1, src: new Uint8Array(16), dst: new Uint8Array(16), srcPort: 0, dstPort: 0,
    seq: 0, ack: 0, flags: 0, window: 0, payloadLen: 0, mss: -1, windowScale: -1,
    sackPermitted: false, tsVal: -1, tsEcr: -1, fastOpen: FastOpen.None, fastOpenCookieLen: 0,
    mptcp: false, vlan: new Uint16Array(8), vlanCount: 0, truncated: false, optionBytes: null, optionsFrom: 0, optionsTo: 0,
  };
}
