/** One line per finding code, shared by SARIF rules and the table legend (docs/findings.md has the long form). */
import type { FindingCode } from '../engine/result';

export const FINDING_TITLES: Record<FindingCode, string> = {
  'syn-flood': 'SYN flood: many half-open connections to one target from many sources',
  'half-open': 'The server answered with a SYN-ACK but the handshake never completed',
  'capture-limits': 'More flows were live at once than maxLiveFlows allows: some were finished early and their later packets not analysed',
  'incomplete-at-end': 'A handshake was still in progress when the capture ended (no retransmission was due yet)',
  'unanswered-syn': 'A SYN got no answer at all',
  'syn-retransmission': 'The client had to retransmit its SYN before the server answered',
  'synack-retransmission': 'The server retransmitted its SYN-ACK (the final ACK was lost or late)',
  'slow-handshake': 'The server or the path answered the handshake slower than the threshold or than its server usually needs',
  refused: 'The server answered the SYN with a RST (nothing listening, or a firewall)',
  'reset-during-handshake': 'A RST ended the connection before the handshake completed',
  'simultaneous-open': 'Both sides sent a SYN (simultaneous open)',
  'port-reuse': 'A new connection reused a 4-tuple seen earlier in the capture',
  'options-mismatch': 'The SYN-ACK accepted TCP options the SYN did not offer, or out-of-range values',
  'capture-damaged': 'The capture file is damaged; packets after the damage were not read',
  'server-limit': 'Too many server endpoints (a port scan): per-server checks left some flows out',
  'connection-churn': 'A client opens a new connection for (almost) every request',
  'slow-connect': 'Connects waited far longer than normal loss recovery explains',
  'connect-pileup': 'Many connects to one target were pending at the same time',
};

/** Anchor of a code's section in docs/findings.md. */
export function findingDocUrl(code: FindingCode): string {
  return `https://github.com/synscope/synscope/blob/main/docs/findings.md#${code}`;
}
