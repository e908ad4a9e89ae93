/**
 * What the capture reader hands to its consumers. Plain data, no vscode, no DOM.
 *
 * A PacketRecord is *borrowed*: `data` is a view into the reader's chunk buffer and is only
 * valid during the callback that received it (the buffer is reused for the next chunk).
 * Consumers that need bytes later must copy them.
 */

/** Timestamp with the file's full precision: seconds + fraction/unitsPerSecond. */
export interface Timestamp {
  /** Whole seconds since the Unix epoch (may be negative for bogus captures). */
  sec: number;
  /** Fractional part in units of 1/unitsPerSecond, 0 <= frac < unitsPerSecond. */
  frac: number;
  /** 1e6 for µs pcap, 1e9 for ns pcap, 10^n or 2^n for pcapng if_tsresol. */
  unitsPerSecond: number;
}

export interface PacketRecord extends Timestamp {
  /** 1-based frame number, as Wireshark numbers frames. */
  index: number;
  /** Byte offset of the record (pcap record header / pcapng block) in the uncompressed stream. */
  offset: number;
  /** Bytes captured (length of `data`). */
  capLen: number;
  /** Length of the packet on the wire. */
  origLen: number;
  /** LINKTYPE_* value of the interface the packet was captured on. */
  linkType: number;
  /** pcapng interface index within its section, counted over the whole file (0 for pcap). */
  interfaceId: number;
  /**
   * Borrowed view of the captured bytes; valid only during the callback. On records from the
   * reader this is a getter that creates the view on first use: hot paths should use `buffer`
   * and `dataOffset` (or decodeRecord) instead.
   */
  data: Uint8Array;
  /** The reader's buffer holding the packet at [dataOffset, dataOffset + capLen); borrowed. */
  buffer?: Uint8Array;
  dataOffset?: number;
  /** pcapng opt_comment values joined with "\n", if any. */
  comment?: string;
  /**
   * The last block before this record that its section needs to be read at all (pcap: the file
   * header; pcapng: the section header, then each interface description), linked back to the
   * section's start. A reader entered mid-file reads these blocks first (store/rereadFlow.ts).
   */
  header?: HeaderBlock | null;
  /**
   * True for packets stored without a timestamp (pcapng Simple Packet Block): sec/frac are then 0
   * and Wireshark shows no time. Undefined otherwise.
   */
  noTimestamp?: boolean;
}

/** A header block's place in the (uncompressed) stream, and the one before it in its section. */
export interface HeaderBlock {
  readonly offset: number;
  readonly length: number;
  readonly previous: HeaderBlock | null;
  /** Blocks in the chain up to this one (1 for a section's first). */
  readonly depth: number;
}

/** Damage found while reading: the reader never throws for these. */
export interface CaptureProblem {
  /** Byte offset in the (uncompressed) capture where the damage was found. */
  offset: number;
  /** 1-based number of the last packet delivered before the damage (0 = none). */
  packet: number;
  message: string;
  /**
   * 'undecoded': frames the decoder could not read or fragments it had to drop (added by the
   * engine, one per kind); the file itself is intact. Absent for damage.
   */
  kind?: 'undecoded';
}

export interface InterfaceInfo {
  id: number;
  linkType: number;
  snapLen: number;
  name?: string;
  description?: string;
  unitsPerSecond: number;
}

export interface CaptureInfo {
  format: 'pcap' | 'pcapng';
  compressed: boolean;
  /** Distinct link types in order of first appearance. */
  linkTypes: number[];
  /** Interfaces in file order (ids count over the whole file); the first 65 536 of the file are listed. */
  interfaces: InterfaceInfo[];
  /** Section comments (pcapng shb_comment), if any. */
  comments: string[];
}

/** Summary returned when reading ends (normally, on damage, or on abort). */
export interface ReadSummary {
  info: CaptureInfo;
  /** Packets delivered to onPacket. */
  packets: number;
  /**
   * Frame numbers used: Wireshark also numbers pcapng custom blocks (and systemd journal blocks)
   * as frames, so this equals tshark's frame count and may exceed `packets`.
   */
  frames?: number;
  /** Bytes of the file consumed (compressed bytes for gzip input). */
  bytesRead: number;
  problems: CaptureProblem[];
  /** Reading stopped early because the AbortSignal fired. */
  aborted: boolean;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** Called at most every few MiB with file bytes read so far and the file size (0 if unknown). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Chunk size for file reads; default 4 MiB. */
  chunkSize?: number;
}

/** Thrown only for files that cannot be a capture at all (unknown magic, empty file). */
export class CaptureFormatError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'CaptureFormatError';
  }
}
