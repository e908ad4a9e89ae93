/** How a flow's handshake ended, in the terms the findings use. */
import type { Flow } from './result';

export type Outcome =
  /** Handshake completed. */
  | 'complete'
  /** Server sent a SYN-ACK, the handshake never completed, nobody reset it. */
  | 'half-open'
  /** Client SYN(s), nothing back from the server. */
  | 'unanswered'
  /** Client SYN answered by a server RST, no SYN-ACK. */
  | 'refused'
  /** A RST ended the handshake after the SYN-ACK, or the client gave up with a RST. */
  | 'reset'
  /** No client SYN in the capture (mid-stream, backscatter, lone packets). */
  | 'other';

export function outcomeOf(f: Flow): Outcome {
  if (f.handshake.complete) return 'complete';
  if (f.syn === 0) return 'other';
  if (f.synAck > 0) return f.reset ? 'reset' : 'half-open';
  if (f.reset === 'server' || f.reset === 'both') return 'refused';
  if (f.reset === 'client') return 'reset';
  if (f.packets.server === 0) return 'unanswered';
  // The server sent something (a bare ACK) but never a SYN-ACK or RST.
  return 'unanswered';
}
