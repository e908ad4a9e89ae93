/**
 * The flow table's view of the data: queries (sort + filter) the webview sends, and the slim
 * rows it gets back. Sorting and filtering run next to the full flow list (in the worker), so
 * the webview only ever holds the rows on screen, even for a million flows.
 */
import type { ConnState, FindingCode, Severity } from '../core/engine/result';

export type SortKey =
  | 'id' | 'client' | 'server' | 'state' | 'history' | 'syn' | 'synAck'
  | 'rtt' | 'serverRtt' | 'clientRtt' | 'findings' | 'start'
  | 'duration' | 'packetsClient' | 'packetsServer' | 'bytesClient' | 'bytesServer'
  | 'mss' | 'windowScale' | 'vlan' | 'interface';

export interface FlowSort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

export interface FlowFilter {
  /** Whitespace-separated terms; every term must occur in the client or server "ip:port". */
  text?: string;
  state?: ConnState | '';
  finding?: FindingCode | '';
  /** Handshake RTT bounds in milliseconds; a flow without a measured RTT fails any bound. */
  rttMinMs?: number | null;
  rttMaxMs?: number | null;
  /** Only these flows (a story's flows); empty or absent means all. */
  flowIds?: number[];
  /** Human label for `flowIds`, shown in the filter bar ("SYN flood on 10.0.0.1:80"). */
  flowIdsLabel?: string;
  /** Flows whose first packet falls in [startFrom, startTo), epoch seconds (a range dragged on a chart). */
  startFrom?: number | null;
  startTo?: number | null;
  /** Human label for the time range ("started 1.2 s – 2.5 s into the capture"). */
  startLabel?: string;
}

export interface FlowQuery {
  sort: FlowSort;
  filter: FlowFilter;
}

/** One table row: display-ready fields of a Flow. */
export interface FlowRow {
  id: number;
  /** "ip:port", IPv6 in brackets. */
  client: string;
  server: string;
  state: ConnState;
  history: string;
  syn: number;
  synAck: number;
  /** Seconds, null when not measured. */
  rtt: number | null;
  serverRtt: number | null;
  clientRtt: number | null;
  /** Distinct finding codes on this flow, in first-seen order. */
  findings: FindingCode[];
  /** Worst severity among the flow's findings, null when none. */
  severity: Severity | null;
  /** Epoch seconds of the first packet, as in the result JSON. */
  start: string;
  /** Start of the flow before this one in capture order (null for the first): the delta view. */
  previousStart: string | null;
  /** Wireshark's tcp.stream: flows are numbered in order of first packet, like tcp.stream, from 1. */
  stream: number;
  handshakeComplete: boolean;
  /** Seconds from the first to the last packet. */
  duration: number;
  /** Packets and payload bytes per direction (client → server, server → client). */
  packets: { client: number; server: number };
  bytes: { client: number; server: number };
  /** SYN options of each side; null where that side sent none. */
  mss: { client: number | null; server: number | null };
  windowScale: { client: number | null; server: number | null };
  sack: { client: boolean; server: boolean };
  vlan: number[];
  interfaces: number[];
}

export interface FlowPage {
  offset: number;
  total: number;
  rows: FlowRow[];
}

export const DEFAULT_QUERY: FlowQuery = { sort: { key: 'id', dir: 'asc' }, filter: {} };

/** "ip:port" with IPv6 bracketed, as Wireshark and URLs write it. */
export function formatEndpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
