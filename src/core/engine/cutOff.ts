/**
 * Whether the end of the capture cut a handshake off: the side it waits on (the client for an
 * unanswered SYN, the server for an unacknowledged SYN-ACK) would not yet have retransmitted
 * when the capture stopped, so nothing can be said about the answer yet.
 */
import { V_LAST_SYN_NS, V_LAST_SYN_SEC, V_LAST_SYNACK_NS, V_LAST_SYNACK_SEC, V_SYN, V_SYN_ACK, type FlowState } from './flowState';
import { diffSeconds } from './time';

/**
 * The first retransmission is due after the initial RTO (RFC 6298: 1 s, what Linux uses; a
 * stack that waits longer is only called cut off sooner). Once the waiting side has
 * retransmitted, the capture has shown a whole timeout pass unanswered: not cut off.
 */
const FIRST_RETRY_SECONDS = 1;

export function cutOffByEnd(f: FlowState, client: number, endSec: number, endNs: number): boolean {
  const a = f.s.a;
  const server = 1 - client;
  const answered = a[f.o + V_SYN_ACK + server] > 0;
  if (!answered && a[f.o + V_SYN + client] === 0) return false;
  const side = answered ? server : client;
  const sec = a[f.o + (answered ? V_LAST_SYNACK_SEC : V_LAST_SYN_SEC) + side];
  const ns = a[f.o + (answered ? V_LAST_SYNACK_NS : V_LAST_SYN_NS) + side];
  if (a[f.o + (answered ? V_SYN_ACK : V_SYN) + side] !== 1) return false;
  return diffSeconds(endSec, endNs, sec, ns) < FIRST_RETRY_SECONDS;
}
