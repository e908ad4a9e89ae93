import type { CaptureInfo, CaptureProblem, HeaderBlock, InterfaceInfo, PacketRecord } from './types';

/** Problems listed individually; beyond this they are counted in one closing entry. */
export const MAX_LISTED_PROBLEMS = 200;
/** Interfaces listed in CaptureInfo.interfaces; packets on later ones are still read. */
export const MAX_LISTED_INTERFACES = 65536;
/** Largest captured length accepted (Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD). */
export const MAX_CAPTURED_LENGTH = 262144;

/**
 * The one PacketRecord the reader reuses. `data` is made on demand, so a consumer that decodes
 * from `buffer`/`dataOffset` costs no allocation per packet.
 */
export class ReaderRecord implements PacketRecord {
  index = 0;
  offset = 0;
  capLen = 0;
  origLen = 0;
  linkType = 0;
  interfaceId = 0;
  sec = 0;
  frac = 0;
  unitsPerSecond = 1e6;
  comment: string | undefined = undefined;
  noTimestamp: boolean | undefined = undefined;
  header: HeaderBlock | null = null;
  buffer: Uint8Array = new Uint8Array(0);
  dataOffset = 0;
  declare readonly data: Uint8Array;

  constructor() {
    // An own enumerable getter, so `{ ...rec }` copies the bytes' view like a plain property.
    Object.defineProperty(this, 'data', {
      enumerable: true,
      get(this: ReaderRecord) { return this.buffer.subarray(this.dataOffset, this.dataOffset + this.capLen); },
    });
  }
}

/** State shared by the format parsers and the driver: the reused record, counters, problems. */
export class ReadContext {
  readonly rec = new ReaderRecord();
  readonly problems: CaptureProblem[] = [];
  readonly info: CaptureInfo = { format: 'pcap', compressed: false, linkTypes: [], interfaces: [], comments: [] };
  /** Packets delivered. */
  packets = 0;
  /** Frame numbers used (Wireshark numbers some non-packet pcapng blocks as frames too). */
  frames = 0;
  private unlisted = 0;

  constructor(readonly onPacket: (p: PacketRecord) => void) {}

  problem(offset: number, message: string): void {
    if (this.problems.length < MAX_LISTED_PROBLEMS) {
      this.problems.push({ offset, packet: this.frames, message });
    } else {
      this.unlisted++;
    }
  }

  /** Lists the first MAX_LISTED_INTERFACES of the file (each section may declare that many). */
  addInterface(iface: InterfaceInfo): void {
    if (this.info.interfaces.length < MAX_LISTED_INTERFACES) this.info.interfaces.push(iface);
    if (!this.info.linkTypes.includes(iface.linkType)) this.info.linkTypes.push(iface.linkType);
  }

  /** Delivers `rec` (already filled except index). */
  emit(): void {
    this.rec.index = ++this.frames;
    this.packets++;
    this.onPacket(this.rec);
  }

  /**
   * A record Wireshark shows as a frame that carries no packet (pcapng custom and systemd journal
   * blocks): it takes a frame number so ours stay equal to Wireshark's, but is not delivered.
   */
  skipFrame(): void {
    this.frames++;
  }

  finish(): void {
    if (this.unlisted > 0) {
      const last = this.problems[this.problems.length - 1];
      this.problems.push({ offset: last.offset, packet: this.frames, message: `${this.unlisted} more problems not listed` });
      this.unlisted = 0;
    }
  }
}

/** A container format's record parser, fed by the driver. */
export interface RecordParser {
  /**
   * Consumes complete records from w.buf[w.pos, w.len), leaving an incomplete one at w.pos.
   * At eof, reports what is left as truncation. Returns false to stop reading.
   */
  parse(w: import('./window').Window, eof: boolean): boolean;
}
