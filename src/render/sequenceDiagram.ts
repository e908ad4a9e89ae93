/**
 * The flow's handshake as a sequence diagram (SVG markup): client and server lifelines, one
 * slanted arrow per event labelled like Wireshark's Info column, RTT brackets, retransmissions
 * with their backoff, findings on the arrows they concern, and long silences compressed into
 * visible breaks. Pure: a string out, nothing touched.
 */
import type { Finding, Flow, FlowEvent } from '../core/engine/result';
import { buildDiagramModel, type DiagramModel, type DiagramRow, type OmittedRun } from './sequenceModel';
import { arrowShape, findingLine, findingText, gapBreak, omittedMarker, rttBracket } from './sequenceParts';
import {
  formatDelta, formatDuration, formatEndpoint, formatEndpointShort, formatSecondsFixed, formatTimeOfDay, fractionDigits, plural, secondsBetween, significantDigits,
} from './format';
import { FALLBACK, standaloneStyle } from './theme';
import { MONO, charWidth, el, svgOpen, text, title, truncateEnd } from './svg';

export type TimeDisplay = 'absolute' | 'timeOfDay' | 'sinceCapture' | 'relative' | 'delta';

export interface SequenceDiagramOptions {
  /** Left-margin time: epoch seconds, UTC time of day, seconds since the flow's first packet, or step from the previous arrow. */
  timeDisplay?: TimeDisplay;
  /** The capture's first packet (epoch string), for `sinceCapture`; without it that mode shows times since the flow's start. */
  captureStart?: string | null;
  /** Embed a <style> and a background so the markup stands alone as an .svg file. */
  standalone?: boolean;
}

const PAD = 12;
const FS = 11;
const FS_SMALL = 10;
const CW = charWidth(FS);
const CW_SMALL = charWidth(FS_SMALL);
const SLANT = 8;
const LINE = 12;
const HEADER_BOTTOM = 66;
const FIRST_ROW = 80;
const BREAK_H = 34;
/** Most extra height a step gets for its duration (proportional to the longest unbroken step). */
const TIME_EXTRA = 32;
const RTT_COL_GAP = 112;
/** Height of a "⋯ N packets not drawn" marker row. */
const MARKER_H = 22;

interface RowLayout {
  top: number;
  arrowY: number;
  lines: SubLine[];
  height: number;
}

function timeTexts(row: DiagramRow, prev: DiagramRow | undefined, mode: TimeDisplay, digits: number, captureStart: string | null): [string, string] {
  const rel = `${formatSecondsFixed(row.sinceStart, digits)} s`;
  const step = row.step === null ? 'start' : formatDelta(row.step);
  switch (mode) {
    case 'absolute': return [row.ev.time, step];
    // The date on the first row and wherever the day changes, the clock time on every row.
    case 'timeOfDay': return [formatTimeOfDay(row.ev.time, prev?.ev.time ?? null, digits) ?? row.ev.time, step];
    case 'delta': return [step, `@ ${rel}`];
    case 'sinceCapture': {
      const s = captureStart ? secondsBetween(captureStart, row.ev.time) : null;
      return s === null ? [rel, step] : [`${formatSecondsFixed(s, digits)} s`, step];
    }
    default: return [rel, step];
  }
}

type SubLine =
  | { kind: 'backoff' | 'options' | 'comment'; height: number }
  | { kind: 'finding'; finding: Finding; text: string[]; height: number };

/** The lines under an arrow, in drawing order, each with its height. */
function subLines(row: DiagramRow, maxChars: number): SubLine[] {
  const lines: SubLine[] = [];
  if (row.retransmission) lines.push({ kind: 'backoff', height: LINE });
  if (row.ev.options) lines.push({ kind: 'options', height: LINE });
  if (row.ev.comment) lines.push({ kind: 'comment', height: LINE });
  for (const f of row.findings) {
    const t = findingText(f, maxChars);
    lines.push({ kind: 'finding', finding: f, text: t, height: t.length * LINE });
  }
  return lines;
}

function arrowTooltip(flow: Flow, row: DiagramRow): string {
  const ev = row.ev;
  const from = ev.dir === 'c2s' ? flow.client : flow.server;
  const to = ev.dir === 'c2s' ? flow.server : flow.client;
  const parts = [
    `Frame ${ev.packet} · ${row.kind}${row.retransmission ? ' (retransmission)' : ''}${row.unanswered ? ' — no reply' : ''}`,
    `Time ${ev.time} (${formatSecondsFixed(row.sinceStart, 9).replace(/0+$/, '').replace(/\.$/, '')} s into the flow` +
      (row.step !== null ? `, ${formatDelta(row.step)} after the previous packet)` : ')'),
    `${ev.dir === 'c2s' ? 'Client → server' : 'Server → client'}: ${formatEndpoint(from)} → ${formatEndpoint(to)}`,
    `${row.label}${ev.len === 0 ? ' Len=0' : ''}`,
  ];
  if (row.backoff !== null) parts.push(`Retransmitted ${formatDuration(row.backoff)} after the previous try`);
  if (ev.options) parts.push(`Options: ${ev.options}`);
  if (ev.notes && ev.notes.length > 0) parts.push(`Notes: ${ev.notes.join(', ')}`);
  if (ev.comment) parts.push(`Comment: ${ev.comment}`);
  for (const f of row.findings) parts.push(`${f.severity}: ${f.code} — ${f.message}`);
  return parts.join('\n');
}

