import { MAX_CAPTURED_LENGTH, type ReadContext, type RecordParser } from './context';
import { splitTicks } from './timestamp';
import type { Window } from './window';

/** Block types (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html §4 and §10.1). */
export const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 0x00000001;
const BT_PB = 0x00000002;
const BT_SPB = 0x00000003;
const BT_NRB = 0x00000004;
const BT_ISB = 0x00000005;
const BT_EPB = 0x00000006;
const BT_JOURNAL = 0x00000009;
const BT_DSB = 0x0000000a;
const BT_CB = 0x00000bad;
const BT_DCB = 0x40000bad;
const BOM = 0x1a2b3c4d;
/** Wireshark's limit for any block; a larger declared length means damage. */
const MAX_BLOCK = 16 * 1024 * 1024;
const RESYNC_LIMIT = 64 * 1024 * 1024;
/**
 * Interfaces per section, and interfaces listed in CaptureInfo for the whole file: bounded so a
 * flood of tiny blocks cannot exhaust memory. Per section, because interface ids start again at
 * 0 in every section: a file of many small sections (each with its own interface) is valid.
 */
export const MAX_INTERFACES = 65536;
const MAX_SECTION_COMMENTS = 1024;
/**
 * Text kept from the file: packet and section comments up to 4 KiB each, interface names and
 * descriptions up to 1 KiB (cut at a character, marked "…"), and 16 MiB of packet comments in
 * all, later ones replaced by COMMENT_DROPPED. A 1 MiB comment on every packet of a small,
 * highly compressible file otherwise exhausted the heap (the engine keeps comments of listed flows).
 */
export const MAX_COMMENT = 4096;
export const MAX_NAME = 1024;
export const MAX_COMMENT_TOTAL = 16 * 1024 * 1024;
/**
 * Options read per block: real blocks carry a handful, but a 16 MiB block holds 4 million empty
 * ones, and 60 such blocks fit in a 1 MB gzip file. Later options of a block are not read.
 */
export const MAX_OPTIONS = 1024;
export const COMMENT_DROPPED = '[comment not kept: the file has more than 16 MiB of packet comments]';
const utf8 = new TextDecoder('utf-8');

/** UTF-8 text of buf[start, start + len), cut to at most `max` bytes at a character boundary. */
function boundedText(buf: Uint8Array, start: number, len: number, max: number): string {
  if (len <= max) return utf8.decode(buf.subarray(start, start + len));
  let n = max;
  // Back off continuation bytes so the cut does not leave half a character (U+FFFD).
  while (n > 0 && (buf[start + n] & 0xc0) === 0x80) n--;
  return `${utf8.decode(buf.subarray(start, start + n))}…`;
}

interface SectionInterface {
  globalId: number;
  linkType: number;
  snapLen: number;
  units: number;
  /** if_tsoffset: seconds added to every timestamp. */
  tsOffset: number;
}

/**
 * pcapng: a sequence of blocks, each `type, total length, body, total length`. Every Section
 * Header Block sets the byte order and starts a fresh interface list for the blocks after it.
 */
export class PcapngParser implements RecordParser {
  private le = true;
  private ifaces: SectionInterface[] = [];
  /** Inside a section we cannot read (unknown version, broken SHB): skip blocks up to the next SHB. */
  private skippingSection = false;
  private sawShb = false;
  private stopped = false;
  private resyncFrom = -1;
  private damagedAt = 0;
  private readonly option = { code: 0, start: 0, len: 0 };
  private interfaceLimitReported = false;
  /** Packet comment text delivered so far (bounded by MAX_COMMENT_TOTAL). */
  private commentChars = 0;
  /** Interfaces declared so far in the file: the next one's file-wide id. */
  private interfacesSeen = 0;

  constructor(private readonly ctx: ReadContext) {}

  parse(w: Window, eof: boolean): boolean {
    while (!this.stopped) {
      if (this.resyncFrom >= 0 && !this.resync(w, eof)) return !this.stopped && !eof;
      const p = w.pos;
      const left = w.len - p;
      if (left < 12) {
        if (eof) {
          if (left > 0) this.ctx.problem(w.base + p, `truncated block header at offset ${w.base + p}: ${left} of 12 bytes`);
          return false;
        }
        return true;
      }
      let type = w.view.getUint32(p, this.le);
      if (w.view.getUint32(p, true) === BT_SHB) {
        type = BT_SHB;
        const bom = w.view.getUint32(p + 8, true);
        if (bom === BOM) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else {
          this.damage(w, p, `section header at offset ${w.base + p} has no valid byte-order magic`);
          continue;
        }
      }
      const blockLen = w.view.getUint32(p + 4, this.le);
      if (blockLen < 12 || blockLen % 4 !== 0 || blockLen > MAX_BLOCK) {
        this.damage(w, p, `block at offset ${w.base + p} declares length ${blockLen} (must be a multiple of 4, 12 to ${MAX_BLOCK})`);
        continue;
      }
      if (blockLen > left) {
        if (eof) {
          this.ctx.problem(w.base + p, `truncated block at offset ${w.base + p}: declares ${blockLen} bytes, only ${left} left`);
          return false;
        }
        return true;
      }
      const trailer = w.view.getUint32(p + blockLen - 4, this.le);
      if (trailer !== blockLen) {
        this.damage(w, p, `block at offset ${w.base + p}: trailing length ${trailer} does not match leading length ${blockLen}`);
        continue;
      }
      if (!this.sawShb && type !== BT_SHB) {
        this.ctx.problem(w.base + p, `file does not start with a section header block`);
        this.stopped = true;
        return false;
      }
      w.pos = p + blockLen;
      this.block(w, type, p, blockLen);
    }
    return false;
  }

