/**
 * What the sequence diagram says, independent of how it is drawn: each event's kind and label,
 * which arrows are retransmissions (and after what backoff), which SYNs went unanswered, which
 * findings belong to which arrow, the RTT spans and the long gaps. The SVG and Mermaid
 * renderers both draw from this, so they cannot disagree.
 */
import type { Finding, Flow, FlowEvent } from '../core/engine/result';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../core/decode/types';
import { epochNs, formatFlags, secondsBetween } from './format';

export type EventKind = 'SYN' | 'SYN-ACK' | 'ACK' | 'DATA' | 'FIN' | 'RST';

/** The kind shown on an arrow: RST wins over everything, then SYN/SYN-ACK, FIN, data, ACK. */
export function eventKind(ev: FlowEvent): EventKind {
  const f = ev.flags;
  if (f & TCP_RST) return 'RST';
  if (f & TCP_SYN) return f & TCP_ACK ? 'SYN-ACK' : 'SYN';
  if (f & TCP_FIN) return 'FIN';
  if (ev.len > 0) return 'DATA';
  return 'ACK';
}

/** Wireshark-like summary: "SYN, ACK Seq=0 Ack=1 Win=65160 Len=0" (Ack only with the ACK flag). */
export function eventLabel(ev: FlowEvent): string {
  let s = `${formatFlags(ev.flags)} Seq=${ev.seq}`;
  if (ev.flags & TCP_ACK) s += ` Ack=${ev.ack}`;
  s += ` Win=${ev.window}`;
  if (ev.len > 0) s += ` Len=${ev.len}`;
  return s;
}

export interface DiagramRow {
  ev: FlowEvent;
  kind: EventKind;
  label: string;
  retransmission: boolean;
  /** Seconds since the previous transmission this one repeats (the backoff), when known. */
  backoff: number | null;
  /** A SYN or SYN-ACK after which the other side sent nothing before the next try or the end. */
  unanswered: boolean;
  findings: Finding[];
  /** Seconds since the previous row (null on the first). */
  step: number | null;
  /** Seconds since the flow's first packet. */
  sinceStart: number;
}

/** Handshake halves and total, or SYN → RST when the connection was refused. */
export type RttKind = 'server' | 'client' | 'total' | 'connect' | 'reset';

export interface RttSpan {
  kind: RttKind;
  fromPacket: number;
  toPacket: number;
  seconds: number;
}

/**
 * Packets of the flow that have no arrow. The engine records only what the handshake story
 * needs (SYNs, SYN-ACKs, the handshake ACK, each side's first data, first FIN, every RST; at
 * most 32 per flow), so a transfer's later segments and plain ACKs are counted, not drawn.
 */
export interface OmittedRun {
  /** Index of the row the run follows; -1 before the first row. */
  afterRow: number;
  count: number;
  /**
   * The frame numbers, when they are known: the flow's packets are the only ones between its
   * first and last frame (so every frame there without an arrow is one of them). Null when
   * other traffic is interleaved: then only the count and the span are known.
   */
  frames: number[] | null;
  /** First and last frame of the span the run lies in. */
  span: [number, number];
}

export interface DiagramModel {
  rows: DiagramRow[];
  /** Packets counted in the flow but not drawn, where they fall. */
  omitted: OmittedRun[];
  /** Findings that concern the flow but no drawn packet. */
  flowFindings: Finding[];
  rtt: RttSpan[];
  /** Row indexes preceded by a gap drawn as a break. */
  gapsBefore: Set<number>;
}

/** Steps this long or longer are always drawn as a break. */
export const GAP_ABSOLUTE_S = 1;
/** Steps longer than this many median steps are drawn as a break … */
export const GAP_MEDIAN_FACTOR = 10;
/** … unless they are shorter than this: compressing a sub-millisecond step helps nobody. */
export const GAP_MIN_S = 0.001;

function eventSeconds(ev: FlowEvent, flowStart: string): number {
  const s = secondsBetween(flowStart, ev.time);
  return s !== null ? s : Number.isFinite(ev.rel) ? ev.rel : 0;
}