function headline(flow: Flow, model: DiagramModel): string {
  const hs = flow.handshake;
  let what: string;
  if (hs?.complete && hs.rtt !== null) what = `handshake ${formatDuration(hs.rtt)}`;
  else if (flow.reset && flow.synAck === 0) what = `refused (RST from ${flow.reset})`;
  else if (flow.synAck === 0 && flow.syn > 0) what = `no reply to ${flow.syn} SYN${flow.syn === 1 ? '' : 's'}`;
  else if (flow.reset) what = `reset by ${flow.reset}`;
  else what = 'handshake incomplete';
  const n = model.rows.length;
  const hidden = model.omitted.reduce((a, r) => a + r.count, 0);
  const shown = hidden > 0 ? `${n} of ${n + hidden} packets shown` : `${n} packet${n === 1 ? '' : 's'} shown`;
  return `Flow ${flow.id} · ${what} · state ${flow.state} · ${shown}`;
}

function endpointHeader(role: string, ep: Flow['client'], x: number, guessed: boolean): string {
  const addr = formatEndpointShort(ep, 30);
  const w = Math.max(addr.length * CW, role.length * CW_SMALL) + 16;
  return el('g', { 'data-testid': `endpoint-${role}` },
    title(`${role}: ${formatEndpoint(ep)}${guessed ? ' (role guessed: no SYN seen)' : ''}`) +
    el('rect', { class: 'ss-box', x: x - w / 2, y: 28, width: w, height: 36, rx: 4, fill: 'none', stroke: FALLBACK.rule }) +
    text(x, 41, guessed ? `${role}?` : role, { class: 'ss-muted', fill: FALLBACK.muted, 'text-anchor': 'middle', 'font-size': FS_SMALL }) +
    text(x, 56, addr, { class: 'ss-text', fill: 'currentColor', 'text-anchor': 'middle', 'font-weight': 'bold' }));
}

/** Lifeline segments from the header to `bottom`, interrupted where a gap break sits. */
function lifeline(x: number, breaks: Array<[number, number]>, bottom: number): string {
  let out = '';
  let y = HEADER_BOTTOM;
  for (const [a, b] of [...breaks, [bottom, bottom] as [number, number]]) {
    if (a > y) out += el('line', { class: 'ss-lifeline', x1: x, y1: y, x2: x, y2: a, stroke: FALLBACK.rule, 'stroke-width': 1 });
    y = b;
  }
  return out;
}

/** One line naming the arrow styles that appear in this diagram. */
function legend(rows: DiagramRow[], x: number, y: number): string {
  const items: Array<{ label: string; row: DiagramRow }> = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const key = row.retransmission ? 'retransmission' : row.kind === 'FIN' ? 'ACK' : row.kind;
    if (!seen.has(key)) {
      seen.add(key);
      items.push({ label: key === 'ACK' && rows.some((r) => r.kind === 'FIN') ? 'ACK/FIN' : key, row });
    }
    if (row.unanswered && !seen.has('unanswered')) {
      seen.add('unanswered');
      items.push({ label: 'no reply', row: { ...row, retransmission: false } });
    }
  }
  let out = '';
  let cx = x;
  for (const it of items) {
    const sample = it.label === 'no reply'
      ? arrowShape({ ...it.row, unanswered: true }, cx, y - 4, cx + 26, y - 4)
      : arrowShape({ ...it.row, unanswered: false }, cx, y - 4, cx + 22, y - 4);
    out += sample.replace(/ data-testid="[^"]*"/g, '') + text(cx + 30, y, it.label, { class: 'ss-muted', fill: FALLBACK.muted, 'font-size': FS_SMALL });
    cx += 38 + it.label.length * CW_SMALL;
  }
  return el('g', { 'data-testid': 'legend', 'aria-hidden': 'true' }, out);
}

