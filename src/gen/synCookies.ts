/**
 * SYN-cookie-style server behaviour modelled on Linux (net/ipv4/syncookies.c): the ISN is a
 * keyed hash of the 4-tuple plus the client's ISN, with a minute counter in the top 8 bits
 * and the MSS-table index hashed into the low 24; with timestamps the SYN-ACK's TSval carries
 * the window scale, SACK and ECN bits in its low 6 bits. The server keeps no state, so it
 * never retransmits a cookie SYN-ACK.
 */
import type { TcpOptionSet } from './frames';
import { hashWords } from './prng';

/** Linux's msstab for IPv4 cookies. */
export const COOKIE_MSS_TABLE = [536, 1300, 1440, 1460];

function u32(ip: Uint8Array, at: number): number {
  return ((ip[at] << 24) | (ip[at + 1] << 16) | (ip[at + 2] << 8) | ip[at + 3]) >>> 0;
}

export function cookieIsn(secret: number, src: Uint8Array, dst: Uint8Array, sport: number, dport: number, clientIsn: number, tSeconds: number, clientMss: number): number {
  const count = Math.floor(tSeconds / 60) & 0xff;
  let mssIdx = 0;
  for (let i = COOKIE_MSS_TABLE.length - 1; i >= 0; i--) {
    if (clientMss >= COOKIE_MSS_TABLE[i]) {
      mssIdx = i;
      break;
    }
  }
  const a = u32(src, src.length - 4);
  const b = u32(dst, dst.length - 4);
  const ports = ((sport << 16) | dport) >>> 0;
  const h1 = hashWords(secret, a, b, ports);
  const h2 = hashWords(secret ^ 0x5bd1e995, a, b, ports, count);
  return (h1 + clientIsn + count * 0x1000000 + ((h2 + mssIdx) & 0xffffff)) >>> 0;
}

/**
 * Options of a cookie SYN-ACK answering a SYN that offered `offered`. Without timestamps the
 * server cannot remember window scale or SACK, so only MSS is sent.
 */
export function cookieSynAckOptions(offered: TcpOptionSet | undefined, serverMss: number, tsNowMs: number): TcpOptionSet {
  if (offered?.tsVal === undefined) return { mss: serverMss };
  const ws = offered.wscale ?? 0xf;
  const bits = (ws & 0xf) | (offered.sackPerm ? 0x10 : 0);
  return {
    mss: serverMss,
    sackPerm: offered.sackPerm,
    tsVal: ((tsNowMs & ~0x3f) | bits) >>> 0,
    tsEcr: offered.tsVal,
    wscale: offered.wscale !== undefined ? 7 : undefined,
  };
}
