/** SYN floods from spoofed sources answered with SYN cookies, with and without legitimate clients. */
import { hostFromBytes, ipv4FromU32, type Host } from '../net';
import { ms, sec, us } from '../packet';
import { scramble32 } from '../prng';
import { Scenario } from '../scenario';
import { closeFin, exchange, PortAllocator } from '../scripts';
import { cookieIsn, cookieSynAckOptions } from '../synCookies';
import { LINUX_SYN } from '../tcpConn';

/** Public-looking first octets for spoofed sources (none private, loopback or multicast). */
const SPOOF_OCTETS = [23, 45, 77, 89, 103, 141, 177, 201];

/** The i-th spoofed source: distinct for every i < 2^27. */
export function spoofedSource(i: number, salt: number): Uint8Array {
  const low = scramble32(((i >>> 3) ^ salt) >>> 0) & 0xffffff;
  return ipv4FromU32(((SPOOF_OCTETS[i & 7] << 24) | low) >>> 0);
}

export interface FloodScript {
  server: Host;
  port: number;
  start: number;
  /** Spoofed SYNs per second and how long. */
  rate: number;
  duration: number;
  /** Share of spoofed addresses that are live hosts and answer the SYN-ACK with RST. */
  liveShare: number;
  secret: number;
  firstSource: number;
}

/** Spoofed SYNs (bare, hping3-like) and the server's cookie SYN-ACKs, seen at the server. */
export function scriptFlood(sc: Scenario, f: FloodScript): number {
  const n = Math.round(f.rate * f.duration / 1e9);
  let t = f.start;
  for (let i = 0; i < n; i++) {
    t += sc.rng.exp(1e9 / f.rate);
    const src = hostFromBytes(spoofedSource(f.firstSource + i, 0x51a7));
    const c = sc.conn({
      client: src, clientPort: sc.rng.int(1024, 65535), server: f.server, serverPort: f.port,
      clientSyn: undefined, clientWindow: 512, clientTtl: sc.rng.int(40, 250), serverSyn: { mss: 1460 },
    });
    c.at(t).syn();
    const isn = cookieIsn(f.secret, src.ip, f.server.ip, c.cfg.clientPort, f.port, c.isnC, (sc.baseSec + t / 1e9), 536);
    c.after(us(25)).synAck({ seq: isn, options: cookieSynAckOptions(undefined, 1460, 0) });
    if (sc.rng.chance(f.liveShare)) c.after(ms(sc.rng.int(20, 250))).emit(true, 0x04, c.isnC + 1, 0, 0, 0, undefined);
  }
  return n;
}

/** A legitimate client during the flood: cookie SYN-ACK, maybe a dropped SYN, a request. */
export function scriptLegitDuringFlood(sc: Scenario, server: Host, port: number, client: Host, clientPort: number, t: number, secret: number, dropSyn: boolean): void {
  const c = sc.conn({ client, clientPort, server, serverPort: port, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
  const rtt = ms(sc.rng.int(60, 240)); // the client's path and the busy server add delay
  c.at(t);
  if (dropSyn) {
    c.syn(); // the server's queue was full and it dropped this SYN; the client retries after 1 s
    c.after(sec(1));
  }
  const syn = c.syn();
  const isn = cookieIsn(secret, client.ip, server.ip, clientPort, port, c.isnC, sc.baseSec + c.now / 1e9, 1460);
  c.after(us(40)).synAck({ seq: isn, options: cookieSynAckOptions(syn.options, 1460, Math.floor(c.now / 1e6)) });
  // The cookie ISN replaces the ISN the connection would have had, so continue from it.
  c.sSeq = (isn + 1) >>> 0;
  c.cAck = c.sSeq;
  c.after(rtt).ack(true);
  exchange(c, rtt, 350, 2200, ms(15));
  closeFin(c, rtt);
}

/** Healthy connections before the flood, so the change is visible. */
function baseline(sc: Scenario, server: Host, port: number, n: number, span: number): void {
  const ports = new PortAllocator(40000);
  for (let i = 0; i < n; i++) {
    const client = sc.host(`192.0.2.${10 + (i % 40)}`);
    const c = sc.conn({ client, clientPort: ports.take(), server, serverPort: port, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    const rtt = ms(sc.rng.int(15, 40));
    c.at((i * span) / n + ms(1)).syn();
    c.after(us(30)).synAck();
    c.after(rtt).handshakeAck();
    exchange(c, rtt, 350, 2200, ms(2));
    closeFin(c, rtt);
  }
}

/** 0.6 s of spoofed SYNs at 1000/s answered with cookies; three legitimate clients still get in. */
export function synFloodCookies(seed: number): Scenario {
  const sc = new Scenario('syn-flood-cookies', seed);
  const server = sc.host('198.51.100.80');
  const secret = sc.rng.u32();
  baseline(sc, server, 80, 4, sec(1));
  scriptFlood(sc, { server, port: 80, start: sec(1), rate: 1000, duration: sec(0.6), liveShare: 0.03, secret, firstSource: 0 });
  for (let i = 0; i < 3; i++) {
    scriptLegitDuringFlood(sc, server, 80, sc.host(`192.0.2.${100 + i}`), 43000 + i, sec(1.1 + 0.2 * i), secret, i === 1);
  }
  return sc;
}

/**
 * The flood story with its victims: a steady stream of legitimate clients before, during and
 * after a flood; during it their handshakes are slower and some SYNs are retransmitted.
 */
export function synFloodLegitClients(seed: number): Scenario {
  const sc = new Scenario('syn-flood-legit-clients', seed);
  const server = sc.host('198.51.100.80');
  const secret = sc.rng.u32();
  baseline(sc, server, 443, 12, sec(3));
  scriptFlood(sc, { server, port: 443, start: sec(3), rate: 600, duration: sec(1), liveShare: 0.02, secret, firstSource: 0 });
  const ports = new PortAllocator(46000);
  for (let i = 0; i < 8; i++) {
    scriptLegitDuringFlood(sc, server, 443, sc.host(`203.0.113.${20 + i}`), ports.take(), sec(3.05 + i * 0.12), secret, i % 3 === 1);
  }
  for (let i = 0; i < 3; i++) {
    const post = sc.conn({ client: sc.host(`192.0.2.${11 + i}`), clientPort: 47000 + i, server, serverPort: 443, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    post.at(sec(7 + i)).syn();
    post.after(us(30)).synAck();
    post.after(ms(20)).handshakeAck();
    exchange(post, ms(20), 350, 2200, ms(2));
    closeFin(post, ms(20));
  }
  return sc;
}
