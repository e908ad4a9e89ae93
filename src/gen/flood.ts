/**
 * The benchmark's flood capture: N spoofed sources (10^7 by default), each sending one bare
 * SYN, each answered 25 µs later by a SYN-cookie SYN-ACK. Frames are written straight into
 * the writer's buffer; the pending SYN-ACKs form a FIFO because the delay is constant.
 */
import { writeTcpFrame, type L3Path, type TcpHeaderFields } from './frames';
import { hostFromBytes, type Host } from './net';
import { Rng } from './prng';
import { DEFAULT_BASE_SEC } from './scenario';
import { spoofedSource } from './scenarios/floods';
import { cookieIsn } from './synCookies';
import { SYN, ACK } from './tcpConn';
import type { CaptureWriter } from './writers/captureWriter';

export interface FloodOptions {
  seed: number;
  sources: number;
  /** SYNs per second. */
  rate?: number;
  baseSec?: number;
  /**
   * Seconds after the first SYN-ACK at which the server sends it again (a server keeping
   * half-open state without cookies: Linux retransmits after 1 s, then 2 s later: [1, 3]).
   */
  synAckRetries?: number[];
}

export function generateFlood(w: CaptureWriter, o: FloodOptions): { packets: number } {
  const rng = new Rng(o.seed);
  const baseSec = o.baseSec ?? DEFAULT_BASE_SEC;
  const rate = o.rate ?? 500000;
  const server: Host = hostFromBytes(Uint8Array.of(198, 51, 100, 80));
  const secret = rng.u32();
  const srcHost: Host = { ip: new Uint8Array(4), mac: Uint8Array.of(0x02, 0, 0, 0, 0, 1), v6: false };
  const synPath: L3Path = { src: srcHost, dst: server, ttl: 64 };
  const ackPath: L3Path = { src: server, dst: srcHost, ttl: 64 };
  const seg: TcpHeaderFields = { srcPort: 0, dstPort: 80, seq: 0, ack: 0, flags: SYN, window: 512, payloadLen: 0, ipId: 0 };
  const synAckOpts = { mss: 1460 };
  // pending SYN-ACKs, one FIFO per delay (each in time order): [time ns, src u32, port, client isn]
  const delays = [0, ...(o.synAckRetries ?? [])].map((s) => Math.round(s * 1e9));
  const queues: number[][] = delays.map(() => []);
  const heads = delays.map(() => 0);
  let packets = 0;
  const delay = 25000;
  const write = (tNs: number, path: L3Path): void => {
    const at = w.beginFrame(120);
    const len = writeTcpFrame(w.buf, at, path, seg);
    const whole = Math.floor(tNs / 1e9);
    w.endFrame(baseSec + whole, tNs - whole * 1e9, len);
    packets++;
  };
  const setSrc = (u: number): void => {
    srcHost.ip[0] = u >>> 24; srcHost.ip[1] = (u >>> 16) & 0xff; srcHost.ip[2] = (u >>> 8) & 0xff; srcHost.ip[3] = u & 0xff;
  };
  const flushUntil = (tNs: number): void => {
    for (;;) {
      let q = -1;
      for (let k = 0; k < queues.length; k++) {
        if (heads[k] < queues[k].length && queues[k][heads[k]] <= tNs && (q < 0 || queues[k][heads[k]] < queues[q][heads[q]])) q = k;
      }
      if (q < 0) break;
      const pend = queues[q];
      const head = heads[q];
      const [t, src, port, isn] = [pend[head], pend[head + 1], pend[head + 2], pend[head + 3]];
      heads[q] += 4;
      // A retransmission repeats the first SYN-ACK, cookie ISN and all.
      const firstT = t - delays[q];
      setSrc(src);
      seg.srcPort = 80; seg.dstPort = port; seg.flags = SYN | ACK; seg.window = 65160; seg.options = synAckOpts;
      seg.seq = cookieIsn(secret, srcHost.ip, server.ip, port, 80, isn, baseSec + firstT / 1e9, 536);
      seg.ack = (isn + 1) >>> 0;
      seg.ipId = 0;
      write(t, ackPath);
    }
    for (let k = 0; k < queues.length; k++) {
      if (heads[k] > 65536) {
        queues[k].splice(0, heads[k]);
        heads[k] = 0;
      }
    }
  };
  let t = 1e6;
  for (let i = 0; i < o.sources; i++) {
    t += 1 + Math.floor(rng.exp(1e9 / rate));
    flushUntil(t);
    const ip = spoofedSource(i, 0xf100d);
    const u = ((ip[0] << 24) | (ip[1] << 16) | (ip[2] << 8) | ip[3]) >>> 0;
    setSrc(u);
    const port = 1024 + (rng.u32() % 64512);
    const isn = rng.u32();
    seg.srcPort = port; seg.dstPort = 80; seg.flags = SYN; seg.window = 512; seg.options = undefined;
    seg.seq = isn; seg.ack = 0; seg.ipId = rng.u32() & 0xffff;
    synPath.ttl = 40 + (isn & 0x7f);
    write(t, synPath);
    for (let k = 0; k < delays.length; k++) queues[k].push(t + delay + delays[k], u, port, isn);
  }
  flushUntil(Infinity);
  return { packets };
}
