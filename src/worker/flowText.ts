/** Plain-text flow summary for the clipboard ("copy flow summary"): what an engineer pastes into a ticket. */
import type { Finding, Flow, FlowEvent } from '../core/engine/result';
import { formatEndpoint } from '../protocol/flowTable';
import { formatDelta, formatDuration, formatSecondsFixed, formatTimeOfDay, plural, secondsBetween, significantDigits } from '../render/format';
import { buildDiagramModel, omittedText } from '../render/sequenceModel';

export function formatMs(seconds: number | null): string {
  if (seconds === null) return '—';
  const ms = seconds * 1000;
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(3)} ms`;
}

/**
 * The summary. Times are given the ways people compare them with other tools: UTC time of day
 * (logs), seconds since the capture's first packet (Wireshark's default time column) and the
 * step from the previous packet; the epoch value stays in for exactness.
 */
export function flowSummaryText(flow: Flow, findings: readonly Finding[], events: readonly FlowEvent[] = [], captureStart: string | null = null): string {
  const h = flow.handshake;
  const digits = significantDigits([flow.start, flow.end, ...events.map((e) => e.time)]);
  const packets = (flow.packets?.client ?? 0) + (flow.packets?.server ?? 0);
  const sinceCapture = captureStart ? secondsBetween(captureStart, flow.start) : null;
  const duration = secondsBetween(flow.start, flow.end);
  const startParts = [`Start ${formatTimeOfDay(flow.start, null, digits) ?? flow.start} UTC`];
  if (sinceCapture !== null) startParts.push(`${formatSecondsFixed(sinceCapture, digits)} s after the capture's first packet`);
  startParts.push(`epoch ${flow.start}`);
  const lines = [
    `Flow ${flow.id}: ${formatEndpoint(flow.client.ip, flow.client.port)} → ${formatEndpoint(flow.server.ip, flow.server.port)}`,
    `State ${flow.state}, history ${flow.history || '-'}, frames ${flow.firstPacket}–${flow.lastPacket} (${plural(packets, 'packet')})`,
    `${startParts.join(', ')}${duration !== null ? `; lasted ${formatDuration(duration)}` : ''}`,
    `Handshake ${h.complete ? 'complete' : 'incomplete'}: SYN ${h.syn ? `#${h.syn.packet}` : '—'}, SYN-ACK ${h.synAck ? `#${h.synAck.packet}` : '—'}, ACK ${h.ack ? `#${h.ack.packet}` : '—'}`,
    `RTT ${formatMs(h.rtt)} (server ${formatMs(h.serverRtt)}, client ${formatMs(h.clientRtt)})`,
    `SYNs ${flow.syn} (${flow.synRetransmissions} retransmitted), SYN-ACKs ${flow.synAck} (${flow.synAckRetransmissions} retransmitted)`,
  ];
  if (flow.reset) lines.push(`Reset by ${flow.reset}`);
  if (events.length > 0) lines.push(...packetLines(flow, events, captureStart, digits));
  for (const f of findings) lines.push(`[${f.severity}] ${f.code}: ${f.message}`);
  return lines.join('\n') + '\n';
}

/** One line per recorded packet, and a line for the packets the diagram does not draw. */
function packetLines(flow: Flow, events: readonly FlowEvent[], captureStart: string | null, digits: number): string[] {
  const model = buildDiagramModel(flow, [...events], []);
  const first = model.rows[0]?.ev.time ?? null;
  const day = first ? formatTimeOfDay(first, null, 0)?.slice(0, 10) : null;
  const out = [`Packets (time of day${day ? ` ${day}` : ''} UTC | since capture start | since previous packet):`];
  const frameW = Math.max(...model.rows.map((r) => String(r.ev.packet).length)) + 1;
  const omittedAfter = (i: number): void => {
    for (const run of model.omitted) if (run.afterRow === i) out.push(`  ${omittedText(run)}`);
  };
  omittedAfter(-1);
  // The date is in the heading; a row repeats it only where the day changes.
  let prevTime: string | null = first;
  model.rows.forEach((row, i) => {
    const tod = formatTimeOfDay(row.ev.time, prevTime, digits) ?? row.ev.time;
    prevTime = row.ev.time;
    const since = captureStart ? secondsBetween(captureStart, row.ev.time) : null;
    const step = row.step === null ? 'start' : formatDelta(row.step);
    const who = row.ev.dir === 'c2s' ? 'client → server' : 'server → client';
    out.push(`  ${`#${row.ev.packet}`.padEnd(frameW)}  ${tod}  ${since !== null ? `${formatSecondsFixed(since, digits)} s` : '?'}  ${step.padEnd(10)}  ${who}  ${row.label}`);
    omittedAfter(i);
  });
  return out;
}
