/**
 * Server-side captures of a few services with Poisson arrivals, for listener health and the
 * baseline-vs-incident diff: the same mix with a different seed is a "no change" pair; an
 * injection changes exactly one service from a known time (test/fixtures/listeners/README.md).
 *
 * The capture point is next to the servers: SYN → SYN-ACK is the server's own time (tens of
 * µs plus any injected delay), SYN-ACK → ACK is the path back to the client and its stack.
 */
import { ms, sec, us } from '../packet';
import { Scenario } from '../scenario';
import { closeFin, exchange, LINUX_SYN_BACKOFF_S, PortAllocator } from '../scripts';
import { LINUX_SYN, type SynOptions } from '../tcpConn';
import type { Rng } from '../prng';

export interface Service {
  ip: string;
  port: number;
  /** New connections per second. */
  rate: number;
  /** Median server time (SYN → SYN-ACK), ns; spread lognormal with σ = 0.3. */
  serverNs: number;
  /** Median path RTT (SYN-ACK → ACK), ns; lognormal with σ = 0.3. */
  pathNs: number;
  syn?: SynOptions;
}

export type Injection =
  /** From `fromSec`, every SYN-ACK of service `service` leaves `extraNs` later. */
  | { kind: 'delay'; service: number; fromSec: number; extraNs: number }
  /** From `fromSec` the port is closed: SYNs are answered with RST+ACK. */
  | { kind: 'closed'; service: number; fromSec: number }
  /** From `fromSec` the server's SYN-ACK carries this MSS. */
  | { kind: 'mss'; service: number; fromSec: number; mss: number }
  /** From `fromSec` a share of SYNs is dropped (a full backlog): the client retries after 1 s. */
  | { kind: 'backlog'; service: number; fromSec: number; dropShare: number };

export interface ListenerMix {
  services: Service[];
  durationSec: number;
  inject?: Injection[];
  /** A request and response on each connection (default true); handshake and close only when false. */
  exchange?: boolean;
}

export const DEFAULT_MIX: ListenerMix = {
  durationSec: 40,
  services: [
    { ip: '198.51.100.10', port: 443, rate: 20, serverNs: us(40), pathNs: ms(8) },
    { ip: '198.51.100.10', port: 80, rate: 8, serverNs: us(35), pathNs: ms(12) },
    { ip: '198.51.100.11', port: 443, rate: 15, serverNs: us(50), pathNs: ms(20) },
    { ip: '198.51.100.12', port: 5432, rate: 10, serverNs: ms(1.5), pathNs: us(300) },
  ],
};

function lognormal(rng: Rng, median: number, sigma: number): number {
  // Box-Muller: one normal draw per call is enough here.
  const u = Math.max(1e-12, rng.next());
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  return median * Math.exp(sigma * z);
}

export function listenerMix(seed: number, mix: ListenerMix = DEFAULT_MIX, name = 'listener-mix'): Scenario {
  const sc = new Scenario(name, seed);
  const clients = Array.from({ length: 64 }, (_, i) => sc.host(`203.0.113.${10 + i}`));
  const ports = new PortAllocator(33000 + sc.rng.int(0, 20000));
  mix.services.forEach((svc, si) => {
    const server = sc.host(svc.ip);
    const rng = sc.rng.fork();
    const active = (kind: Injection['kind'], t: number): Injection | undefined =>
      mix.inject?.find((j) => j.kind === kind && j.service === si && t >= sec(j.fromSec));
    for (let t = rng.exp(sec(1) / svc.rate); t < sec(mix.durationSec); t += rng.exp(sec(1) / svc.rate)) {
      const mss = active('mss', t) as { mss: number } | undefined;
      const serverSyn = { ...(svc.syn ?? LINUX_SYN), ...(mss ? { mss: mss.mss } : {}) };
      const c = sc.conn({ client: rng.pick(clients), clientPort: ports.take(), server, serverPort: svc.port, clientSyn: LINUX_SYN, serverSyn });
      c.at(t);
      if (active('closed', t)) {
        c.syn();
        c.after(us(20)).refuse();
        continue;
      }
      const backlog = active('backlog', t) as { dropShare: number } | undefined;
      if (backlog && rng.chance(backlog.dropShare)) {
        c.syn();
        c.after(sec(LINUX_SYN_BACKOFF_S[0]));
      }
      const delay = active('delay', t) as { extraNs: number } | undefined;
      const path = lognormal(rng, svc.pathNs, 0.3);
      c.syn();
      c.after(lognormal(rng, svc.serverNs, 0.3) + (delay?.extraNs ?? 0)).synAck();
      c.after(path).handshakeAck();
      if (mix.exchange !== false) exchange(c, path, 200, 1500, us(300));
      closeFin(c, path, true);
    }
  });
  return sc;
}

/** The checked-in fixtures (test/fixtures/listeners): a smaller mix, handshake and close only. */
export const FIXTURE_MIX: ListenerMix = {
  durationSec: 30,
  exchange: false,
  services: DEFAULT_MIX.services.map((s) => ({ ...s, rate: s.rate / 2 })),
};

export interface ListenerFixture {
  file: string;
  seed: number;
  inject: Injection[];
  /** What changed, in words (the fixture README and facts). */
  change: string;
}

export const LISTENER_FIXTURES: ListenerFixture[] = [
  { file: 'baseline.pcap.gz', seed: 101, inject: [], change: 'none: the baseline' },
  { file: 'no-change.pcap.gz', seed: 202, inject: [], change: 'none: the same mix with another seed' },
  { file: 'delay.pcap.gz', seed: 303, inject: [{ kind: 'delay', service: 2, fromSec: 0, extraNs: ms(30) }], change: '198.51.100.11:443 answers every SYN 30 ms later' },
  { file: 'delay-at-15.5s.pcap.gz', seed: 404, inject: [{ kind: 'delay', service: 2, fromSec: 15.5, extraNs: ms(30) }], change: '198.51.100.11:443 answers 30 ms later from 15.5 s after the base time' },
  { file: 'closed.pcap.gz', seed: 505, inject: [{ kind: 'closed', service: 1, fromSec: 0 }], change: '198.51.100.10:80 is closed: every SYN is refused' },
  { file: 'mss.pcap.gz', seed: 606, inject: [{ kind: 'mss', service: 0, fromSec: 0, mss: 1360 }], change: '198.51.100.10:443 announces MSS 1360 instead of 1460' },
  { file: 'backlog.pcap.gz', seed: 707, inject: [{ kind: 'backlog', service: 3, fromSec: 0, dropShare: 0.3 }], change: '198.51.100.12:5432 drops 30 % of SYNs (the client retries after 1 s)' },
];
