import type { HeaderBlock, PacketRecord } from '../capture/types';

/** Records between checkpoints. */
export const CHECKPOINT_EVERY = 1024;
/**
 * Header chains longer than this are not kept (the flow is then read from the start): a
 * section may declare 65,536 interfaces, and a checkpoint in each of many such sections would
 * otherwise hold every one of their blocks.
 */
export const MAX_KEPT_HEADER_BLOCKS = 64;

/** Where reading may start again: a record's frame number and byte offset, and the header blocks to read first. */
export interface Checkpoint {
  index: number;
  offset: number;
  /** The last header block in effect at the record (its section's chain); null: read from the start. */
  header: HeaderBlock | null;
}

/**
 * Byte offsets of records 1, 1025, 2049, … while a capture is read, each with the header
 * blocks its section needs (a joined pcap's second file header, a pcapng section's header and
 * interfaces): the chains are shared with the reader, so a checkpoint costs two slots.
 */
export class Checkpoints {
  private readonly offsets: number[] = [];
  private readonly headers: (HeaderBlock | null)[] = [];

  note(rec: PacketRecord): void {
    if ((rec.index - 1) % CHECKPOINT_EVERY === 0 && rec.index > 0) {
      const k = (rec.index - 1) / CHECKPOINT_EVERY;
      this.offsets[k] = rec.offset;
      const header = rec.header ?? null;
      this.headers[k] = header && header.depth <= MAX_KEPT_HEADER_BLOCKS ? header : null;
    }
  }

  /** The last checkpoint at or before `packet`. */
  before(packet: number): Checkpoint | null {
    const k = Math.floor((packet - 1) / CHECKPOINT_EVERY);
    const offset = this.offsets[k];
    return offset === undefined || k < 0 ? null : { index: k * CHECKPOINT_EVERY + 1, offset, header: this.headers[k] ?? null };
  }
}
