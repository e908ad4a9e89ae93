/**
 * "Show every packet": the flow's packets read again from the file, one event each. The engine
 * keeps only the handshake's packets per flow (memory: a million flows are listed), so a flow's
 * data segments and plain ACKs are counted but not recorded; this re-reads the frames between
 * the flow's first and last packet on demand, keeps the ones on its 4-tuple, and numbers their
 * sequence numbers the way the engine does (relative to each side's first sequence number).
 * Recorded events are reused as they are (they carry the engine's notes and options).
 */
import { readCaptureFile } from '../core/capture/readCapture';
import { formatAddress } from '../core/decode/address';
import { Reassembler } from '../core/decode/reassembler';
import { DecodeResult, newTcpSegment, TCP_ACK, TCP_SYN } from '../core/decode/types';
import type { Flow, FlowEvent } from '../core/engine/result';
import { formatPoint } from '../core/engine/time';
import { secondsBetween } from '../render/format';

/** Frames past this many of the flow are not drawn even on request (a diagram has to end). */
export const MAX_EVERY_PACKET = 2000;

export async function everyPacketEvents(path: string, flow: Flow, recorded: readonly FlowEvent[]): Promise<FlowEvent[]> {
  const byFrame = new Map(recorded.map((e) => [e.packet, e]));
  const reassembler = new Reassembler();
  const seg = newTcpSegment();
  const base = [0, 0];
  const baseSet = [false, false];
  const out: FlowEvent[] = [];
  const stop = new AbortController();
  const { client, server } = flow;
  try {
    await readCaptureFile(path, (p) => {
      if (p.index < flow.firstPacket) return;
      if (p.index > flow.lastPacket || out.length >= MAX_EVERY_PACKET) {
        stop.abort();
        return;
      }
      if (reassembler.decode(p, seg) !== DecodeResult.Tcp) return;
      const src = formatAddress(seg.src, seg.ipVersion);
      const dst = formatAddress(seg.dst, seg.ipVersion);
      let side: number;
      if (src === client.ip && seg.srcPort === client.port && dst === server.ip && seg.dstPort === server.port) side = 0;
      else if (src === server.ip && seg.srcPort === server.port && dst === client.ip && seg.dstPort === client.port) side = 1;
      else return;
      const other = 1 - side;
      const isAck = (seg.flags & TCP_ACK) !== 0;
      // The engine's rule (updateFlow.ts): a side's base is its first sequence number
      // (minus one unless it is a SYN), or the peer's first ACK number minus one.
      if (!baseSet[side]) {
        baseSet[side] = true;
        base[side] = seg.flags & TCP_SYN ? seg.seq : (seg.seq - 1) >>> 0;
      }
      if (!baseSet[other] && isAck) {
        baseSet[other] = true;
        base[other] = (seg.ack - 1) >>> 0;
      }
      const known = byFrame.get(p.index);
      if (known) {
        out.push(known);
        return;
      }
      const time = formatPoint({ sec: p.sec, frac: p.frac, ups: p.unitsPerSecond });
      const ev: FlowEvent = {
        packet: p.index,
        time,
        rel: secondsBetween(flow.start, time) ?? 0,
        dir: side === 0 ? 'c2s' : 's2c',
        flags: seg.flags,
        seq: (seg.seq - base[side]!) >>> 0,
        ack: isAck ? (seg.ack - base[other]!) >>> 0 : 0,
        len: seg.payloadLen,
        window: seg.window,
        options: '',
        notes: [],
      };
      if (p.comment !== undefined) ev.comment = p.comment;
      out.push(ev);
    }, { signal: stop.signal });
  } catch (e) {
    // Our own stop, or damage after the flow's packets were read: what was read stands.
    if (!stop.signal.aborted && out.length === 0) throw e;
  }
  return out;
}
