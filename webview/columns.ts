/** Flow table columns: header text, sort key and how a row's cell reads. */
import type { FlowRow, SortKey } from '../src/protocol/flowTable';
import { findingWords, stateWords } from '../src/protocol/stateWords';
import { fmtBytes, fmtDuration, fmtInt } from './format';
import { formatStart, type TimeContext } from './timeFormat';

export interface Column {
  key: SortKey;
  title: string;
  tooltip: string;
  /** CSS class for alignment and font (styles.css). */
  cls: string;
  /** Width in px; for `grow` columns the least width, and they share what is left over. */
  w: number;
  grow?: number;
  /** 0: always shown; 1: shown, in list order, while the table is wide enough. */
  tier: 0 | 1;
  text(r: FlowRow, t: TimeContext): string;
  /** Tooltip of a cell when the text is an abbreviation (default: the text). */
  hint?(r: FlowRow, t: TimeContext): string;
  /** Only shown when the capture has something to show in it (VLANs, several interfaces). */
  optional?: 'vlan' | 'interface';
  /** A column that does not sort (its order is another column's, or it has none). */
  noSort?: true;
}

const pair = (c: number | null, s: number | null): string => (c === null && s === null ? '—' : `${c ?? '—'} / ${s ?? '—'}`);
const yes = (b: boolean): string => (b ? 'yes' : 'no');

/**
 * Most telling first: what went wrong (Findings) and how slow (RTT) come right after the
 * endpoints and state, so a narrow editor shows them without scrolling sideways. Then VLAN and
 * interface where the capture has them, the Conversations-style columns (start, duration,
 * packets and bytes each way, split RTTs) and the details (tcp.stream, counts, options,
 * history), as many as fit (`fitColumns`).
 */