/** Events in time order (stable: equal times keep frame order). */
function sortEvents(events: FlowEvent[]): FlowEvent[] {
  return events
    .map((ev, i) => ({ ev, i, t: epochNs(ev.time) }))
    .sort((a, b) => {
      if (a.t !== null && b.t !== null && a.t !== b.t) return a.t < b.t ? -1 : 1;
      if (a.t === null || b.t === null) {
        const d = (a.ev.rel ?? 0) - (b.ev.rel ?? 0);
        if (d !== 0 && Number.isFinite(d)) return d;
      }
      return a.ev.packet - b.ev.packet || a.i - b.i;
    })
    .map((x) => x.ev);
}

function isRetransmission(ev: FlowEvent, kind: EventKind, earlier: DiagramRow[]): boolean {
  if ((ev.notes ?? []).some((n) => /retrans/i.test(String(n)))) return true;
  // A repeated SYN / SYN-ACK with the same sequence number is a retransmission even when the
  // engine did not say so; a new ISN would have started a new flow.
  if (kind !== 'SYN' && kind !== 'SYN-ACK') return false;
  return earlier.some((r) => r.kind === kind && r.ev.dir === ev.dir && r.ev.seq === ev.seq);
}

/** The earlier transmission a retransmission repeats: same side, same kind and sequence number. */
function previousTransmission(row: DiagramRow, earlier: DiagramRow[]): DiagramRow | null {
  for (let i = earlier.length - 1; i >= 0; i--) {
    const r = earlier[i];
    if (r.ev.dir === row.ev.dir && r.kind === row.kind && r.ev.seq === row.ev.seq) return r;
  }
  for (let i = earlier.length - 1; i >= 0; i--) {
    if (earlier[i].ev.dir === row.ev.dir && earlier[i].kind === row.kind) return earlier[i];
  }
  return null;
}

function markUnanswered(rows: DiagramRow[]): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r.kind !== 'SYN' && r.kind !== 'SYN-ACK') continue;
    let answered = false;
    for (let j = i + 1; j < rows.length; j++) {
      const n = rows[j];
      if (n.ev.dir !== r.ev.dir) { answered = true; break; }
      if (n.kind === r.kind) break;
    }
    r.unanswered = !answered;
  }
}

function relevantFindings(flow: Flow, findings: Finding[]): Finding[] {
  const own = new Set(flow.findings ?? []);
  return findings.filter((f) => own.has(f.id) || (f.flows ?? []).includes(flow.id));
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Which steps become a visible break: long in absolute terms, or long next to the typical step
 * of this flow, so a 63 s SYN retry chain and a 50 µs handshake both fit on one screen.
 */
export function findGaps(steps: Array<number | null>): Set<number> {
  const known = steps.filter((s): s is number => s !== null && s >= 0);
  const med = median(known);
  const out = new Set<number>();
  steps.forEach((s, i) => {
    if (s === null) return;
    if (s >= GAP_ABSOLUTE_S || (s > GAP_MEDIAN_FACTOR * med && s > GAP_MIN_S)) out.add(i);
  });
  return out;
}

function rttSpans(flow: Flow, rows: DiagramRow[]): RttSpan[] {
  const hs = flow.handshake;
  if (!hs) return [];
  const drawn = new Set(rows.map((r) => r.ev.packet));
  const spans: RttSpan[] = [];
  const add = (kind: RttKind, a: typeof hs.syn, b: typeof hs.syn) => {
    if (!a || !b || !drawn.has(a.packet) || !drawn.has(b.packet)) return;
    const seconds = secondsBetween(a.time, b.time);
    if (seconds !== null && seconds >= 0) spans.push({ kind, fromPacket: a.packet, toPacket: b.packet, seconds });
  };
  // Each half between the packets that answered each other: a lost first SYN or a retransmitted
  // SYN-ACK is not the server's or the client's time. Older results lack the measured refs.
  const measured = hs.measuredSyn ?? hs.syn;
  add('server', measured, hs.measuredSynAck ?? (hs.measuredSyn ? null : hs.synAck));
  add('client', hs.ackedSynAck ?? (hs.measuredSyn ? null : hs.synAck), hs.ack);
  add('total', measured, hs.ack);
  // What the application waited when it had to retry: from the first SYN.
  if (hs.syn && measured && measured.packet !== hs.syn.packet) add('connect', hs.syn, hs.ack);
  if (hs.syn && !hs.synAck) {
    const syn = rows.find((r) => r.ev.packet === hs.syn!.packet);
    const rst = rows.find((r) => syn && r.kind === 'RST' && r.ev.dir !== syn.ev.dir && r.sinceStart >= syn.sinceStart);
    if (rst) add('reset', hs.syn, { packet: rst.ev.packet, time: rst.ev.time });
  }
  return spans;
}

/** The flow's packets without an arrow (see OmittedRun). */
export function omittedRuns(flow: Flow, rows: DiagramRow[]): OmittedRun[] {
  const total = (flow.packets?.client ?? 0) + (flow.packets?.server ?? 0);
  const drawn = new Set(rows.map((r) => r.ev.packet));
  const missing = total - drawn.size;
  if (!(missing > 0)) return [];
  const first = flow.firstPacket;
  const last = flow.lastPacket;
  if (last - first + 1 !== total) {
    // Where they are is unknown; the widest stretch of frames between two arrows is the likely
    // place (a transfer between the first data and the FIN), and the words claim no more.
    let afterRow = rows.length - 1;
    let widest = -1;
    for (let i = 0; i + 1 < rows.length; i++) {
      const d = rows[i + 1]!.ev.packet - rows[i]!.ev.packet;
      if (d > widest) { widest = d; afterRow = i; }
    }
    return [{ afterRow, count: missing, frames: null, span: [first, last] }];
  }
  // Contiguous: walk the frames in file order and cut a run at every drawn one.
  const rowOfFrame = new Map(rows.map((r, i) => [r.ev.packet, i]));
  const runs: OmittedRun[] = [];
  let afterRow = -1;
  let cur: number[] = [];
  const flush = (): void => {
    if (cur.length > 0) runs.push({ afterRow, count: cur.length, frames: cur, span: [cur[0]!, cur[cur.length - 1]!] });
    cur = [];
  };
  for (let frame = first; frame <= last; frame++) {
    const i = rowOfFrame.get(frame);
    if (i === undefined) cur.push(frame);
    else {
      flush();
      afterRow = i;
    }
  }
  flush();
  return runs;
}

/** "frames 6–7, 10" (runs of consecutive frames joined). */
export function frameList(frames: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < frames.length;) {
    let j = i;
    while (j + 1 < frames.length && frames[j + 1] === frames[j]! + 1) j++;
    parts.push(j === i ? String(frames[i]) : `${frames[i]}–${frames[j]}`);
    i = j + 1;
  }
  return `${frames.length === 1 ? 'frame' : 'frames'} ${parts.join(', ')}`;
}

