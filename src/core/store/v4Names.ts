/**
 * IPv4 addresses (as the store keeps them: a 32-bit number) as text, remembered. A capture has
 * mostly far fewer addresses than flows: each string is kept in a direct-mapped cache (no Map
 * to grow and clear when a flood's random sources miss it), and flows that share an address
 * share its string.
 */
export class V4Names {
  private readonly addrs = new Float64Array(NAME_SLOTS).fill(-1);
  private readonly names: string[] = new Array<string>(NAME_SLOTS).fill('');

  /** The dotted quad of `addr` (0 … 2^32 − 1). */
  name(addr: number): string {
    const slot = Math.imul(addr, 0x9e3779b1) >>> (32 - NAME_BITS);
    if (this.addrs[slot] !== addr) {
      this.addrs[slot] = addr;
      this.names[slot] = formatV4(addr);
    }
    return this.names[slot];
  }
}

/** join(): one flat string, as formatAddress makes (a template makes a rope). */
export function formatV4(x: number): string {
  return [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join('.');
}

/** Addresses remembered: 2^14 slots. */
const NAME_BITS = 14;
const NAME_SLOTS = 1 << NAME_BITS;