export const COLUMNS: Column[] = [
  { key: 'id', title: 'Flow', w: 52, tier: 0, tooltip: 'Flow number, in order of first packet (as in the CLI, the Problems panel and the diagram)', cls: 'c-id num', text: (r) => String(r.id) },
  { key: 'client', title: 'Client', w: 152, grow: 2, tier: 0, tooltip: 'Client ip:port (sent the SYN)', cls: 'c-addr', text: (r) => r.client },
  { key: 'server', title: 'Server', w: 152, grow: 2, tier: 0, tooltip: 'Server ip:port', cls: 'c-addr', text: (r) => r.server },
  {
    key: 'state', title: 'State', w: 120, tier: 0, tooltip: 'How the connection went (Zeek conn_state in brackets)', cls: 'c-state',
    text: (r) => `${stateWords(r.state, r.handshakeComplete)} (${r.state})`,
    hint: (r) => `${stateWords(r.state, r.handshakeComplete)} — Zeek conn_state ${r.state}, history ${r.history}`,
  },
  { key: 'rtt', title: 'RTT', w: 70, tier: 0, tooltip: 'Handshake RTT: ACK − SYN', cls: 'c-rtt num', text: (r) => fmtDuration(r.rtt) },
  {
    key: 'findings', title: 'Findings', w: 120, grow: 1, tier: 0, tooltip: 'Findings on this flow', cls: 'c-find',
    text: (r) => findingsCell(r.findings), hint: (r) => r.findings.map((c) => `${findingWords(c)} (${c})`).join(', '),
  },
  { key: 'vlan', title: 'VLAN', w: 80, tier: 1, tooltip: 'VLAN ids, outer first', cls: 'c-vlan', text: (r) => r.vlan.join(' / ') || '—', optional: 'vlan' },
  { key: 'interface', title: 'Interface', w: 72, tier: 1, tooltip: 'pcapng interface id (frame.interface_id)', cls: 'c-n num', text: (r) => r.interfaces.join(', '), optional: 'interface' },
  {
    key: 'start', title: 'Start', w: 112, tier: 1, tooltip: 'First packet of the flow (see the Time menu above the table)', cls: 'c-time num',
    text: (r, t) => formatStart(r.start, r.previousStart, t), hint: (r, t) => `${formatStart(r.start, r.previousStart, t)} (epoch ${r.start})`,
  },
  { key: 'duration', title: 'Duration', w: 76, tier: 1, tooltip: 'First to last packet', cls: 'c-rtt num', text: (r) => fmtDuration(r.duration) },
  { key: 'packetsClient', title: 'Packets →', w: 72, tier: 1, tooltip: 'Packets client → server', cls: 'c-n num', text: (r) => fmtInt(r.packets.client) },
  { key: 'packetsServer', title: 'Packets ←', w: 72, tier: 1, tooltip: 'Packets server → client', cls: 'c-n num', text: (r) => fmtInt(r.packets.server) },
  { key: 'bytesClient', title: 'Bytes →', w: 80, tier: 1, tooltip: 'TCP payload bytes client → server', cls: 'c-bytes num', text: (r) => fmtBytes(r.bytes.client) },
  { key: 'bytesServer', title: 'Bytes ←', w: 80, tier: 1, tooltip: 'TCP payload bytes server → client', cls: 'c-bytes num', text: (r) => fmtBytes(r.bytes.server) },
  { key: 'serverRtt', title: 'Server RTT', w: 76, tier: 1, tooltip: 'SYN-ACK − SYN', cls: 'c-rtt num', text: (r) => fmtDuration(r.serverRtt) },
  { key: 'clientRtt', title: 'Client RTT', w: 76, tier: 1, tooltip: 'ACK − SYN-ACK', cls: 'c-rtt num', text: (r) => fmtDuration(r.clientRtt) },
  { key: 'id', title: 'Stream', w: 60, tier: 1, tooltip: "Wireshark's tcp.stream (filter: tcp.stream eq N)", cls: 'c-n num', text: (r) => String(r.stream), noSort: true },
  { key: 'syn', title: 'SYN', w: 48, tier: 1, tooltip: 'SYNs sent by the client (retransmissions included)', cls: 'c-n num', text: (r) => String(r.syn) },
  { key: 'synAck', title: 'SYN-ACK', w: 64, tier: 1, tooltip: 'SYN-ACKs sent by the server', cls: 'c-n num', text: (r) => String(r.synAck) },
  { key: 'mss', title: 'MSS', w: 100, tier: 1, tooltip: 'MSS option in the SYN / SYN-ACK (client / server)', cls: 'c-opt num', text: (r) => pair(r.mss.client, r.mss.server) },
  { key: 'windowScale', title: 'WS', w: 60, tier: 1, tooltip: 'Window scale option (client / server)', cls: 'c-opt-s num', text: (r) => pair(r.windowScale.client, r.windowScale.server) },
  { key: 'id', title: 'SACK', w: 76, tier: 1, tooltip: 'SACK permitted (client / server)', cls: 'c-opt-s', text: (r) => `${yes(r.sack.client)} / ${yes(r.sack.server)}`, noSort: true },
  { key: 'history', title: 'History', w: 80, tier: 1, tooltip: 'Zeek history (uppercase = client)', cls: 'c-hist', text: (r) => r.history },
];

/** The first finding in plain words and how many more ("no answer +2"): the full list never fits a column. */
export function findingsCell(codes: readonly string[]): string {
  if (codes.length === 0) return '';
  const first = findingWords(codes[0]!);
  return codes.length === 1 ? first : `${first} +${codes.length - 1}`;
}

/**
 * The columns a table `width` px wide shows: the key ones always (scrolling sideways below
 * their sum), then the others in list order while they fit whole. No column is ever cut off
 * at the edge, and a wider table shows more.
 */
export function fitColumns(available: readonly Column[], width: number): Column[] {
  let used = available.reduce((a, c) => a + (c.tier === 0 ? c.w : 0), 0);
  let full = false;
  return available.filter((c) => {
    if (c.tier === 0) return true;
    if (full || used + c.w > width) {
      full = true;
      return false;
    }
    used += c.w;
    return true;
  });
}
