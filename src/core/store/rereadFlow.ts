/**
 * A flow's diagram packets when they were not kept: only the first `maxFlows` flows keep their
 * handshake packets while the capture is read (the event log would otherwise grow with every
 * flow), so opening any other flow reads its packets again from the capture file, into an
 * engine of its own that sees nothing else.
 *
 * Where reading starts: at the nearest checkpoint before the flow's first packet (the byte
 * offset of every 1024th record, kept while reading), after the header blocks that record's
 * section needs: a pcap's file header (for files joined with `cat`, the header of the file the
 * record is in: its link type, snap length and timestamp precision), or a pcapng section's
 * header and the interface descriptions before the record. A gzip file is inflated again from
 * its start: Node's zlib cannot resume a deflate stream mid-way (that needs the inflater's bit
 * position and 32 KiB window at each point, as zlib's zran.c keeps, which Node does not expose),
 * so the cost is inflating everything before the flow (docs/performance.md). Either way reading
 * stops after the flow's last packet.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { readCaptureChunks, readCaptureFile } from '../capture/readCapture';
import type { HeaderBlock, PacketRecord } from '../capture/types';
import { formatAddress } from '../decode/address';
import { Reassembler } from '../decode/reassembler';
import { DecodeResult, newTcpSegment, type TcpSegment } from '../decode/types';
import { Analyzer } from '../engine/analyzer';
import type { AnalysisConfig } from '../engine/config';
import type { Flow, FlowEvent } from '../engine/result';
import type { Checkpoint, Checkpoints } from './checkpoints';

const CHUNK = 1 << 20;

export async function rereadFlowEvents(path: string, flow: Flow, config: Partial<AnalysisConfig>, checkpoints: Checkpoints | null): Promise<FlowEvent[]> {
  const engine = new Analyzer({ ...config, maxFlows: Number.MAX_SAFE_INTEGER });
  const seg: TcpSegment = newTcpSegment();
  const reassembler = new Reassembler();
  let done = false;
  let base = 1;
  const onPacket = (rec: PacketRecord): void => {
    if (done) return;
    const index = base + rec.index - 1;
    if (index < flow.firstPacket) return;
    if (index > flow.lastPacket) {
      done = true;
      stop.abort();
      return;
    }
    if (reassembler.decode(rec, seg) !== DecodeResult.Tcp || !sameFlow(seg, flow)) return;
    engine.addSegment(seg, { index, sec: rec.sec, frac: rec.frac, unitsPerSecond: rec.unitsPerSecond, interfaceId: rec.interfaceId }, rec.comment);
  };
  const stop = new AbortController();
  const seek = checkpoints?.before(flow.firstPacket) ?? null;
  const fh = await open(path, 'r');
  try {
    if (seek && seek.header && !(await isGzip(fh))) {
      base = seek.index;
      await readCaptureChunks(fromCheckpoint(fh, seek, () => done), onPacket, { signal: stop.signal });
    } else {
      await readCaptureFile(path, onPacket, { signal: stop.signal });
    }
  } finally {
    await fh.close();
  }
  return engine.flowEvents(1);
}

async function isGzip(fh: FileHandle): Promise<boolean> {
  const head = new Uint8Array(2);
  const { bytesRead } = await fh.read(head, 0, 2, 0);
  return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The checkpoint's header blocks in file order, then the file from the checkpoint's record on. */
async function* fromCheckpoint(fh: FileHandle, seek: Checkpoint, done: () => boolean): AsyncIterable<Uint8Array> {
  const blocks: HeaderBlock[] = [];
  for (let b = seek.header; b; b = b.previous) blocks.push(b);
  for (const b of blocks.reverse()) {
    const buf = new Uint8Array(b.length);
    const r = await fh.read(buf, 0, b.length, b.offset);
    yield buf.subarray(0, r.bytesRead);
  }
  for (let at = seek.offset; !done();) {
    const buf = new Uint8Array(CHUNK);
    const r = await fh.read(buf, 0, CHUNK, at);
    if (r.bytesRead === 0) return;
    at += r.bytesRead;
    yield buf.subarray(0, r.bytesRead);
  }
}

function sameFlow(seg: TcpSegment, flow: Flow): boolean {
  const src = formatAddress(seg.src, seg.ipVersion);
  const dst = formatAddress(seg.dst, seg.ipVersion);
  const { client: c, server: s } = flow;
  return (src === c.ip && seg.srcPort === c.port && dst === s.ip && seg.dstPort === s.port) ||
    (src === s.ip && seg.srcPort === s.port && dst === c.ip && seg.dstPort === c.port);
}
