import { MAX_CAPTURED_LENGTH, type ReadContext, type RecordParser } from './context';
import type { Window } from './window';

/** Magic numbers as read little-endian from the first 4 bytes. */
export const PCAP_MAGIC_US_LE = 0xa1b2c3d4;
export const PCAP_MAGIC_US_BE = 0xd4c3b2a1;
export const PCAP_MAGIC_NS_LE = 0xa1b23c4d;
export const PCAP_MAGIC_NS_BE = 0x4d3cb2a1;
/** Alexey Kuznetsov's patched libpcap ("modified" pcap): 8 more bytes per record header. */
export const PCAP_MAGIC_MOD_LE = 0xa1b2cd34;
export const PCAP_MAGIC_MOD_BE = 0x34cdb2a1;

export function isPcapMagic(m: number): boolean {
  return m === PCAP_MAGIC_US_LE || m === PCAP_MAGIC_US_BE || m === PCAP_MAGIC_NS_LE ||
    m === PCAP_MAGIC_NS_BE || m === PCAP_MAGIC_MOD_LE || m === PCAP_MAGIC_MOD_BE;
}

const FILE_HEADER = 24;

/**
 * A pcap file header at p: a magic, then version 2.0-2.4 in that magic's byte order, and a link
 * type with its reserved bits clear. A record header matching all that would need a timestamp
 * whose seconds spell a magic (all but one fall in 2055-2083) and whose fraction spells the version.
 */
function isFileHeader(v: DataView, p: number): boolean {
  const magic = v.getUint32(p, true);
  if (!isPcapMagic(magic)) return false;
  const le = magic === PCAP_MAGIC_US_LE || magic === PCAP_MAGIC_NS_LE || magic === PCAP_MAGIC_MOD_LE;
  return v.getUint16(p + 4, le) === 2 && v.getUint16(p + 6, le) <= 4 && (v.getUint32(p + 20, le) & 0x03ff0000) === 0;
}
const SNAP_SLACK = 4096;
/** How far to scan for a plausible record after damage before giving up. */
const RESYNC_LIMIT = 64 * 1024 * 1024;

/**
 * Classic pcap (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html): a 24-byte file
 * header, then records of a 16-byte header (24 in the modified format) and the captured bytes.
 */
export class PcapParser implements RecordParser {
  private le = true;
  private units = 1e6;
  private hdrLen = 16;
  private linkType = 0;
  private snapLen = 0;
  private capLimit = MAX_CAPTURED_LENGTH;
  private headerDone = false;
  private stopped = false;
  /** Resynchronising after damage: scanning from this stream offset. */
  private resyncFrom = -1;
  private damagedAt = 0;
  private lastSec = -1;
  private badTimestampReported = false;

  constructor(private readonly ctx: ReadContext) {}

  parse(w: Window, eof: boolean): boolean {
    if (this.stopped) return false;
    if (!this.headerDone) {
      if (w.len - w.pos < FILE_HEADER) {
        if (eof) {
          this.ctx.problem(w.base + w.pos, `truncated pcap file header: ${w.len - w.pos} of 24 bytes`);
          return false;
        }
        return true;
      }
      if (!this.readFileHeader(w)) { this.stopped = true; return false; }
    }
    if (this.resyncFrom >= 0 && !this.resync(w, eof)) return !this.stopped && !eof;
    return this.records(w, eof);
  }

