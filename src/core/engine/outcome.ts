/** How a flow's handshake ended, in the terms the findings use. */
import type { Summary } from './result';

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

/** What the outcome depends on (a Flow has it all; so has the engine's FlowFacts). */
export interface OutcomeInput {
  complete: boolean;
  syn: number;
  synAck: number;
  reset: null | 'client' | 'server' | 'both';
}

export function outcomeOf(f: OutcomeInput): Outcome {
  if (f.complete) return 'complete';
  if (f.syn === 0) return 'other';
  if (f.synAck > 0) return f.reset ? 'reset' : 'half-open';
  if (f.reset === 'server' || f.reset === 'both') return 'refused';
  if (f.reset === 'client') return 'reset';
  // No SYN-ACK and no RST from the server (at most a bare ACK): unanswered.
  return 'unanswered';
}

/** Adds a finished flow (or a live one, as it stands) to the summary's counts. */
export function countFlow(s: Omit<Summary, 'findings'>, f: OutcomeInput & { synRetx: number; synAckRetx: number }, outcome: Outcome): void {
  // Counted by 0 or 1, no branch: a count first reached late (the first half-open flow) had no
  // type feedback and threw away the compiled code of retire, which inlines this.
  s.flows++;
  s.handshakesComplete += f.complete ? 1 : 0;
  s.syn += f.syn;
  s.synRetransmissions += f.synRetx;
  s.synAck += f.synAck;
  s.synAckRetransmissions += f.synAckRetx;
  s.refused += outcome === 'refused' ? 1 : 0;
  s.halfOpen += outcome === 'half-open' ? 1 : 0;
  s.reset += f.reset !== null ? 1 : 0;
}