  private block(w: Window, type: number, p: number, blockLen: number): void {
    if (type === BT_SHB) { this.sectionHeader(w, p, blockLen); return; }
    if (this.skippingSection) return;
    switch (type) {
      case BT_EPB: this.enhancedPacket(w, p, blockLen); break;
      case BT_SPB: this.simplePacket(w, p, blockLen); break;
      case BT_PB: this.obsoletePacket(w, p, blockLen); break;
      case BT_IDB: this.interfaceDescription(w, p, blockLen); break;
      // Wireshark shows custom and systemd journal blocks as frames: count them, deliver nothing.
      case BT_CB: case BT_DCB: case BT_JOURNAL: this.ctx.skipFrame(); break;
      // Name resolution, statistics, decryption secrets and unknown blocks carry nothing for
      // handshake analysis: skipped by their declared length.
      case BT_NRB: case BT_ISB: case BT_DSB: default: break;
    }
  }

  private damage(w: Window, p: number, message: string): void {
    this.ctx.problem(w.base + p, message);
    this.damagedAt = w.base + p;
    this.resyncFrom = w.base + p + 4;
  }

  private sectionHeader(w: Window, p: number, blockLen: number): void {
    const v = w.view, ctx = this.ctx;
    this.sawShb = true;
    this.ifaces = [];
    ctx.rec.header = { offset: w.base + p, length: blockLen, previous: null, depth: 1 };
    this.interfaceLimitReported = false;
    this.skippingSection = false;
    ctx.info.format = 'pcapng';
    if (blockLen < 28) {
      ctx.problem(w.base + p, `section header at offset ${w.base + p} is ${blockLen} bytes, shorter than 28; section skipped`);
      this.skippingSection = true;
      return;
    }
    const major = v.getUint16(p + 12, this.le);
    const minor = v.getUint16(p + 14, this.le);
    // Wireshark reads 1.0 and 1.2 (1.2 was written by some tools); anything else has an unknown
    // layout. tshark stops at such a section; gopacket skips it. We skip it and keep reading.
    if (major !== 1 || (minor !== 0 && minor !== 2)) {
      ctx.problem(w.base + p, `section header at offset ${w.base + p} has unsupported version ${major}.${minor}; section skipped`);
      this.skippingSection = true;
      return;
    }
    const o = this.option;
    let q = p + 24;
    const end = p + blockLen - 4;
    for (let k = 0; k < MAX_OPTIONS && this.nextOption(v, q, end); k++) {
      if (o.code === 1 && ctx.info.comments.length < MAX_SECTION_COMMENTS) ctx.info.comments.push(boundedText(w.buf, o.start, o.len, MAX_COMMENT));
      q = o.start + ((o.len + 3) & ~3);
    }
    if (o.code < 0) {
      ctx.problem(w.base + q, `section header at offset ${w.base + p}: option at offset ${w.base + q} runs past the block; section skipped`);
      this.skippingSection = true;
    }
  }

  /**
   * Reads the option at q into this.option; false at the end (code 0, or no room). code = -1 if
   * the option's length runs past `end`.
   */
  private nextOption(v: DataView, q: number, end: number): boolean {
    const o = this.option;
    if (q + 4 > end) { o.code = 0; return false; }
    o.code = v.getUint16(q, this.le);
    o.len = v.getUint16(q + 2, this.le);
    o.start = q + 4;
    if (o.code === 0) return false;
    if (o.start + o.len > end) { o.code = -1; return false; }
    return true;
  }