  /** Takes byte order, precision, record layout, snap length and link type from the header at p. */
  private applyFileHeader(v: DataView, p: number): { major: number; minor: number; network: number } {
    const magic = v.getUint32(p, true);
    this.le = magic === PCAP_MAGIC_US_LE || magic === PCAP_MAGIC_NS_LE || magic === PCAP_MAGIC_MOD_LE;
    this.units = magic === PCAP_MAGIC_NS_LE || magic === PCAP_MAGIC_NS_BE ? 1e9 : 1e6;
    this.hdrLen = magic === PCAP_MAGIC_MOD_LE || magic === PCAP_MAGIC_MOD_BE ? 24 : 16;
    this.snapLen = v.getUint32(p + 16, this.le);
    // Writers do exceed a small snap length by a little (Wireshark accepts it), so allow slack.
    this.capLimit = this.snapLen > 0 ? Math.min(MAX_CAPTURED_LENGTH, Math.max(this.snapLen, 65535) + SNAP_SLACK) : MAX_CAPTURED_LENGTH;
    const network = v.getUint32(p + 20, this.le);
    this.linkType = network & 0xffff;
    return { major: v.getUint16(p + 4, this.le), minor: v.getUint16(p + 6, this.le), network };
  }

  private readFileHeader(w: Window): boolean {
    const v = w.view, p = w.pos, ctx = this.ctx;
    const { major, minor, network } = this.applyFileHeader(v, p);
    w.pos += FILE_HEADER;
    ctx.info.format = 'pcap';
    this.headerDone = true;
    if (major !== 2) {
      // libpcap and Wireshark only read version 2.x; 1.x headers had a different record layout.
      ctx.problem(w.base + p + 4, `unsupported pcap version ${major}.${minor} (only 2.x is defined)`);
      return false;
    }
    ctx.addInterface({ id: 0, linkType: this.linkType, snapLen: this.snapLen, unitsPerSecond: this.units });
    // Bits 16-25 are reserved; 26-31 carry FCS information (draft-ietf-opsawg-pcap §4).
    // Wireshark refuses the file; we read it with the low 16 bits as the link type.
    if ((network & 0x03ff0000) !== 0) {
      ctx.problem(w.base + p + 20, `pcap link-type reserved bits not zero (0x${(network >>> 0).toString(16).padStart(8, '0')}); using link type ${this.linkType}`);
    }
    const rec = ctx.rec;
    rec.header = { offset: w.base + p, length: FILE_HEADER, previous: null, depth: 1 };
    rec.linkType = this.linkType;
    rec.interfaceId = 0;
    rec.unitsPerSecond = this.units;
    rec.comment = undefined;
    return true;
  }

  private records(w: Window, eof: boolean): boolean {
    const ctx = this.ctx, rec = ctx.rec;
    let le = this.le, hdrLen = this.hdrLen, units = this.units;
    const buf = w.buf, v = w.view, len = w.len;
    let p = w.pos;
    while (true) {
      w.pos = p;
      // Where a record header is due, another file's header: captures joined with `cat`.
      if (len - p >= 4 && isPcapMagic(v.getUint32(p, true))) {
        if (len - p < FILE_HEADER && !eof) return true;
        if (len - p >= FILE_HEADER && isFileHeader(v, p)) {
          this.nextFile(w, p);
          le = this.le; hdrLen = this.hdrLen; units = this.units;
          p += FILE_HEADER;
          continue;
        }
      }
      if (len - p < hdrLen) {
        if (eof) {
          if (len > p) ctx.problem(w.base + p, `truncated record header at offset ${w.base + p}: ${len - p} of ${hdrLen} bytes`);
          return false;
        }
        return true;
      }
      const capLen = v.getUint32(p + 8, le);
      const origLen = v.getUint32(p + 12, le);
      if (capLen > this.capLimit) {
        ctx.problem(w.base + p, `record at offset ${w.base + p} declares captured length ${capLen} (limit ${this.capLimit}): damaged file`);
        this.resyncFrom = w.base + p + 1;
        this.damagedAt = w.base + p;
        if (!this.resync(w, eof)) return !this.stopped && !eof;
        p = w.pos;
        continue;
      }
      const end = p + hdrLen + capLen;
      if (end > len) {
        if (eof) {
          ctx.problem(w.base + p, `truncated record at offset ${w.base + p}: captured length ${capLen}, only ${len - p - hdrLen} bytes left`);
          return false;
        }
        return true;
      }
      const sec = v.getUint32(p, le);
      let frac = v.getUint32(p + 4, le);
      if (frac >= units) {
        // Out-of-range sub-second field (tcpdump's timestamp_invalid_* tests): carry whole seconds.
        if (!this.badTimestampReported) {
          this.badTimestampReported = true;
          ctx.problem(w.base + p, `record at offset ${w.base + p}: sub-second timestamp field ${frac} is not below ${units}; carried into seconds`);
        }
        rec.sec = sec + Math.floor(frac / units);
        frac = frac % units;
      } else {
        rec.sec = sec;
      }
      rec.frac = frac;
      rec.offset = w.base + p;
      rec.capLen = capLen;
      rec.origLen = origLen;
      rec.buffer = buf;
      rec.dataOffset = p + hdrLen;
      this.lastSec = sec;
      p = end;
      ctx.emit();
    }
  }

