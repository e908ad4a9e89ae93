import { addressWord, formatAddress } from '../decode/address';

/** IPv6 addresses, 16 bytes each, in one growing buffer (not interned: a flood's are all different). */
export class V6List {
  private buf = new Uint8Array(0);
  private n = 0;
  /**
   * The text of addresses formatted lately, by a hash of their bytes: every flow has its own
   * entry, so the stories, which read each connect's addresses, formatted the same few clients'
   * and servers' addresses again for every flow.
   */
  private readonly shown = new Int32Array(SHOWN_SLOTS).fill(-1);
  private readonly shownText: string[] = new Array<string>(SHOWN_SLOTS).fill('');

  add(bytes: Uint8Array, at: number): number {
    if ((this.n + 1) * 16 > this.buf.length) {
      const bigger = new Uint8Array(Math.max(256, this.buf.length * 2));
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf.set(bytes.subarray(at, at + 16), this.n * 16);
    return this.n++;
  }

  format(i: number): string {
    const b = this.buf;
    const at = i * 16;
    let h = 0;
    for (let k = at; k < at + 16; k += 4) h = Math.imul(h ^ addressWord(b, k), 0x9e3779b1);
    const slot = h >>> (32 - SHOWN_BITS);
    const j = this.shown[slot];
    if (j >= 0 && this.same(i, j)) return this.shownText[slot];
    const text = formatAddress(b, 6, at);
    this.shown[slot] = i;
    this.shownText[slot] = text;
    return text;
  }

  private same(i: number, j: number): boolean {
    const b = this.buf;
    for (let k = 0; k < 16; k++) if (b[i * 16 + k] !== b[j * 16 + k]) return false;
    return true;
  }

  bytes(): number {
    return this.buf.byteLength;
  }
}

/** IPv6 address texts kept: 2^12 slots. */
const SHOWN_BITS = 12;
const SHOWN_SLOTS = 1 << SHOWN_BITS;