  private interfaceDescription(w: Window, p: number, blockLen: number): void {
    const v = w.view, ctx = this.ctx;
    if (blockLen < 20) {
      ctx.problem(w.base + p, `interface description at offset ${w.base + p} is ${blockLen} bytes, shorter than 20`);
      return;
    }
    // Each IDB is only 20 bytes: keeping every one declared would let a small file exhaust memory.
    if (this.ifaces.length >= MAX_INTERFACES) {
      if (!this.interfaceLimitReported) {
        this.interfaceLimitReported = true;
        ctx.problem(w.base + p, `interface description at offset ${w.base + p}: more than ${MAX_INTERFACES} interfaces declared in this section; later interfaces of the section and their packets are ignored`);
      }
      return;
    }
    const linkType = v.getUint16(p + 8, this.le);
    const snapLen = v.getUint32(p + 12, this.le);
    let units = 1e6;
    let tsOffset = 0;
    let name: string | undefined;
    let description: string | undefined;
    const o = this.option;
    let q = p + 16;
    const end = p + blockLen - 4;
    for (let k = 0; k < MAX_OPTIONS && this.nextOption(v, q, end); k++) {
      if (o.code === 2) name = boundedText(w.buf, o.start, o.len, MAX_NAME);
      else if (o.code === 3) description = boundedText(w.buf, o.start, o.len, MAX_NAME);
      else if (o.code === 9 && o.len >= 1) {
        const r = w.buf[o.start];
        // MSB clear: 10^-r seconds; set: 2^-(r & 0x7f). Finer than 10^-15 / 2^-52 cannot be
        // held exactly in a number (and no capture hardware is that fine): keep the default.
        if ((r & 0x80 ? r & 0x7f : r) > (r & 0x80 ? 52 : 15)) {
          ctx.problem(w.base + o.start, `interface description at offset ${w.base + p}: if_tsresol ${r} is finer than supported; using microseconds`);
        } else {
          units = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
        }
      } else if (o.code === 14 && o.len >= 8) {
        tsOffset = Number(v.getBigInt64(o.start, this.le));
      }
      q = o.start + ((o.len + 3) & ~3);
    }
    if (o.code < 0) ctx.problem(w.base + q, `interface description at offset ${w.base + p}: option at offset ${w.base + q} runs past the block`);
    const globalId = this.interfacesSeen++;
    this.ifaces.push({ globalId, linkType, snapLen, units, tsOffset });
    const previous = ctx.rec.header;
    ctx.rec.header = { offset: w.base + p, length: blockLen, previous, depth: (previous?.depth ?? 0) + 1 };
    ctx.addInterface({ id: globalId, linkType, snapLen, name, description, unitsPerSecond: units });
  }

  private packet(w: Window, p: number, ifIndex: number, hi: number, lo: number, dataStart: number, capLen: number, origLen: number): void {
    const ctx = this.ctx, rec = ctx.rec;
    const iface = this.ifaces[ifIndex];
    rec.offset = w.base + p;
    rec.linkType = iface.linkType;
    rec.interfaceId = iface.globalId;
    splitTicks(hi, lo, iface.units, rec);
    if (iface.tsOffset !== 0) rec.sec += iface.tsOffset;
    rec.capLen = capLen;
    rec.origLen = origLen;
    rec.buffer = w.buf;
    rec.dataOffset = dataStart;
    rec.noTimestamp = undefined;
  }

  private checkInterface(w: Window, p: number, ifIndex: number, what: string): boolean {
    if (ifIndex < this.ifaces.length) return true;
    this.ctx.problem(w.base + p, `${what} at offset ${w.base + p} names interface ${ifIndex}, but the section has ${this.ifaces.length}; block skipped`);
    return false;
  }

  private checkCapLen(w: Window, p: number, capLen: number, room: number, what: string): boolean {
    if (capLen <= room && capLen <= MAX_CAPTURED_LENGTH) return true;
    this.ctx.problem(w.base + p, `${what} at offset ${w.base + p} declares captured length ${capLen}, but the block holds ${room} bytes; block skipped`);
    return false;
  }

  private enhancedPacket(w: Window, p: number, blockLen: number): void {
    this.packetBlock(w, p, blockLen, 'enhanced packet block', w.view.getUint32(p + 8, this.le));
  }

  /** The obsolete Packet Block: an EPB whose interface id is 16 bits (a drops count follows). */
  private obsoletePacket(w: Window, p: number, blockLen: number): void {
    this.packetBlock(w, p, blockLen, 'packet block', w.view.getUint16(p + 8, this.le));
  }

  /** An EPB or PB: interface, timestamp, captured and original length, data, options. */
  private packetBlock(w: Window, p: number, blockLen: number, what: string, ifIndex: number): void {
    const v = w.view, le = this.le;
    if (blockLen < 32) { this.ctx.problem(w.base + p, `${what} at offset ${w.base + p} is ${blockLen} bytes, shorter than 32; skipped`); return; }
    const capLen = v.getUint32(p + 20, le);
    if (!this.checkInterface(w, p, ifIndex, what)) return;
    if (!this.checkCapLen(w, p, capLen, blockLen - 32, what)) return;
    this.packet(w, p, ifIndex, v.getUint32(p + 12, le), v.getUint32(p + 16, le), p + 28, capLen, v.getUint32(p + 24, le));
    this.comments(w, p + 28 + ((capLen + 3) & ~3), p + blockLen - 4);
    this.ctx.emit();
  }

