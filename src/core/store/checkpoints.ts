import type { PacketRecord } from '../capture/types';

/** Records between checkpoints. */
export const CHECKPOINT_EVERY = 1024;

/** Byte offsets of records 1, 1025, 2049, … while a capture is read. */
export class Checkpoints {
  private readonly offsets: number[] = [];

  note(rec: PacketRecord): void {
    if ((rec.index - 1) % CHECKPOINT_EVERY === 0 && rec.index > 0) this.offsets[(rec.index - 1) / CHECKPOINT_EVERY] = rec.offset;
  }

  /** The last checkpoint at or before `packet`: its frame number and byte offset. */
  before(packet: number): { index: number; offset: number } | null {
    const k = Math.floor((packet - 1) / CHECKPOINT_EVERY);
    const offset = this.offsets[k];
    return offset === undefined || k < 0 ? null : { index: k * CHECKPOINT_EVERY + 1, offset };
  }
}
