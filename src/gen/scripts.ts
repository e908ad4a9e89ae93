/**
 * Reusable pieces of connection scripts. Unless a scenario says otherwise the capture is
 * taken next to the client: its packets appear when sent, the server's one RTT later.
 */
import { sec, us } from './packet';
import type { TcpConn } from './tcpConn';

/** Linux SYN retransmission times after the first SYN (tcp_syn_retries = 6, RTO 1 s doubling). */
export const LINUX_SYN_BACKOFF_S = [1, 2, 4, 8, 16, 32];

export interface HandshakeScript {
  /** SYN → SYN-ACK as seen at the capture point, ns. */
  rtt: number;
  /** SYNs lost before one is answered (each retransmitted after the backoff). */
  synLosses?: number;
  /** First retransmission timeout, ns (Linux: 1 s). */
  rto?: number;
  /** Client's ACK delay after the SYN-ACK, ns. */
  ackDelay?: number;
  comments?: { syn?: string; synAck?: string; ack?: string };
}

/** SYN (+ retransmissions), SYN-ACK, ACK; leaves the cursor at the ACK. */
export function handshake(c: TcpConn, s: HandshakeScript): void {
  let rto = s.rto ?? sec(1);
  for (let i = 0; i < (s.synLosses ?? 0); i++) {
    c.syn();
    c.after(rto);
    rto *= 2;
  }
  c.syn({ comment: s.comments?.syn });
  c.after(s.rtt).synAck({ comment: s.comments?.synAck });
  c.after(s.ackDelay ?? us(60)).handshakeAck({ comment: s.comments?.ack });
}

/**
 * One request/response: client sends `req` bytes, the server answers `resp` bytes after
 * `rtt + serverTime`, the client acknowledges. Cursor ends at the client's ACK.
 */
export function exchange(c: TcpConn, rtt: number, req: number, resp: number, serverTime = 0, comments?: { req?: string; resp?: string }): void {
  c.after(us(200)).send(true, req, { comment: comments?.req });
  if (resp > 0) {
    c.after(rtt + serverTime).send(false, resp, { gap: us(30), comment: comments?.resp });
    c.after(us(80)).ack(true);
  } else {
    c.after(rtt).ack(false);
  }
}

/** Orderly close started by one side: FIN, FIN+ACK, ACK. */
export function closeFin(c: TcpConn, rtt: number, byClient = true): void {
  if (byClient) {
    c.after(us(300)).fin(true);
    c.after(rtt).fin(false);
    c.after(us(50)).ack(true);
  } else {
    c.after(us(300)).fin(false);
    c.after(us(100)).fin(true);
    c.after(rtt).ack(false);
  }
}

/** Ephemeral ports in Linux's default range (32768–60999), handed out in sequence. */
export class PortAllocator {
  constructor(private next: number) {}

  take(): number {
    const p = this.next;
    this.next = this.next >= 60999 ? 32768 : this.next + 1;
    return p;
  }
}
