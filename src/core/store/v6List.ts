import { formatAddress } from '../decode/address';

/** IPv6 addresses, 16 bytes each, in one growing buffer (not interned: a flood's are all different). */
export class V6List {
  private buf = new Uint8Array(0);
  private n = 0;

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
    return formatAddress(this.buf, 6, i * 16);
  }

  bytes(): number {
    return this.buf.byteLength;
  }
}
