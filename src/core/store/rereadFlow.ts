/**
 * A flow's diagram packets when they were not kept: only the first `maxFlows` flows keep their
 * handshake packets while the capture is read (the event log would otherwise grow with every
 * flow), so opening any other flow reads its packets again from the capture file, into an
 * engine of its own that sees nothing else.
 *
 * Where reading starts: a plain pcap file is entered at the nearest checkpoint before the
 * flow's first packet (the byte offset of every 1024th record, kept while reading: 8 bytes per
 * 1024 packets, nothing per flow), behind its 24-byte file header, which is all the context a
 * pcap record needs. A pcapng file (whose records depend on the interface blocks before them)
 * and a gzip file (which cannot be entered mid-stream without a seek index of the inflater's
 * state) are read from the start. Either way reading stops after the flow's last packet.
 */
import { open } from 'node:fs/promises';
import { readCaptureChunks, readCaptureFile } from '../capture/readCapture';
import { isPcapMagic } from '../capture/pcapParser';
import type { PacketRecord } from '../capture/types';
import { formatAddress } from '../decode/address';
import { Reassembler } from '../decode/reassembler';
import { DecodeResult, newTcpSegment, type TcpSegment } from '../decode/types';
import { Analyzer } from '../engine/analyzer';
import type { AnalysisConfig } from '../engine/config';
import type { Flow, FlowEvent } from '../engine/result';
import type { Checkpoints } from './checkpoints';

const CHUNK = 1 << 20;
const PCAP_HEADER = 24;

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
    const head = new Uint8Array(PCAP_HEADER);
    const { bytesRead } = await fh.read(head, 0, PCAP_HEADER, 0);
    const magic = new DataView(head.buffer).getUint32(0, true);
    if (seek && bytesRead === PCAP_HEADER && seek.offset >= PCAP_HEADER && isPcapMagic(magic)) {
      base = seek.index;
      async function* fromCheckpoint(): AsyncIterable<Uint8Array> {
        yield head;
        for (let at = seek!.offset; !done;) {
          const buf = new Uint8Array(CHUNK);
          const r = await fh.read(buf, 0, CHUNK, at);
          if (r.bytesRead === 0) return;
          at += r.bytesRead;
          yield buf.subarray(0, r.bytesRead);
        }
      }
      await readCaptureChunks(fromCheckpoint(), onPacket, { signal: stop.signal });
    } else {
      await readCaptureFile(path, onPacket, { signal: stop.signal });
    }
  } finally {
    await fh.close();
  }
  return engine.flowEvents(1);
}

function sameFlow(seg: TcpSegment, flow: Flow): boolean {
  const src = formatAddress(seg.src, seg.ipVersion);
  const dst = formatAddress(seg.dst, seg.ipVersion);
  const { client: c, server: s } = flow;
  return (src === c.ip && seg.srcPort === c.port && dst === s.ip && seg.dstPort === s.port) ||
    (src === s.ip && seg.srcPort === s.port && dst === c.ip && seg.dstPort === c.port);
}
