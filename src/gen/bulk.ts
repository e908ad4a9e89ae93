/**
 * Bulk captures for the benchmark: a realistic mix of traffic generated up to a target size,
 * streamed to a CaptureWriter in time order. Connections start as a Poisson process; each one
 * is scripted whole into a time queue, and everything earlier than the next start is written.
 */
import { buildArpRequestFrame, buildIcmpEchoFrame, buildUdpFrame, dnsQuery } from './frames';
import { hostFromBytes, ipv4FromU32, type Host } from './net';
import { ms, sec, us, writePacket, type GenPacket } from './packet';
import { Rng } from './prng';
import { closeFin, handshake, LINUX_SYN_BACKOFF_S } from './scripts';
import { spoofedSource } from './scenarios/floods';
import { cookieIsn, cookieSynAckOptions } from './synCookies';
import { LINUX_SYN, TcpConn, type SynOptions } from './tcpConn';
import { TimeQueue } from './timeQueue';
import type { CaptureWriter } from './writers/captureWriter';
import { DEFAULT_BASE_SEC } from './scenario';

export interface BulkOptions {
  seed: number;
  /** Stop once the file reaches this many bytes (like a capture with a size limit). */
  targetBytes: number;
  /** New connections per second of capture time. */
  connectionsPerSecond?: number;
  baseSec?: number;
  /** Writers that receive the same packets (other containers/resolutions of the same capture). */
  also?: readonly CaptureWriter[];
}

export interface BulkStats {
  packets: number;
  connections: number;
  floodSyns: number;
  bytes: number;
  durationNs: number;
}

const RESPONSE_SIZES = [0, 120, 400, 1200, 3000, 9000, 24000, 64000, 180000];
const RESPONSE_WEIGHTS = [3, 16, 22, 22, 16, 10, 6, 3, 1];
const SERVER_PORTS = [443, 443, 443, 80, 80, 22, 5432, 6379, 8080, 3306];
const OTHER_SYN: SynOptions = { mss: 1460, wscale: 8, sackPerm: true };
const V6_SYN: SynOptions = { ...LINUX_SYN, mss: 1440 };

function weighted(rng: Rng, values: number[], weights: number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (let i = 0; i < values.length; i++) {
    r -= weights[i];
    if (r < 0) return values[i];
  }
  return values[values.length - 1];
}

class BulkWorld {
  readonly clients4: Host[] = [];
  readonly clients6: Host[] = [];
  readonly servers4: Host[] = [];
  readonly servers6: Host[] = [];
  readonly silent: Host[] = [];
  private order = 0;
  private readonly ports = new Map<Host, number>();
  nextOrder = (): number => this.order++;

  constructor(rng: Rng) {
    for (let i = 0; i < 4000; i++) this.clients4.push(hostFromBytes(ipv4FromU32(((10 << 24) | (rng.int(1, 200) << 16) | (rng.int(0, 255) << 8) | rng.int(1, 254)) >>> 0)));
    for (let i = 0; i < 400; i++) {
      const b = new Uint8Array(16);
      b.set([0x20, 0x01, 0x0d, 0xb8, 0, 0x10]);
      for (let k = 8; k < 16; k++) b[k] = rng.int(0, 255);
      this.clients6.push(hostFromBytes(b));
    }
    for (let i = 0; i < 40; i++) this.servers4.push(hostFromBytes(Uint8Array.of(198, 51, 100, 10 + i)));
    for (let i = 0; i < 8; i++) this.servers6.push(hostFromBytes(Uint8Array.of(0x20, 1, 0x0d, 0xb8, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80 + i)));
    for (let i = 0; i < 5; i++) this.silent.push(hostFromBytes(Uint8Array.of(203, 0, 113, 200 + i)));
  }

  port(client: Host): number {
    const p = this.ports.get(client) ?? 32768 + (client.ip[client.ip.length - 1] * 97) % 28000;
    this.ports.set(client, p >= 60999 ? 32768 : p + 1);
    return p;
  }
}

/** A response of `len` bytes with an ACK every second segment, spaced like a paced sender. */
function respond(c: TcpConn, rtt: number, len: number): void {
  const start = c.now;
  let left = len;
  let k = 0;
  while (left > 0) {
    const n = Math.min(1448, left);
    left -= n;
    c.at(start + k * us(12)).send(false, n);
    if (k % 2 === 1 || left === 0) c.at(start + k * us(12) + rtt / 2).ack(true);
    k++;
  }
  c.at(start + k * us(12) + rtt / 2);
}

