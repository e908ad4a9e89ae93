/** Drawing pieces of the sequence diagram: arrows, RTT brackets, gap breaks, finding lines. */
import type { Finding, Severity } from '../core/engine/result';
import { omittedText, type DiagramRow, type EventKind, type OmittedRun, type RttSpan } from './sequenceModel';
import { FALLBACK } from './theme';
import { el, text, title, wrapWords } from './svg';
import { formatDuration } from './format';

export const KIND_CLASS: Record<EventKind, string> = {
  SYN: 'ss-syn', 'SYN-ACK': 'ss-syn-ack', ACK: 'ss-ack', DATA: 'ss-data', FIN: 'ss-fin', RST: 'ss-rst',
};

const KIND_FALLBACK: Record<EventKind, string> = {
  SYN: FALLBACK.syn, 'SYN-ACK': FALLBACK.synAck, ACK: FALLBACK.ack, DATA: FALLBACK.data,
  FIN: FALLBACK.fin, RST: FALLBACK.rst,
};

const SEVERITY_ICON: Record<Severity, string> = { error: '✖', warning: '⚠', info: 'ℹ' };
const SEVERITY_FALLBACK: Record<Severity, string> = {
  error: FALLBACK.error, warning: FALLBACK.warning, info: FALLBACK.info,
};

/** Colour class and fallback for an arrow: retransmissions share one colour whatever their kind. */
export function arrowColor(row: DiagramRow): { cls: string; color: string } {
  if (row.retransmission) return { cls: 'ss-retrans', color: FALLBACK.retrans };
  return { cls: KIND_CLASS[row.kind], color: KIND_FALLBACK[row.kind] };
}

const HEAD_LEN = 9;
const HEAD_HALF = 4;

/**
 * The arrow line from sender to receiver with its head, or with a cross instead of a head when
 * nothing answered it. A wide transparent twin makes the thin line easy to hover.
 */
export function arrowShape(row: DiagramRow, x1: number, y1: number, x2: number, y2: number): string {
  const { cls, color } = arrowColor(row);
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const dash = row.retransmission ? '6 4' : undefined;
  const width = row.kind === 'RST' ? 2 : 1.5;
  let out = '';
  if (row.unanswered) {
    // The cross sits just short of the receiver: the packet was seen, no answer was.
    const cx = x2 - ux * 10;
    const cy = y2 - uy * 10;
    out += el('line', { class: cls, x1, y1, x2: cx, y2: cy, stroke: color, 'stroke-width': width, 'stroke-dasharray': dash });
    out += el('path', {
      class: `${cls} ss-lost`, d: `M${r(cx - 5)} ${r(cy - 5)}L${r(cx + 5)} ${r(cy + 5)}M${r(cx - 5)} ${r(cy + 5)}L${r(cx + 5)} ${r(cy - 5)}`,
      stroke: color, 'stroke-width': 2.2, fill: 'none', 'data-testid': 'lost-marker',
    });
  } else {
    const bx = x2 - ux * HEAD_LEN;
    const by = y2 - uy * HEAD_LEN;
    out += el('line', { class: cls, x1, y1, x2: bx, y2: by, stroke: color, 'stroke-width': width, 'stroke-dasharray': dash });
    const px = -uy * HEAD_HALF;
    const py = ux * HEAD_HALF;
    out += el('path', {
      class: cls, d: `M${r(x2)} ${r(y2)}L${r(bx + px)} ${r(by + py)}L${r(bx - px)} ${r(by - py)}Z`,
      fill: color, stroke: 'none',
    });
  }
  out += el('line', { class: 'ss-hit', x1, y1, x2, y2, stroke: 'transparent', 'stroke-width': 12, 'pointer-events': 'stroke' });
  return out;
}

