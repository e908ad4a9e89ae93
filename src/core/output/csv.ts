/** CSV exports: one row per flow, or one row per finding (RFC 4180 quoting). */
import type { AnalysisResult } from '../engine/result';

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function rows(header: string[], data: unknown[][]): string {
  return [header, ...data].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export const FLOW_CSV_COLUMNS = [
  'id', 'client_ip', 'client_port', 'server_ip', 'server_port', 'role_basis', 'start', 'end', 'first_packet', 'last_packet',
  'packets_client', 'packets_server', 'bytes_client', 'bytes_server', 'syn', 'syn_retransmissions', 'syn_ack',
  'syn_ack_retransmissions', 'handshake_complete', 'rtt', 'server_rtt', 'client_rtt', 'state', 'history',
  'completeness', 'reset', 'port_reuse', 'simultaneous_open', 'vlan', 'findings',
];

/** `captureColumn`: rows start with the capture's path, so the CSVs of several captures can be joined. */
export interface CsvOptions { captureColumn?: boolean }

function withCapture(result: AnalysisResult, o: CsvOptions, header: string[], data: unknown[][]): string {
  if (!o.captureColumn) return rows(header, data);
  return rows(['capture', ...header], data.map((r) => [result.capture.path, ...r]));
}

export function flowsToCsv(result: AnalysisResult, o: CsvOptions = {}): string {
  const codes = new Map(result.findings.map((f) => [f.id, f.code]));
  return withCapture(result, o, FLOW_CSV_COLUMNS, result.flows.map((f) => [
    f.id, f.client.ip, f.client.port, f.server.ip, f.server.port, f.roleBasis, f.start, f.end, f.firstPacket, f.lastPacket,
    f.packets.client, f.packets.server, f.payloadBytes.client, f.payloadBytes.server, f.syn, f.synRetransmissions, f.synAck,
    f.synAckRetransmissions, f.handshake.complete, f.handshake.rtt, f.handshake.serverRtt, f.handshake.clientRtt, f.state,
    f.history, f.completeness, f.reset ?? '', f.portReuse, f.simultaneousOpen, f.vlan.join(' '),
    [...new Set(f.findings.map((id) => codes.get(id)))].join(' '),
  ]));
}

export const FINDING_CSV_COLUMNS = ['id', 'severity', 'code', 'message', 'packet', 'time', 'flows'];

export function findingsToCsv(result: AnalysisResult, o: CsvOptions = {}): string {
  return withCapture(result, o, FINDING_CSV_COLUMNS, result.findings.map((f) => [f.id, f.severity, f.code, f.message, f.packet, f.time, f.flows.join(' ')]));
}
