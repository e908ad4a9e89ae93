/**
 * A scenario: a named, seeded script of packets, written to pcap or pcapng. Small scenarios
 * keep their packets in memory, sorted by time when written.
 */
import { buildArpRequestFrame, buildIcmpEchoFrame, buildUdpFrame, dnsQuery } from './frames';
import { host, type Host } from './net';
import { comparePackets, writePacket, type GenPacket, type PacketSink } from './packet';
import { Rng } from './prng';
import { TcpConn, type ConnConfig } from './tcpConn';
import { CaptureWriter, type CaptureFormat } from './writers/captureWriter';
import { MemorySink, type ByteSink } from './writers/sink';

/** 2026-01-01T00:00:00Z: the default start of every generated capture. */
export const DEFAULT_BASE_SEC = 1767225600;

export class Scenario implements PacketSink {
  readonly packets: GenPacket[] = [];
  readonly rng: Rng;
  private order = 0;
  private readonly hosts = new Map<string, Host>();

  constructor(readonly name: string, seed: number, readonly baseSec = DEFAULT_BASE_SEC) {
    this.rng = new Rng(seed);
  }

  push(p: GenPacket): void {
    this.packets.push(p);
  }

  nextOrder = (): number => this.order++;

  /** The same Host object for the same address (MACs stay stable). */
  host(ip: string): Host {
    let h = this.hosts.get(ip);
    if (!h) this.hosts.set(ip, (h = host(ip)));
    return h;
  }

  conn(cfg: ConnConfig): TcpConn {
    return new TcpConn(this, this.rng, cfg, this.nextOrder);
  }

  raw(t: number, frame: Uint8Array, comment?: string): void {
    this.push({ kind: 'raw', t: Math.round(t), frame, comment, order: this.nextOrder() });
  }

  /** A DNS query from `from` to `to` (UDP noise). */
  dns(t: number, from: Host, to: Host, name: string): void {
    const id = this.rng.int(0, 0xffff);
    this.raw(t, buildUdpFrame({ src: from, dst: to, ttl: 64 }, this.rng.int(32768, 60999), 53, dnsQuery(id, name), id));
  }

  /** An ICMP echo request and its reply `rtt` ns later. */
  ping(t: number, from: Host, to: Host, rtt: number): void {
    const ident = this.rng.int(1, 0xffff);
    this.raw(t, buildIcmpEchoFrame({ src: from, dst: to, ttl: 64 }, false, ident, 1, this.rng.int(0, 0xffff)));
    this.raw(t + rtt, buildIcmpEchoFrame({ src: to, dst: from, ttl: 64 }, true, ident, 1, this.rng.int(0, 0xffff)));
  }

  arp(t: number, from: Host, target: Host): void {
    this.raw(t, buildArpRequestFrame(from, target.ip));
  }

  /** Packets in capture order (stable for equal times). */
  sorted(): GenPacket[] {
    return [...this.packets].sort(comparePackets);
  }

  writeTo(sink: ByteSink, format: CaptureFormat): void {
    const w = new CaptureWriter(sink, format);
    for (const p of this.sorted()) writePacket(w, this.baseSec, p);
    w.close();
  }

  toBuffer(format: CaptureFormat): Buffer {
    const sink = new MemorySink();
    this.writeTo(sink, format);
    return sink.result();
  }
}
