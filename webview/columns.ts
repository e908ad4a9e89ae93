/** Flow table columns: header text, sort key and how a row's cell reads. */
import type { FlowRow, SortKey } from '../src/protocol/flowTable';
import { fmtDuration } from './format';

export interface Column {
  key: SortKey;
  title: string;
  tooltip: string;
  /** CSS class for width/alignment (styles.css). */
  cls: string;
  text(r: FlowRow): string;
  /** Tooltip of a cell when the text is an abbreviation (default: the text). */
  hint?(r: FlowRow): string;
}

/**
 * Most telling first: what went wrong (Findings) and how slow (RTT) come right after the
 * endpoints and state, so a narrow editor shows them without scrolling sideways. The split
 * RTTs (c-split) and the counts and history (c-minor, also in the diagram) follow, and hide
 * when the table is narrow (styles.css).
 */
export const COLUMNS: Column[] = [
  { key: 'id', title: '#', tooltip: 'Flow number (order of first packet)', cls: 'c-id num', text: (r) => String(r.id) },
  { key: 'client', title: 'Client', tooltip: 'Client ip:port (sent the SYN)', cls: 'c-addr', text: (r) => r.client },
  { key: 'server', title: 'Server', tooltip: 'Server ip:port', cls: 'c-addr', text: (r) => r.server },
  { key: 'state', title: 'State', tooltip: 'Zeek conn_state', cls: 'c-state', text: (r) => r.state },
  { key: 'rtt', title: 'RTT', tooltip: 'Handshake RTT: ACK − SYN', cls: 'c-rtt num', text: (r) => fmtDuration(r.rtt) },
  { key: 'findings', title: 'Findings', tooltip: 'Findings on this flow', cls: 'c-find', text: (r) => findingsCell(r.findings), hint: (r) => r.findings.join(', ') },
  { key: 'serverRtt', title: 'Server RTT', tooltip: 'SYN-ACK − SYN', cls: 'c-rtt num c-split', text: (r) => fmtDuration(r.serverRtt) },
  { key: 'clientRtt', title: 'Client RTT', tooltip: 'ACK − SYN-ACK', cls: 'c-rtt num c-split', text: (r) => fmtDuration(r.clientRtt) },
  { key: 'syn', title: 'SYN', tooltip: 'SYNs sent by the client (retransmissions included)', cls: 'c-n num c-minor', text: (r) => String(r.syn) },
  { key: 'synAck', title: 'SYN-ACK', tooltip: 'SYN-ACKs sent by the server', cls: 'c-n num c-minor', text: (r) => String(r.synAck) },
  { key: 'history', title: 'History', tooltip: 'Zeek history (uppercase = client)', cls: 'c-hist c-minor', text: (r) => r.history },
];

/** The first finding and how many more ("unanswered-syn +2"): the full list never fits a column. */
export function findingsCell(codes: readonly string[]): string {
  if (codes.length === 0) return '';
  return codes.length === 1 ? codes[0]! : `${codes[0]} +${codes.length - 1}`;
}
