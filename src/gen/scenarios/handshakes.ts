/** Named scenarios about single handshakes: healthy ones and each way one goes wrong. */
import { ms, sec, us } from '../packet';
import { Scenario } from '../scenario';
import { closeFin, exchange, handshake, LINUX_SYN_BACKOFF_S, PortAllocator } from '../scripts';
import { LINUX_SYN, type SynOptions } from '../tcpConn';

const WINDOWS_SYN: SynOptions = { mss: 1460, wscale: 8, sackPerm: true };

/** Healthy handshakes with a request each and an orderly close; packet comments explain them. */
export function healthy(seed: number): Scenario {
  const sc = new Scenario('healthy', seed);
  const client = sc.host('192.0.2.10');
  const ports = new PortAllocator(41000 + sc.rng.int(0, 1000));
  const servers = [sc.host('198.51.100.20'), sc.host('198.51.100.21')];
  const rtts = [ms(12.4), ms(23.9), ms(8.1), ms(31.7), ms(15.2), ms(19.6)];
  let t = ms(5);
  rtts.forEach((rtt, i) => {
    const c = sc.conn({
      client, clientPort: ports.take(), server: servers[i % 2], serverPort: i % 3 === 0 ? 443 : 80,
      clientSyn: i === 4 ? WINDOWS_SYN : LINUX_SYN, serverSyn: LINUX_SYN,
    });
    c.at(t);
    handshake(c, {
      rtt,
      comments: i === 0 ? { syn: 'client opens: SYN with MSS, SACK-permitted, timestamps, window scale', synAck: 'server accepts: SYN-ACK one RTT later', ack: 'handshake complete: final ACK' } : undefined,
    });
    exchange(c, rtt, 180 + i * 20, 900 + i * 300, ms(2), i === 0 ? { req: 'request', resp: 'response' } : undefined);
    closeFin(c, rtt, i % 2 === 0);
    t += ms(150) + sc.rng.int(0, 50) * 1e6;
  });
  sc.dns(ms(1), client, sc.host('192.0.2.53'), 'example.org');
  return sc;
}

/**
 * Server-side capture of an SMTP server (the server speaks first, so the client sends nothing
 * until the banner): the client's final ACK is lost twice, so the server retransmits its
 * SYN-ACK after 1 s and 2 s more; the third ACK arrives and the banner follows.
 */
