/**
 * Zeek's conn_state codes in plain words. The table, chips and filters lead with the words and
 * keep the code beside them for people who know Zeek. Pure (the webview and tests import it).
 */
import type { ConnState } from '../core/engine/result';

const WORDS: Record<ConnState, string> = {
  SF: 'complete',
  S0: 'no answer',
  S1: 'open',
  S2: 'client closed',
  S3: 'server closed',
  REJ: 'refused',
  RSTO: 'reset by client',
  RSTR: 'reset by server',
  RSTOS0: 'client gave up (reset)',
  RSTRH: 'reset by server, no SYN seen',
  SH: 'no answer, client closed',
  SHR: 'server only, closed',
  OTH: 'mid-stream',
};

/**
 * Plain words for a flow's state. Zeek calls a connection S1 ("established, not terminated")
 * as soon as the SYN-ACK is seen, so S1 without the client's final ACK is the half-open
 * connection a SYN flood leaves behind, not an open one.
 */
export function stateWords(state: ConnState, handshakeComplete: boolean): string {
  if (state === 'S1' && !handshakeComplete) return 'half-open';
  return WORDS[state] ?? state;
}

/** Words for a state code alone (chips, the state filter): S1 may be open or half-open. */
export function stateCodeWords(state: string): string {
  if (state === 'S1') return 'open or half-open';
  return WORDS[state as ConnState] ?? state;
}

/** Finding codes in a few plain words, short enough for a table cell ("SYN-ACK resent +1"). */
export const FINDING_WORDS: Readonly<Record<string, string>> = {
  'syn-flood': 'SYN flood',
  'half-open': 'half-open',
  'incomplete-at-end': 'in progress at end',
  'unanswered-syn': 'no answer',
  'syn-retransmission': 'SYN resent',
  'synack-retransmission': 'SYN-ACK resent',
  'slow-handshake': 'slow handshake',
  refused: 'refused',
  'reset-during-handshake': 'reset in handshake',
  'simultaneous-open': 'simultaneous open',
  'port-reuse': 'port reused',
  'options-mismatch': 'options mismatch',
  'capture-damaged': 'capture damaged',
  'server-limit': 'server limit',
  'capture-limits': 'capture limits',
  'connection-churn': 'connection churn',
  'slow-connect': 'slow connect',
  'connect-pileup': 'connect pile-up',
};

export function findingWords(code: string): string {
  return FINDING_WORDS[code] ?? code;
}
