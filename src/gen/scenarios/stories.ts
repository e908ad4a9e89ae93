/**
 * The stories synscope tells, and look-alikes that must NOT be told as those stories.
 */
import { ms, sec, us } from '../packet';
import { Scenario } from '../scenario';
import { closeFin, exchange, handshake, LINUX_SYN_BACKOFF_S, PortAllocator } from '../scripts';
import { LINUX_SYN } from '../tcpConn';

/**
 * Connection storm: one client opens a new connection for every request to the same server,
 * 50 per second for 4 s, each short-lived with a single request.
 */
export function connectionStorm(seed: number): Scenario {
  const sc = new Scenario('connection-storm', seed);
  const client = sc.host('10.1.1.5');
  const server = sc.host('10.1.2.20');
  const ports = new PortAllocator(35000 + sc.rng.int(0, 500));
  for (let i = 0; i < 200; i++) {
    const rtt = us(sc.rng.int(300, 900));
    const c = sc.conn({ client, clientPort: ports.take(), server, serverPort: 8080, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    c.at(ms(1) + i * ms(20) + us(sc.rng.int(0, 3000)));
    handshake(c, { rtt });
    exchange(c, rtt, 160, 420, ms(sc.rng.int(1, 4)));
    closeFin(c, rtt);
  }
  return sc;
}

/**
 * Hanging connects: an application without a connect timeout keeps opening connections to a
 * database that stopped answering. Every attempt retransmits its SYN (1, 2, 4, 8, 16, 32 s),
 * so pending connects pile up. A few connections to a healthy service run alongside.
 */
export function hangingConnects(seed: number): Scenario {
  const sc = new Scenario('hanging-connects', seed);
  const apps = [sc.host('10.2.0.11'), sc.host('10.2.0.12'), sc.host('10.2.0.13')];
  const db = sc.host('10.2.5.40');
  const healthy = sc.host('10.2.5.41');
  const ports = new PortAllocator(39000);
  const end = sec(45);
  for (let i = 0; i < 60; i++) {
    const c = sc.conn({ client: apps[i % 3], clientPort: ports.take(), server: db, serverPort: 5432, clientSyn: LINUX_SYN });
    c.at(ms(100) + i * ms(500) + ms(sc.rng.int(0, 80))).syn();
    for (const gap of LINUX_SYN_BACKOFF_S) {
      c.after(sec(gap));
      if (c.now > end) break;
      c.syn();
    }
  }
  for (let i = 0; i < 8; i++) {
    const c = sc.conn({ client: apps[i % 3], clientPort: ports.take(), server: healthy, serverPort: 6379, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    c.at(sec(1 + 5 * i));
    handshake(c, { rtt: us(400) });
    exchange(c, us(400), 40, 20);
    closeFin(c, us(400));
  }
  return sc;
}

/** Not a storm: a keep-alive client sends many requests over a few long-lived connections. */
export function keepAliveClient(seed: number): Scenario {
  const sc = new Scenario('keepalive-client', seed);
  const client = sc.host('10.1.1.6');
  const server = sc.host('10.1.2.20');
  const rtt = us(600);
  for (let k = 0; k < 3; k++) {
    const c = sc.conn({ client, clientPort: 36000 + k, server, serverPort: 8080, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    c.at(ms(1 + k * 7));
    handshake(c, { rtt });
    for (let i = 0; i < 70; i++) {
      exchange(c, rtt, 160, 420, ms(2));
      c.after(ms(40));
    }
    closeFin(c, rtt);
  }
  return sc;
}

/** Not a pile-up: a client with a 3 s connect timeout gives up (one SYN retransmission), then succeeds elsewhere. */
export function clientGivesUp(seed: number): Scenario {
  const sc = new Scenario('client-gives-up', seed);
  const client = sc.host('10.3.0.7');
  const down = sc.host('10.3.1.1');
  const backup = sc.host('10.3.1.2');
  const c = sc.conn({ client, clientPort: 41000, server: down, serverPort: 443, clientSyn: LINUX_SYN });
  c.at(ms(1)).syn();
  c.after(sec(1)).syn();
  // at 3 s the application closes the socket: Linux sends nothing for a SYN_SENT socket
  const ok = sc.conn({ client, clientPort: 41001, server: backup, serverPort: 443, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
  ok.at(sec(3) + ms(2));
  handshake(ok, { rtt: ms(4) });
  exchange(ok, ms(4), 517, 3000, ms(2));
  closeFin(ok, ms(4));
  return sc;
}

/**
 * Not a flood and not a storm: after a deploy, 40 clients reconnect within a second, each
 * once, all handshakes complete, and then they keep their connections.
 */
export function deployBurst(seed: number): Scenario {
  const sc = new Scenario('deploy-burst', seed);
  const server = sc.host('10.4.0.10');
  for (let i = 0; i < 40; i++) {
    const client = sc.host(`10.4.1.${10 + i}`);
    const rtt = us(sc.rng.int(300, 1500));
    const c = sc.conn({ client, clientPort: sc.rng.int(32768, 60999), server, serverPort: 9092, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    c.at(ms(sc.rng.int(0, 900)));
    handshake(c, { rtt });
    for (let k = 0; k < 3; k++) {
      exchange(c, rtt, 90, 200, ms(1));
      c.after(sec(1));
    }
  }
  return sc;
}