function scriptConnection(world: BulkWorld, rng: Rng, q: TimeQueue, t: number, midstream: boolean): void {
  const v6 = rng.chance(0.1);
  const client = rng.pick(v6 ? world.clients6 : world.clients4);
  const kind = rng.next();
  const silent = !v6 && kind < 0.02;
  const server = silent ? rng.pick(world.silent) : rng.pick(v6 ? world.servers6 : world.servers4);
  const vlans = rng.chance(0.08) ? [rng.pick([10, 20, 30])] : undefined;
  const clientSyn = v6 ? V6_SYN : rng.chance(0.8) ? LINUX_SYN : OTHER_SYN;
  // a silent host is one service that stopped answering (a database), not a random port
  const serverPort = silent ? 5432 : rng.pick(SERVER_PORTS);
  const c = new TcpConn(q, rng, {
    client, clientPort: world.port(client), server, serverPort, vlans,
    clientSyn, serverSyn: v6 ? V6_SYN : LINUX_SYN,
  }, world.nextOrder);
  const rtt = us(rng.int(300, 60000));
  c.at(t);
  if (silent) {
    c.syn();
    const tries = rng.int(2, 6);
    for (let i = 0; i < tries; i++) c.after(sec(LINUX_SYN_BACKOFF_S[i])).syn();
    return;
  }
  if (kind < 0.06) {
    c.syn();
    c.after(rtt).refuse();
    return;
  }
  if (midstream) {
    c.cSeq = (c.isnC + 1 + rng.int(0, 1e6)) >>> 0;
    c.sSeq = (c.isnS + 1 + rng.int(0, 1e7)) >>> 0;
    c.cAck = c.sSeq;
    c.sAck = c.cSeq;
  } else if (kind < 0.09) {
    handshake(c, { rtt: ms(rng.int(200, 2500)) }); // slow handshake
  } else if (kind < 0.14) {
    handshake(c, { rtt, synLosses: rng.int(1, 2) });
  } else if (kind < 0.16) {
    // SYN-ACK lost on the way back: the server retransmits it after 1 s, the client its SYN
    c.syn();
    c.after(rtt).synAck();
    c.after(sec(1) - rtt).syn();
    c.after(rtt / 2).synAck();
    c.after(rtt / 2).handshakeAck();
  } else {
    handshake(c, { rtt });
  }
  const exchanges = rng.int(1, 4);
  for (let i = 0; i < exchanges; i++) {
    c.after(us(rng.int(100, 20000))).send(true, rng.int(60, 900));
    c.after(rtt + us(rng.int(50, 30000)));
    const len = weighted(rng, RESPONSE_SIZES, RESPONSE_WEIGHTS);
    if (len > 0) respond(c, rtt, len);
    else c.ack(false);
  }
  if (rng.chance(0.12)) c.after(ms(1)).rst(true, true);
  else closeFin(c, rtt, rng.chance(0.7));
}

function scriptNoise(world: BulkWorld, rng: Rng, q: TimeQueue, t: number): void {
  const a = rng.pick(world.clients4);
  const b = rng.pick(world.servers4);
  const r = rng.next();
  const frame = r < 0.5
    ? buildUdpFrame({ src: a, dst: b, ttl: 64 }, rng.int(32768, 60999), 53, dnsQuery(rng.int(0, 0xffff), 'svc.example.net'), rng.int(0, 0xffff))
    : r < 0.8 ? buildIcmpEchoFrame({ src: a, dst: b, ttl: 64 }, false, rng.int(1, 0xffff), 1, rng.int(0, 0xffff))
      : buildArpRequestFrame(a, b.ip);
  q.push({ kind: 'raw', t, frame, order: world.nextOrder() });
}

function scriptFloodBurst(world: BulkWorld, rng: Rng, q: TimeQueue, t: number, n: number, baseSec: number): void {
  const server = world.servers4[0];
  const secret = rng.u32();
  for (let i = 0; i < n; i++) {
    t += rng.exp(1e9 / 20000);
    const src = hostFromBytes(spoofedSource(i, 0xb01c));
    const c = new TcpConn(q, rng, { client: src, clientPort: rng.int(1024, 65535), server, serverPort: 443, clientWindow: 512, clientTtl: rng.int(40, 250), serverSyn: { mss: 1460 } }, world.nextOrder);
    c.at(t).syn();
    const isn = cookieIsn(secret, src.ip, server.ip, c.cfg.clientPort, 443, c.isnC, baseSec + t / 1e9, 536);
    c.after(us(25)).synAck({ seq: isn, options: cookieSynAckOptions(undefined, 1460, 0) });
  }
}

/** Writes the bulk mix to `w` (and `also`) until `w` holds `targetBytes`; does not close writers. */
export function generateBulk(w: CaptureWriter, o: BulkOptions): BulkStats {
  const rng = new Rng(o.seed);
  const world = new BulkWorld(rng);
  const q = new TimeQueue();
  const baseSec = o.baseSec ?? DEFAULT_BASE_SEC;
  const rate = o.connectionsPerSecond ?? 1000;
  const stats: BulkStats = { packets: 0, connections: 0, floodSyns: 0, bytes: 0, durationNs: 0 };
  let t = ms(1);
  let flooded = false;
  for (let i = 0; i < 20; i++) scriptConnection(world, rng, q, t + us(i * 50), true);
  const drainBefore = (limit: number): boolean => {
    let p: GenPacket | undefined;
    while ((p = q.peek()) && p.t < limit) {
      q.pop();
      writePacket(w, baseSec, p, o.also);
      stats.packets++;
      stats.durationNs = p.t;
      if (w.size >= o.targetBytes) return false;
    }
    return true;
  };
  for (;;) {
    t += Math.max(1, Math.round(rng.exp(1e9 / rate)));
    if (!drainBefore(t)) break;
    if (!flooded && w.size >= o.targetBytes * 0.4) {
      flooded = true;
      // the burst scales with the file so every size has one of similar shape
      stats.floodSyns = Math.max(2000, Math.round(o.targetBytes / 5000));
      scriptFloodBurst(world, rng, q, t, stats.floodSyns, baseSec);
    }
    if (rng.chance(0.06)) scriptNoise(world, rng, q, t);
    else {
      scriptConnection(world, rng, q, t, rng.chance(0.005));
      stats.connections++;
    }
  }
  stats.bytes = w.size;
  return stats;
}