function r(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** A finding's text wrapped for a column `maxChars` wide: icon, code, message. */
export function findingText(f: Finding, maxChars: number, maxLines = 3): string[] {
  return wrapWords(`${SEVERITY_ICON[severityOf(f)]} ${f.code}: ${f.message}`, maxChars, maxLines);
}

function severityOf(f: Finding): Severity {
  return f.severity === 'error' || f.severity === 'info' ? f.severity : 'warning';
}

/** A finding under its arrow (or in the footer), `lines` from findingText; full text on hover. */
export function findingLine(f: Finding, x: number, y: number, lines: string[], lineHeight: number, anchor: 'middle' | 'start'): string {
  const sev = severityOf(f);
  let body = title(`${sev}: ${f.code} — ${f.message}` + (f.packet > 0 ? ` (frame ${f.packet})` : ''));
  lines.forEach((line, i) => {
    body += text(x, y + i * lineHeight, line, { class: `ss-${sev}`, fill: SEVERITY_FALLBACK[sev], 'text-anchor': anchor, 'font-size': 10 });
  });
  return el('g', { 'data-testid': 'finding', 'data-finding-id': f.id, 'data-code': f.code, 'data-severity': sev }, body);
}

const RTT_NAME: Record<RttSpan['kind'], string> = {
  server: 'server side', client: 'client side', total: 'handshake RTT', connect: 'connect time', reset: 'SYN → RST',
};
const RTT_TIP: Record<RttSpan['kind'], string> = {
  server: 'SYN → the SYN-ACK answering it, as seen at the capture point: the path to the server and back, plus the server’s accept time',
  client: 'the SYN-ACK the client acknowledged → its ACK, as seen at the capture point: the path to the client and back',
  total: 'the last SYN before the ACK → ACK (Wireshark’s tcp.analysis.initial_rtt)',
  connect: 'first SYN → ACK: what the application waited, retries included',
  reset: 'SYN → RST as seen at the capture point: microseconds suggest the host itself refused, milliseconds a device on the way',
};

/** A "]"-shaped bracket at column `x` spanning y1..y2 with its name and value beside it. */
export function rttBracket(span: RttSpan, x: number, y1: number, y2: number): string {
  const mid = (y1 + y2) / 2;
  const d = `M${r(x - 6)} ${r(y1)}H${r(x)}V${r(y2)}H${r(x - 6)}`;
  return el('g', { 'data-testid': 'rtt', 'data-rtt': span.kind, 'data-seconds': String(span.seconds), 'data-from': span.fromPacket, 'data-to': span.toPacket },
    title(`${RTT_NAME[span.kind]}: ${formatDuration(span.seconds)} (frames ${span.fromPacket} → ${span.toPacket}). ${RTT_TIP[span.kind]}`) +
    el('path', { class: 'ss-rtt', d, fill: 'none', stroke: FALLBACK.rtt, 'stroke-width': 1.5 }) +
    text(x + 6, mid - 2, RTT_NAME[span.kind], { class: 'ss-muted', fill: FALLBACK.muted, 'font-size': 10 }) +
    text(x + 6, mid + 11, formatDuration(span.seconds), { class: 'ss-rtt', fill: FALLBACK.rtt, 'font-weight': 'bold', 'data-testid': 'rtt-value' }));
}

/** A compressed stretch of time: both lifelines interrupted by zig-zags, the duration between them. */
export function gapBreak(seconds: number, beforePacket: number, xs: number[], y1: number, y2: number): string {
  // The broken-axis sign: each lifeline ends and resumes at a short slanted stroke.
  let marks = '';
  for (const x of xs) {
    for (const y of [y1 + 5, y2 - 5]) {
      marks += el('line', {
        class: 'ss-break', x1: x - 6, y1: y + 3, x2: x + 6, y2: y - 3, stroke: FALLBACK.rule, 'stroke-width': 1.5,
      });
    }
  }
  const label = `${formatDuration(seconds)} later`;
  return el('g', { 'data-testid': 'gap', 'data-seconds': String(seconds), 'data-before-packet': beforePacket },
    title(`${formatDuration(seconds)} without packets in this flow (drawn compressed)`) + marks +
    text((xs[0] + xs[xs.length - 1]) / 2, (y1 + y2) / 2 + 4, `≈ ${label} ≈`, {
      class: 'ss-muted', fill: FALLBACK.muted, 'text-anchor': 'middle', 'font-style': 'italic', 'font-size': 10,
    }));
}

/**
 * Packets of the flow that have no arrow, where they fell: a dotted rule between the lifelines
 * and the count with the frames, so a jump in the sequence numbers is never silent.
 */
export function omittedMarker(run: OmittedRun, x1: number, x2: number, top: number): string {
  const y = top + 11;
  const label = omittedText(run);
  return el('g', {
    'data-testid': 'omitted', 'data-count': run.count, 'data-frames': run.frames ? run.frames.join(',') : undefined,
    'data-span': `${run.span[0]}-${run.span[1]}`, 'data-action': 'every-packet',
  }, title(`${label}. The diagram draws the packets that tell the handshake: SYNs, SYN-ACKs, the handshake ACK, each side's first data, the first FIN of each side and every RST. In the editor, click here to draw every packet; to save them all: "synscope: Export Sequence Diagram…", then "every packet".`) +
    el('line', { class: 'ss-muted', x1: x1 + 4, y1: y - 4, x2: x2 - 4, y2: y - 4, stroke: FALLBACK.muted, 'stroke-width': 1, 'stroke-dasharray': '2 4' }) +
    text((x1 + x2) / 2, y + 7, label, { class: 'ss-muted', fill: FALLBACK.muted, 'text-anchor': 'middle', 'font-size': 10, 'font-style': 'italic' }));
}
