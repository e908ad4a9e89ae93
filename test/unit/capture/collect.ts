import { readCaptureChunks, readCaptureFile } from '../../../src/core/capture/readCapture';
import type { PacketRecord, ReadOptions, ReadSummary } from '../../../src/core/capture/types';

/** A packet as delivered, copied out of the reader's borrowed record. */
export interface Got {
  index: number;
  offset: number;
  sec: number;
  frac: number;
  unitsPerSecond: number;
  capLen: number;
  origLen: number;
  linkType: number;
  interfaceId: number;
  data: number[];
  comment?: string;
  noTimestamp?: boolean;
}

export function copy(p: PacketRecord): Got {
  const g: Got = {
    index: p.index, offset: p.offset, sec: p.sec, frac: p.frac, unitsPerSecond: p.unitsPerSecond,
    capLen: p.capLen, origLen: p.origLen, linkType: p.linkType, interfaceId: p.interfaceId, data: Array.from(p.data),
  };
  if (p.comment !== undefined) g.comment = p.comment;
  if (p.noTimestamp) g.noTimestamp = true;
  return g;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

export async function readBytes(
  bytes: Uint8Array | AsyncIterable<Uint8Array>, opts?: ReadOptions,
): Promise<{ summary: ReadSummary; packets: Got[] }> {
  const packets: Got[] = [];
  const src = bytes instanceof Uint8Array ? once(bytes) : bytes;
  const summary = await readCaptureChunks(src, (p) => packets.push(copy(p)), opts);
  return { summary, packets };
}

export async function readFile(path: string, opts?: ReadOptions): Promise<{ summary: ReadSummary; packets: Got[] }> {
  const packets: Got[] = [];
  const summary = await readCaptureFile(path, (p) => packets.push(copy(p)), opts);
  return { summary, packets };
}