  /**
   * A second file header: its parameters hold from here on. tshark 4.0 reads the header as a
   * packet (dated 2055 for a µs LE file) and then stops at the "packet" its first record makes.
   */
  private nextFile(w: Window, p: number): void {
    const ctx = this.ctx, rec = ctx.rec;
    const before = { linkType: this.linkType, units: this.units };
    this.applyFileHeader(w.view, p);
    this.lastSec = -1;
    const what = this.linkType !== before.linkType || this.units !== before.units ? `; link type ${this.linkType}, ${this.units === 1e9 ? 'nanosecond' : 'microsecond'} timestamps from here on` : '';
    ctx.problem(w.base + p, `pcap file header at offset ${w.base + p} where a record was due (files joined end to end?): read as the start of the next file${what}`);
    if (this.linkType !== before.linkType || this.units !== before.units) {
      rec.interfaceId = ctx.info.interfaces.length;
      ctx.addInterface({ id: rec.interfaceId, linkType: this.linkType, snapLen: this.snapLen, unitsPerSecond: this.units });
    }
    rec.header = { offset: w.base + p, length: FILE_HEADER, previous: null, depth: 1 };
    rec.linkType = this.linkType;
    rec.unitsPerSecond = this.units;
  }

  private plausible(w: Window, p: number): number {
    const v = w.view, le = this.le;
    const capLen = v.getUint32(p + 8, le);
    const origLen = v.getUint32(p + 12, le);
    if (capLen > this.capLimit || capLen > origLen || origLen > 16 * MAX_CAPTURED_LENGTH) return -1;
    if (v.getUint32(p + 4, le) >= this.units) return -1;
    const sec = v.getUint32(p, le);
    if (this.lastSec >= 0 && Math.abs(sec - this.lastSec) > 7 * 86400) return -1;
    return capLen;
  }

  /** Scans forward for a record header followed by another plausible one (or the end). */
  private resync(w: Window, eof: boolean): boolean {
    const hdr = this.hdrLen;
    let p = Math.max(w.pos, this.resyncFrom - w.base);
    const damagedAt = this.damagedAt;
    for (; p + hdr <= w.len; p++) {
      if (w.base + p - damagedAt > RESYNC_LIMIT) break;
      const cap = this.plausible(w, p);
      if (cap < 0) continue;
      const q = p + hdr + cap;
      if (q + hdr <= w.len) {
        if (this.plausible(w, q) < 0) continue;
      } else if (!eof) {
        w.pos = p;
        return false;
      } else if (q !== w.len) {
        continue;
      }
      this.ctx.problem(w.base + p, `resynchronised at offset ${w.base + p} after skipping ${w.base + p - damagedAt} bytes`);
      this.resyncFrom = -1;
      w.pos = p;
      return true;
    }
    if (w.base + p - damagedAt > RESYNC_LIMIT || eof) {
      this.ctx.problem(w.base + p, `no plausible record found after the damage at offset ${damagedAt}; stopped reading`);
      this.stopped = true;
      w.pos = p;
      return false;
    }
    w.pos = p;
    this.resyncFrom = w.base + p;
    return false;
  }
}