/** The marker's words: "⋯ 2 packets not drawn (frames 6–7)". */
export function omittedText(run: OmittedRun): string {
  const what = `⋯ ${run.count} ${run.count === 1 ? 'packet' : 'packets'} not drawn`;
  return run.frames ? `${what} (${frameList(run.frames)})` : `${what} (in frames ${run.span[0]}–${run.span[1]}, among other flows' packets)`;
}

export function buildDiagramModel(flow: Flow, events: FlowEvent[], findings: Finding[]): DiagramModel {
  const mine = relevantFindings(flow, findings);
  const byPacket = new Map<number, Finding[]>();
  for (const f of mine) {
    if (!(f.packet > 0)) continue;
    const list = byPacket.get(f.packet) ?? [];
    list.push(f);
    byPacket.set(f.packet, list);
  }
  const rows: DiagramRow[] = [];
  let prevSeconds: number | null = null;
  for (const ev of sortEvents(events)) {
    const kind = eventKind(ev);
    const sinceStart = eventSeconds(ev, flow.start);
    const prev = rows[rows.length - 1];
    const row: DiagramRow = {
      ev, kind, label: eventLabel(ev), retransmission: isRetransmission(ev, kind, rows), backoff: null,
      unanswered: false, findings: byPacket.get(ev.packet) ?? [],
      step: prev ? (secondsBetween(prev.ev.time, ev.time) ?? sinceStart - (prevSeconds ?? 0)) : null,
      sinceStart,
    };
    if (row.retransmission) {
      const orig = previousTransmission(row, rows);
      if (orig) row.backoff = secondsBetween(orig.ev.time, ev.time) ?? sinceStart - orig.sinceStart;
    }
    rows.push(row);
    prevSeconds = sinceStart;
  }
  markUnanswered(rows);
  const drawn = new Set(rows.map((r) => r.ev.packet));
  return {
    rows,
    omitted: omittedRuns(flow, rows),
    flowFindings: mine.filter((f) => !drawn.has(f.packet)),
    rtt: rttSpans(flow, rows),
    gapsBefore: findGaps(rows.map((r) => r.step)),
  };
}
