/**
 * The reader's one reusable buffer: bytes [pos, len) are unread, `base` is the stream offset of
 * buf[0]. Parsers consume complete records in place (packets are views into `buf`) and leave
 * an unfinished record at `pos` for the driver to complete with the next bytes.
 */
export class Window {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  len = 0;
  /** Stream offset of buf[0]. */
  base = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Switches to another buffer holding unread bytes [pos, len); `base` = stream offset of buf[0]. */
  attach(buf: Uint8Array, pos: number, len: number, base: number): void {
    if (buf !== this.buf) {
      this.buf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    this.pos = pos;
    this.len = len;
    this.base = base;
  }

  /** Moves unread bytes to the front so the free tail is as large as possible. */
  compact(): void {
    if (this.pos === 0) return;
    if (this.len > this.pos) this.buf.copyWithin(0, this.pos, this.len);
    this.base += this.pos;
    this.len -= this.pos;
    this.pos = 0;
  }

  /**
   * Ensures at least `free` bytes can be appended. Grows only when one record (bounded by the
   * parsers' length limits) does not fit, so memory tracks the largest record, not the file.
   */
  reserve(free: number): void {
    this.compact();
    const wanted = this.len + free;
    if (wanted <= this.buf.length) return;
    const next = new Uint8Array(Math.max(wanted, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  append(chunk: Uint8Array): void {
    this.reserve(chunk.length);
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }
}
