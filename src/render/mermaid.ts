/**
 * The same diagram as Mermaid `sequenceDiagram` text, for pasting into Markdown (GitHub, docs,
 * tickets). One message line per event; findings, RTTs and long gaps become notes.
 */
import type { Finding, Flow, FlowEvent } from '../core/engine/result';
import { buildDiagramModel, omittedText, type DiagramRow } from './sequenceModel';
import { escapeMermaid, escapeMermaidLabel } from './escape';
import { formatDelta, formatDuration, formatEndpoint } from './format';

/** Solid for first transmissions, dotted for retransmissions; a cross when nothing answered. */
function arrow(row: DiagramRow): string {
  const dotted = row.retransmission ? '--' : '-';
  return row.unanswered ? `${dotted}x` : `${dotted}>>`;
}

function message(row: DiagramRow): string {
  let s = row.label;
  if (row.ev.options) s += ` ${row.ev.options}`;
  if (row.retransmission) s += row.backoff !== null ? ` (retransmission ${formatDelta(row.backoff)})` : ' (retransmission)';
  s += ` [frame ${row.ev.packet}, ${row.step === null ? 'start' : formatDelta(row.step)}]`;
  return s;
}

const RTT_NAME = {
  server: 'server side (SYN→SYN-ACK)', client: 'client side (SYN-ACK→ACK)', total: 'handshake RTT',
  connect: 'connect time (first SYN→ACK, retries included)', reset: 'refused after (SYN→RST)',
};

export function renderMermaid(flow: Flow, events: FlowEvent[], findings: Finding[]): string {
  const model = buildDiagramModel(flow, events ?? [], findings ?? []);
  const out: string[] = ['sequenceDiagram'];
  out.push(`    participant C as client ${escapeMermaidLabel(formatEndpoint(flow.client))}`);
  out.push(`    participant S as server ${escapeMermaidLabel(formatEndpoint(flow.server))}`);
  const omitted = (after: number): void => {
    for (const run of model.omitted) if (run.afterRow === after) out.push(`    Note over C,S: ${escapeMermaid(omittedText(run))}`);
  };
  omitted(-1);
  model.rows.forEach((row, i) => {
    if (model.gapsBefore.has(i) && row.step !== null) {
      out.push(`    Note over C,S: ${escapeMermaid(`${formatDuration(row.step)} later`)}`);
    }
    const [from, to] = row.ev.dir === 'c2s' ? ['C', 'S'] : ['S', 'C'];
    out.push(`    ${from}${arrow(row)}${to}: ${escapeMermaid(message(row))}`);
    if (row.ev.comment) out.push(`    Note over ${from}: ${escapeMermaid(`comment: ${row.ev.comment}`)}`);
    for (const f of row.findings) out.push(`    Note over C,S: ${escapeMermaid(`${f.severity}: ${f.code} — ${f.message}`)}`);
    for (const span of model.rtt) {
      if (span.toPacket === row.ev.packet) {
        out.push(`    Note right of S: ${escapeMermaid(`${RTT_NAME[span.kind]} ${formatDuration(span.seconds)}`)}`);
      }
    }
    omitted(i);
  });
  for (const f of model.flowFindings) out.push(`    Note over C,S: ${escapeMermaid(`${f.severity}: ${f.code} — ${f.message}`)}`);
  return out.join('\n') + '\n';
}
