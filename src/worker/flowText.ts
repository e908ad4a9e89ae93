/** Plain-text flow summary for the clipboard ("copy flow summary"): what an engineer pastes into a ticket. */
import type { Finding, Flow } from '../core/engine/result';
import { formatEndpoint } from '../protocol/flowTable';

export function formatMs(seconds: number | null): string {
  if (seconds === null) return '—';
  const ms = seconds * 1000;
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(3)} ms`;
}

export function flowSummaryText(flow: Flow, findings: readonly Finding[]): string {
  const h = flow.handshake;
  const lines = [
    `Flow ${flow.id}: ${formatEndpoint(flow.client.ip, flow.client.port)} → ${formatEndpoint(flow.server.ip, flow.server.port)}`,
    `State ${flow.state}, history ${flow.history || '-'}, frames ${flow.firstPacket}–${flow.lastPacket}, start ${flow.start}`,
    `Handshake ${h.complete ? 'complete' : 'incomplete'}: SYN ${h.syn ? `#${h.syn.packet}` : '—'}, SYN-ACK ${h.synAck ? `#${h.synAck.packet}` : '—'}, ACK ${h.ack ? `#${h.ack.packet}` : '—'}`,
    `RTT ${formatMs(h.rtt)} (server ${formatMs(h.serverRtt)}, client ${formatMs(h.clientRtt)})`,
    `SYNs ${flow.syn} (${flow.synRetransmissions} retransmitted), SYN-ACKs ${flow.synAck} (${flow.synAckRetransmissions} retransmitted)`,
  ];
  if (flow.reset) lines.push(`Reset by ${flow.reset}`);
  for (const f of findings) lines.push(`[${f.severity}] ${f.code}: ${f.message}`);
  return lines.join('\n') + '\n';
}
