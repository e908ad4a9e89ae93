/** Addresses for generated traffic: parsing dotted/colon notation and deriving MAC addresses. */
import { scramble32 } from './prng';

export interface Host {
  ip: Uint8Array;
  mac: Uint8Array;
  v6: boolean;
}

export function parseIpv4(s: string): Uint8Array {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${s}`);
  }
  return Uint8Array.from(parts);
}

export function parseIpv6(s: string): Uint8Array {
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const hs = head ? head.split(':') : [];
  const ts = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - hs.length - ts.length;
  const groups = [...hs, ...Array<string>(fill).fill('0'), ...ts];
  if (groups.length !== 8) throw new Error(`not an IPv6 address: ${s}`);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new Error(`not an IPv6 address: ${s}`);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/** A locally administered unicast MAC derived from the address, so each host keeps one MAC. */
export function macFor(ip: Uint8Array): Uint8Array {
  let h = 0;
  for (const b of ip) h = scramble32((h ^ b) >>> 0);
  return Uint8Array.of(0x02, 0x00, (h >>> 24) & 0xff, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff);
}

/** A host from "192.0.2.1" or "2001:db8::1". */
export function host(ip: string): Host {
  const v6 = ip.includes(':');
  const bytes = v6 ? parseIpv6(ip) : parseIpv4(ip);
  return { ip: bytes, mac: macFor(bytes), v6 };
}

/** A host from raw address bytes (bulk generation, no string round trip). */
export function hostFromBytes(ip: Uint8Array): Host {
  return { ip, mac: macFor(ip), v6: ip.length === 16 };
}

export function ipv4FromU32(x: number): Uint8Array {
  return Uint8Array.of(x >>> 24, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff);
}
