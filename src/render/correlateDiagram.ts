/**
 * The four-lifeline diagram of a correlated pair (correlateModel.ts): client, capture point A,
 * capture point B, server; a dot where a packet was seen at a point, a cross where it was lost
 * between them, the one-way delay between the points beside the arrow.
 */
import type { Pair } from '../core/correlate/types';
import { formatDuration } from './format';
import { buildCorrelateModel, type CorrelateRow, type Lane } from './correlateModel';
import { el, MONO, svgOpen, text, title } from './svg';
import { FALLBACK } from './theme';

const WIDTH = 640;
const X: Record<Lane, number> = { 0: 60, 1: 240, 2: 400, 3: 580 };
const TOP = 56;
const ROW = 46;
const NAMES = ['client', 'A (client side)', 'B (server side)', 'server'];
const CLASS: Record<CorrelateRow['kind'], string> = { syn: 'ss-syn', 'syn-ack': 'ss-syn-ack', ack: 'ss-ack', rst: 'ss-rst' };
const COLOUR: Record<CorrelateRow['kind'], string> = { syn: FALLBACK.syn, 'syn-ack': FALLBACK.synAck, ack: FALLBACK.ack, rst: FALLBACK.rst };
const MID = (X[1] + X[2]) / 2;

function row(r: CorrelateRow, y: number): string {
  const cls = CLASS[r.kind];
  const colour = COLOUR[r.kind];
  const x1 = r.fromBetween ? MID : X[r.from];
  const x2 = r.lost ? MID : X[r.to];
  const dir = x2 > x1 ? 1 : -1;
  const parts: string[] = [];
  parts.push(el('line', { x1, y1: y, x2: x2 - dir * (r.lost ? 0 : 6), y2: y, class: cls, stroke: colour, 'stroke-width': 1.5 }));
  if (r.lost) {
    parts.push(el('path', { d: `M${MID - 6} ${y - 6} L${MID + 6} ${y + 6} M${MID - 6} ${y + 6} L${MID + 6} ${y - 6}`, class: 'ss-rst ss-lost', stroke: FALLBACK.rst, 'stroke-width': 2.5 }));
  } else {
    parts.push(el('path', { d: `M${x2} ${y} l${-dir * 8} -4 l0 8 z`, class: cls, fill: colour }));
  }
  if (r.fromBetween) parts.push(el('rect', { x: MID - 4, y: y - 4, width: 8, height: 8, class: 'ss-rst ss-origin', fill: FALLBACK.rst }));
  for (const [lane, seen] of [[1, r.atA], [2, r.atB]] as const) {
    if (seen) parts.push(el('circle', { cx: X[lane], cy: y, r: 3.5, class: `${cls} ss-seen-${lane === 1 ? 'a' : 'b'}`, fill: colour }));
  }
  parts.push(text(Math.min(x1, x2) + 4, y - 7, r.label, { class: 'ss-text', 'font-size': 11 }));
  if (r.delay !== null) parts.push(text(MID, y + 15, `A↔B ${formatDuration(r.delay)}`, { class: 'ss-muted', 'font-size': 10, 'text-anchor': 'middle' }));
  return el('g', { class: `ss-row ss-row-${r.kind}${r.lost ? ' ss-row-lost' : ''}` }, title(r.label) + parts.join(''));
}

export function renderCorrelateDiagram(p: Pair): string {
  const rows = buildCorrelateModel(p);
  const height = TOP + Math.max(1, rows.length) * ROW + 30;
  const out: string[] = [svgOpen(WIDTH, height, { class: 'ss-root ss-correlate', 'font-family': MONO, 'aria-label': `pair ${p.id}: ${p.verdict}` })];
  out.push(title(`pair ${p.id}: ${p.client} → ${p.server}, ${p.verdict}`));
  for (const lane of [0, 1, 2, 3] as Lane[]) {
    out.push(text(X[lane], 18, NAMES[lane], { class: 'ss-text', 'font-size': 12, 'text-anchor': 'middle', 'font-weight': lane === 1 || lane === 2 ? 'bold' : undefined }));
    out.push(el('line', { x1: X[lane], y1: 28, x2: X[lane], y2: height - 20, class: 'ss-lifeline', stroke: FALLBACK.rule, 'stroke-dasharray': lane === 1 || lane === 2 ? '4 3' : undefined }));
  }
  out.push(text(WIDTH / 2, 40, `${p.verdict}${p.middleboxes.length ? ` · ${p.middleboxes.join(', ')}` : ''}`, { class: 'ss-muted', 'font-size': 11, 'text-anchor': 'middle' }));
  rows.forEach((r, i) => out.push(row(r, TOP + 14 + i * ROW)));
  if (rows.length === 0) out.push(text(WIDTH / 2, TOP + 20, 'no handshake packets', { class: 'ss-muted', 'font-size': 11, 'text-anchor': 'middle' }));
  out.push('</svg>');
  return out.join('');
}