  private simplePacket(w: Window, p: number, blockLen: number): void {
    const v = w.view;
    if (blockLen < 16) { this.ctx.problem(w.base + p, `simple packet block at offset ${w.base + p} is ${blockLen} bytes, shorter than 16; skipped`); return; }
    if (!this.checkInterface(w, p, 0, 'simple packet block')) return;
    const origLen = v.getUint32(p + 8, this.le);
    const snap = this.ifaces[0].snapLen;
    // The captured length is implied: the original length, cut by the snap length and the block.
    let capLen = Math.min(origLen, blockLen - 16);
    if (snap > 0 && capLen > snap) capLen = snap;
    if (!this.checkCapLen(w, p, capLen, blockLen - 16, 'simple packet block')) return;
    // No timestamp in an SPB: Wireshark shows 0 (the epoch).
    this.packet(w, p, 0, 0, 0, p + 12, capLen, origLen);
    this.ctx.rec.comment = undefined;
    this.ctx.rec.noTimestamp = true;
    this.ctx.emit();
  }

  /** opt_comment values of a packet block, joined with "\n"; undefined when none (no allocation). */
  private comments(w: Window, q: number, end: number): void {
    const rec = this.ctx.rec;
    rec.comment = undefined;
    if (q + 4 > end) return;
    const o = this.option;
    // Set once MAX_COMMENT is reached: later comments only leave the mark that something was left out.
    let full = false;
    let left = false;
    let k = 0;
    for (; k < MAX_OPTIONS && this.nextOption(w.view, q, end); k++) {
      if (o.code === 1) {
        if (full) {
          left = true;
        } else {
          const had = rec.comment === undefined ? 0 : rec.comment.length + 1;
          const text = boundedText(w.buf, o.start, o.len, MAX_COMMENT - had);
          rec.comment = rec.comment === undefined ? text : `${rec.comment}\n${text}`;
          full = rec.comment.length >= MAX_COMMENT;
        }
      }
      q = o.start + ((o.len + 3) & ~3);
    }
    if ((left || k === MAX_OPTIONS) && rec.comment !== undefined && !rec.comment.endsWith('…')) rec.comment += '…';
    if (o.code < 0) this.ctx.problem(w.base + q, `packet block: option at offset ${w.base + q} runs past the block`);
    if (rec.comment !== undefined) {
      this.commentChars += rec.comment.length;
      if (this.commentChars > MAX_COMMENT_TOTAL) rec.comment = COMMENT_DROPPED;
    }
  }

  private plausibleBlock(w: Window, p: number, eof: boolean): number {
    const v = w.view;
    let le = this.le;
    if (v.getUint32(p, true) === BT_SHB) {
      const bom = v.getUint32(p + 8, true);
      if (bom === BOM) le = true; else if (bom === 0x4d3c2b1a) le = false; else return -1;
    } else {
      const t = v.getUint32(p, le);
      if (!(t >= 1 && t <= 10) && t !== BT_CB && t !== BT_DCB) return -1;
    }
    const len = v.getUint32(p + 4, le);
    if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK) return -1;
    if (p + len > w.len) return eof ? -1 : 0;
    return v.getUint32(p + len - 4, le) === len ? 1 : -1;
  }

  /** Scans 4-byte steps for a block whose type, length and trailing length agree. */
  private resync(w: Window, eof: boolean): boolean {
    let p = Math.max(w.pos, this.resyncFrom - w.base);
    for (; p + 12 <= w.len; p += 4) {
      if (w.base + p - this.damagedAt > RESYNC_LIMIT) break;
      const r = this.plausibleBlock(w, p, eof);
      if (r < 0) continue;
      if (r === 0) {
        w.pos = p;
        this.resyncFrom = w.base + p;
        return false;
      }
      this.ctx.problem(w.base + p, `resynchronised at block offset ${w.base + p} after skipping ${w.base + p - this.damagedAt} bytes`);
      this.resyncFrom = -1;
      w.pos = p;
      return true;
    }
    if (eof || w.base + p - this.damagedAt > RESYNC_LIMIT) {
      this.ctx.problem(w.base + p, `no plausible block found after the damage at offset ${this.damagedAt}; stopped reading`);
      this.stopped = true;
      w.pos = Math.min(p, w.len);
      return false;
    }
    w.pos = p;
    this.resyncFrom = w.base + p;
    return false;
  }
}