export function renderSequenceDiagram(
  flow: Flow, events: FlowEvent[], findings: Finding[], opts: SequenceDiagramOptions = {},
): string {
  const mode: TimeDisplay = opts.timeDisplay ?? 'relative';
  const model = buildDiagramModel(flow, events ?? [], findings ?? []);
  const rows = model.rows;
  const digits = fractionDigits(rows[0]?.ev.time ?? flow.start) || 6;
  const clockDigits = significantDigits(rows.map((r) => r.ev.time));
  const times = rows.map((r, i) => timeTexts(r, rows[i - 1], mode, mode === 'timeOfDay' ? clockDigits : digits, opts.captureStart ?? null));

  // Horizontal layout: time column, frame numbers, the two lifelines, RTT columns.
  const timeW = Math.max(60, ...times.map(([a, b]) => Math.max(a.length * CW, b.length * CW_SMALL)));
  const frameW = Math.max(3, ...rows.map((r) => String(r.ev.packet).length + 1)) * CW_SMALL;
  const cx = Math.max(PAD + timeW + frameW + 22, 150);
  const longest = Math.max(0, ...rows.map((r) => r.label.length));
  const span = Math.min(560, Math.max(380, longest * CW + 60));
  const sx = cx + span;
  const mid = (cx + sx) / 2;
  const maxChars = Math.floor((span - 16) / CW);
  const maxSmall = Math.floor((span - 40) / CW_SMALL);

  // Vertical layout: each row as tall as its text, plus time-proportional room, plus breaks.
  const unbroken = rows.map((r, i) => (r.step !== null && !model.gapsBefore.has(i) ? r.step : 0));
  const longestStep = Math.max(0, ...unbroken);
  const layout: RowLayout[] = [];
  const breaks: Array<[number, number, number]> = [];
  let y = FIRST_ROW;
  // Packets without an arrow get a marker row where they fell (after the row they follow).
  const markers: Array<[number, OmittedRun]> = [];
  const runsAfter = new Map(model.omitted.map((run) => [run.afterRow, run]));
  const marker = (after: number): void => {
    const run = runsAfter.get(after);
    if (!run) return;
    markers.push([y, run]);
    y += MARKER_H;
  };
  marker(-1);
  rows.forEach((row, i) => {
    if (model.gapsBefore.has(i)) {
      breaks.push([y, y + BREAK_H, i]);
      y += BREAK_H;
    } else if (longestStep > 0 && i > 0) {
      y += (TIME_EXTRA * unbroken[i]) / longestStep;
    }
    const lines = subLines(row, maxSmall);
    const height = 17 + SLANT + lines.reduce((a, l) => a + l.height, 0) + 12;
    layout.push({ top: y, arrowY: y + 17, lines, height });
    y += height;
    marker(i);
  });
  const rowsBottom = y;

  // RTT brackets beside the server lifeline: the two halves in one column, the total in the
  // next, the connect time (when the client retried) in a third.
  const rowOf = new Map(rows.map((r, i) => [r.ev.packet, i]));
  const yAt = (packet: number) => {
    const i = rowOf.get(packet);
    return i === undefined ? 0 : layout[i].arrowY + SLANT / 2;
  };
  const colA = sx + 30;
  const column = (kind: string) => (kind === 'connect' ? 2 : kind === 'total' ? 1 : 0);
  const brackets = model.rtt.map((s) =>
    rttBracket(s, colA + column(s.kind) * RTT_COL_GAP, yAt(s.fromPacket), yAt(s.toPacket)));

  // Footer: a legend of what this diagram uses, then findings no drawn packet carries.
  let footer = '';
  let fy = rowsBottom + 10;
  if (rows.length > 0) {
    footer += legend(rows, PAD, fy + 10);
    fy += 20;
  }
  if (rows.length === 0) {
    footer += text(PAD, fy + 10, 'No handshake packets were recorded for this flow.', { class: 'ss-muted', fill: FALLBACK.muted });
    fy += 22;
  }
  if (model.flowFindings.length > 0) {
    let inner = text(PAD, fy + 10, 'Flow findings', { class: 'ss-text', fill: 'currentColor', 'font-weight': 'bold', 'font-size': FS_SMALL });
    fy += 14;
    const footChars = Math.max(40, Math.floor((sx - PAD) / CW_SMALL));
    for (const f of model.flowFindings) {
      fy += LINE + 2;
      const lines = findingText(f, footChars);
      inner += findingLine(f, PAD, fy, lines, LINE, 'start');
      fy += (lines.length - 1) * LINE;
    }
    footer += el('g', { 'data-testid': 'flow-findings' }, inner);
    fy += 8;
  }

  const serverHalf = (formatEndpointShort(flow.server, 30).length * CW + 16) / 2;
  const columns = model.rtt.some((s) => s.kind === 'connect') ? 2 : 1;
  const width = Math.max(model.rtt.length > 0 ? colA + columns * RTT_COL_GAP + 100 : sx + 40, sx + serverHalf + PAD,
    PAD + (headline(flow, model).length + 2) * charWidth(12));
  const height = Math.max(fy + PAD, 140);

  let body = '';
  body += text(PAD, 17, headline(flow, model), { class: 'ss-text', fill: 'currentColor', 'font-size': 12, 'font-weight': 'bold' });
  const guessed = flow.roleBasis !== 'first-syn' && flow.roleBasis !== 'first-syn-ack';
  body += endpointHeader('client', flow.client, cx, guessed);
  body += endpointHeader('server', flow.server, sx, guessed);
  const breakBands = breaks.map(([a, b]) => [a + 5, b - 5] as [number, number]);
  body += lifeline(cx, breakBands, rowsBottom);
  body += lifeline(sx, breakBands, rowsBottom);
  for (const [a, b, i] of breaks) body += gapBreak(rows[i].step ?? 0, rows[i].ev.packet, [cx, sx], a, b);
  // The numbers beside the arrows are Wireshark's frame numbers ("No."), said once over the
  // column: "#" already names flows in the table.
  if (rows.length > 0) body += text(cx - 8, FIRST_ROW - 4, 'frame', { class: 'ss-muted', fill: FALLBACK.muted, 'font-size': FS_SMALL, 'text-anchor': 'end', 'data-testid': 'frame-header' });

  rows.forEach((row, i) => {
    const L = layout[i];
    const c2s = row.ev.dir === 'c2s';
    const [x1, x2] = c2s ? [cx, sx] : [sx, cx];
    let g = title(arrowTooltip(flow, row));
    g += text(PAD, L.arrowY + 4, times[i][0], { class: 'ss-text', fill: 'currentColor', 'data-testid': 'time' });
    g += text(PAD, L.arrowY + 4 + LINE, times[i][1], { class: 'ss-muted', fill: FALLBACK.muted, 'font-size': FS_SMALL });
    g += text(cx - 8, L.arrowY + 4, String(row.ev.packet), { class: 'ss-muted', fill: FALLBACK.muted, 'font-size': FS_SMALL, 'text-anchor': 'end', 'data-testid': 'frame' });
    g += text(mid, L.top + 11, truncateEnd(row.label, maxChars), { class: 'ss-text', fill: 'currentColor', 'text-anchor': 'middle', 'data-testid': 'label' });
    g += arrowShape(row, x1, L.arrowY, x2, L.arrowY + SLANT);
    let ly = L.arrowY + SLANT + LINE + 1;
    for (const sub of L.lines) {
      const kind = sub.kind;
      if (kind === 'backoff') {
        const s = row.backoff !== null ? `↻ retransmission ${formatDelta(row.backoff)}` : '↻ retransmission';
        g += text(mid, ly, s, { class: 'ss-retrans', fill: FALLBACK.retrans, 'text-anchor': 'middle', 'font-size': FS_SMALL, 'data-testid': 'backoff' });
      } else if (kind === 'options') {
        g += text(mid, ly, truncateEnd(row.ev.options, maxSmall), { class: 'ss-muted', fill: FALLBACK.muted, 'text-anchor': 'middle', 'font-size': FS_SMALL });
      } else if (kind === 'comment') {
        g += text(mid, ly, truncateEnd(`“${row.ev.comment ?? ''}”`, maxSmall), { class: 'ss-muted', fill: FALLBACK.muted, 'text-anchor': 'middle', 'font-size': FS_SMALL, 'font-style': 'italic', 'data-testid': 'comment' });
      } else if (sub.kind === 'finding') {
        g += findingLine(sub.finding, mid, ly, sub.text, LINE, 'middle');
      }
      ly += sub.height;
    }
    body += el('g', {
      'data-testid': 'arrow', 'data-packet': row.ev.packet, 'data-kind': row.kind, 'data-dir': row.ev.dir,
      'data-retransmission': row.retransmission ? 'true' : undefined,
      'data-unanswered': row.unanswered ? 'true' : undefined,
      class: `ss-arrow${row.retransmission ? ' ss-retransmission' : ''}${row.unanswered ? ' ss-unanswered' : ''}`,
    }, g);
  });
  for (const [my, run] of markers) body += omittedMarker(run, cx, sx, my);
  body += brackets.join('');
  body += footer;

  const label = `Sequence diagram of flow ${flow.id}: ${formatEndpoint(flow.client)} → ${formatEndpoint(flow.server)}, ${plural(rows.length, 'packet')}`;
  return svgOpen(width, height, {
    'data-testid': 'sequence-diagram', 'data-flow-id': flow.id, 'data-time-display': mode,
    class: 'ss-root ss-diagram', 'font-family': MONO, 'font-size': FS, 'aria-label': label,
  }) + title(label) +
    (opts.standalone ? standaloneStyle() + el('rect', { class: 'ss-bg', x: 0, y: 0, width, height, fill: '#ffffff' }) : '') +
    body + '</svg>';
}