export function lostFinalAck(seed: number): Scenario {
  const sc = new Scenario('lost-final-ack', seed);
  const c = sc.conn({ client: sc.host('203.0.113.50'), clientPort: 51522, server: sc.host('192.0.2.25'), serverPort: 25, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
  const rtt = ms(40);
  c.at(ms(3)).syn();
  c.after(us(40)).synAck();
  // client's ACK (sent at +rtt) lost; Linux retransmits the SYN-ACK after 1 s, then 2 s
  c.after(sec(1)).synAck();
  c.after(sec(2)).synAck();
  c.after(rtt).handshakeAck();
  c.after(ms(1)).send(false, 48); // 220 banner
  c.after(rtt).send(true, 22); // EHLO
  c.after(ms(1)).send(false, 160);
  c.after(rtt).send(true, 6); // QUIT
  c.after(ms(1)).send(false, 30);
  closeFin(c, rtt, false);
  return sc;
}

/** A client SYNs a host that never answers: SYN retransmissions after 1, 2, 4, 8, 16, 32 s. */
export function silentHost(seed: number): Scenario {
  const sc = new Scenario('silent-host', seed);
  const c = sc.conn({ client: sc.host('192.0.2.77'), clientPort: 45678, server: sc.host('198.51.100.99'), serverPort: 8443, clientSyn: LINUX_SYN });
  c.at(ms(2)).syn();
  for (const gap of LINUX_SYN_BACKOFF_S) c.after(sec(gap)).syn();
  return sc;
}

/** SYNs to closed ports answered by RST+ACK; the client retries once, then gives up. */
export function refused(seed: number): Scenario {
  const sc = new Scenario('refused', seed);
  const client = sc.host('192.0.2.30');
  const server = sc.host('198.51.100.40');
  const ports = new PortAllocator(50100);
  let t = ms(1);
  for (const port of [8080, 8080, 9000]) {
    const c = sc.conn({ client, clientPort: ports.take(), server, serverPort: port, clientSyn: LINUX_SYN });
    c.at(t).syn();
    c.after(ms(0.6)).refuse();
    t += ms(500);
  }
  // a healthy connection to an open port on the same host, for contrast
  const ok = sc.conn({ client, clientPort: ports.take(), server, serverPort: 22, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
  ok.at(t);
  handshake(ok, { rtt: ms(0.6) });
  exchange(ok, ms(0.6), 40, 40);
  closeFin(ok, ms(0.6));
  return sc;
}

/** A server whose SYN-ACKs come late (accept queue busy) next to fast ones. */
export function slowServer(seed: number): Scenario {
  const sc = new Scenario('slow-server', seed);
  const client = sc.host('192.0.2.60');
  const fast = sc.host('198.51.100.61');
  const slow = sc.host('198.51.100.62');
  const ports = new PortAllocator(38000);
  let t = ms(1);
  const plan: Array<[typeof fast, number]> = [
    [fast, ms(9.8)], [slow, ms(412)], [fast, ms(10.3)], [slow, ms(1180)], [slow, ms(655)], [fast, ms(9.5)], [slow, ms(2390)],
  ];
  for (const [server, rtt] of plan) {
    const c = sc.conn({ client, clientPort: ports.take(), server, serverPort: 443, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    c.at(t);
    handshake(c, { rtt });
    exchange(c, ms(10), 517, 2800, ms(3));
    closeFin(c, ms(10));
    t += ms(300);
  }
  return sc;
}

/** Both ends send SYN at once (RFC 9293 §3.5 figure 8); each answers with SYN-ACK. */
export function simultaneousOpen(seed: number): Scenario {
  const sc = new Scenario('simultaneous-open', seed);
  const c = sc.conn({ client: sc.host('192.0.2.5'), clientPort: 40000, server: sc.host('192.0.2.6'), serverPort: 40001, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
  c.at(ms(1)).syn();
  c.after(us(150)).serverSyn();
  c.after(ms(5)).clientSynAck();
  c.after(us(120)).synAck();
  c.after(ms(2)).send(true, 64);
  c.after(ms(5)).send(false, 64);
  c.after(us(50)).ack(true);
  closeFin(c, ms(5));
  return sc;
}

/** TCP Fast Open: first a cookie request, later a SYN carrying the cookie and the request. */
export function tfo(seed: number): Scenario {
  const sc = new Scenario('tfo', seed);
  const client = sc.host('192.0.2.90');
  const server = sc.host('198.51.100.91');
  const cookie = Uint8Array.from({ length: 8 }, () => sc.rng.int(0, 255));
  const rtt = ms(25);
  const first = sc.conn({ client, clientPort: 47000, server, serverPort: 80, clientSyn: { ...LINUX_SYN, tfo: 'request' }, serverSyn: { ...LINUX_SYN, tfo: cookie } });
  first.at(ms(1));
  handshake(first, { rtt });
  exchange(first, rtt, 120, 1200);
  closeFin(first, rtt);
  const get = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: synscope-gen\r\n\r\n');
  const second = sc.conn({ client, clientPort: 47001, server, serverPort: 80, clientSyn: { ...LINUX_SYN, tfo: cookie }, serverSyn: LINUX_SYN });
  second.at(sec(2)).syn({ data: get.length, payload: get });
  // the server accepts the data with the SYN and sends its response right behind the SYN-ACK
  second.after(rtt).synAck({ acceptData: true });
  second.after(us(20)).handshakeAck();
  second.after(us(30)).send(false, 1200);
  second.after(us(60)).ack(true);
  closeFin(second, rtt);
  return sc;
}

/** A 4-tuple used again: a finished connection, then a new SYN with a new ISN on the same ports. */
export function portReuse(seed: number): Scenario {
  const sc = new Scenario('port-reuse', seed);
  const client = sc.host('192.0.2.120');
  const server = sc.host('198.51.100.121');
  const rtt = ms(3);
  for (const t of [ms(1), sec(4), sec(9)]) {
    const c = sc.conn({ client, clientPort: 33333, server, serverPort: 6379, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    c.at(t);
    handshake(c, { rtt });
    exchange(c, rtt, 30, 12);
    closeFin(c, rtt);
  }
  return sc;
}

/** IPv6: healthy handshakes, one refused, one SYN retransmission. */
export function ipv6(seed: number): Scenario {
  const sc = new Scenario('ipv6', seed);
  const client = sc.host('2001:db8:10::5');
  const server = sc.host('2001:db8:20::80');
  const v6syn = { ...LINUX_SYN, mss: 1440 };
  const ports = new PortAllocator(55000);
  let t = ms(1);
  for (let i = 0; i < 4; i++) {
    const c = sc.conn({ client, clientPort: ports.take(), server, serverPort: 443, clientSyn: v6syn, serverSyn: v6syn });
    c.at(t);
    handshake(c, { rtt: ms(18 + i), synLosses: i === 2 ? 1 : 0 });
    exchange(c, ms(18), 300, 4000);
    closeFin(c, ms(18));
    t += sec(1.5);
  }
  const r = sc.conn({ client, clientPort: ports.take(), server, serverPort: 8443, clientSyn: v6syn });
  r.at(t).syn();
  r.after(ms(18)).refuse();
  return sc;
}

/** Traffic on VLANs 100 and 200 and in QinQ (outer 802.1ad 300, inner 10). */
export function vlan(seed: number): Scenario {
  const sc = new Scenario('vlan', seed);
  const ports = new PortAllocator(44000);
  const tags: Array<{ vlans: number[]; qinq?: boolean }> = [{ vlans: [100] }, { vlans: [200] }, { vlans: [300, 10], qinq: true }, { vlans: [100] }];
  let t = ms(1);
  tags.forEach((tag, i) => {
    const c = sc.conn({
      client: sc.host(`10.${tag.vlans[tag.vlans.length - 1]}.0.${5 + i}`), clientPort: ports.take(),
      server: sc.host(`10.${tag.vlans[tag.vlans.length - 1]}.1.1`), serverPort: 80,
      vlans: tag.vlans, qinq: tag.qinq, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN,
    });
    c.at(t);
    handshake(c, { rtt: ms(2 + i) });
    exchange(c, ms(2 + i), 200, 1500);
    closeFin(c, ms(2 + i));
    t += ms(250);
  });
  return sc;
}

/** The capture starts while connections are already open: data and teardown, no handshake. */
export function midstream(seed: number): Scenario {
  const sc = new Scenario('midstream', seed);
  const client = sc.host('192.0.2.140');
  const server = sc.host('198.51.100.141');
  for (let i = 0; i < 3; i++) {
    const c = sc.conn({ client, clientPort: 52000 + i, server, serverPort: 5432, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    // pretend the handshake happened before the capture started
    c.cAck = (c.isnS + 1 + 10000 * i) >>> 0;
    c.cSeq = (c.isnC + 1 + 5000 * i) >>> 0;
    c.sSeq = c.cAck;
    c.sAck = c.cSeq;
    c.at(ms(1 + 40 * i));
    exchange(c, ms(1), 120, 800);
    exchange(c, ms(1), 60, 4000);
    if (i === 2) c.after(ms(5)).rst(true, true);
    else closeFin(c, ms(1), i === 0);
  }
  return sc;
}
