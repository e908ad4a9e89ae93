/**
 * One line that says what a capture shows, for every capture (not only the three stories),
 * and the flow worth looking at first. Pure: a function of the analysis result, so the editor,
 * tests and any other front end say the same thing.
 *
 * The counts come from the result's summary and flow states (the same numbers the summary
 * tiles and the CLI print), never from a story's own figures, so one screen never shows two
 * different counts for the same thing. The per-flow counts and the median RTT read every flow
 * (the editor passes the engine's store), not only the listed ones (synscope.maxFlows), as the
 * summary, findings and stories do.
 */
import type { AnalysisResult, Severity } from '../engine/result';
import { fieldsOf } from '../store/flowFields';
import { idAt, type FlowList } from '../store/flowList';
import { plural } from './format';
import { formatDuration } from '../engine/describe';

export type VerdictTone = 'error' | 'warning' | 'info' | 'good';

export interface Verdict {
  tone: VerdictTone;
  /** "healthy: 20 handshakes, median 21 ms", "3 of 4 connects refused; …". */
  text: string;
  /** The worst flow (or the only one), to select when the capture opens; null when there is none. */
  flowId: number | null;
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/**
 * `duration` formats seconds; the editor passes the diagram's formatter so the verdict's
 * "median 460 µs" reads exactly like the histogram and the diagram next to it.
 * `flows`: every flow of the capture (the editor passes the engine's store, whose flows are
 * built one at a time: hence one pass); by default the result's listed flows.
 */
export function verdict(r: AnalysisResult, duration: (seconds: number) => string = formatDuration, flows: FlowList = r.flows): Verdict {
  const s = r.summary;
  const damage = r.capture.problems[0];
  const damaged = damage ? `capture damaged at byte offset ${damage.offset}${damage.packet > 0 ? ` (after frame ${damage.packet})` : ''}` : '';
  const t = tally(r, flows);
  const flowId = t.worstFlow;
  if (s.flows === 0) {
    const tcp = r.capture.decoded?.tcp;
    const none = tcp === 0 && r.capture.packets > 0
      ? `no TCP in this capture (${plural(r.capture.packets, 'packet')}, none of them TCP)`
      : 'no TCP flows in this capture';
    return { tone: damaged ? 'error' : 'info', text: join(damaged, none), flowId: null };
  }
  if (s.syn === 0 && s.synAck === 0) {
    const text = `no handshakes in this capture: it starts mid-stream (${plural(s.flows, 'flow')} already open)`;
    return { tone: damaged ? 'error' : 'info', text: join(damaged, text), flowId };
  }
  const problems = problemPhrases(r, t, duration);
  const worst = worstSeverity(r);
  const story = [...(r.stories ?? [])].sort((a, b) => storyRank(b.kind) - storyRank(a.kind))[0];
  const hs = handshakePhrase(r, t, duration);
  if (problems.length === 0 && !story && (worst === null || worst === 'info')) {
    const notes = infoNotes(t);
    const text = `healthy: ${hs}${vlanNote(t)}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
    return { tone: damaged ? 'error' : 'good', text: join(damaged, text), flowId };
  }
  const head = story ? `${story.title}: ` : '';
  const body = [...problems, hs].join('; ');
  const tone: VerdictTone = damaged || worst === 'error' ? 'error' : 'warning';
  return { tone, text: join(damaged, head + body), flowId };
}

function join(damaged: string, text: string): string {
  return damaged ? `${damaged}; before it: ${text}` : text;
}

function storyRank(kind: string): number {
  return kind === 'syn-flood' ? 3 : kind === 'hanging-connects' ? 2 : 1;
}

/** Flows named by findings of a code: how many, and the figures the phrases quote. */
interface Marked { flows: number; synAckResent: number; slowest: number }

/** What the verdict needs from the flows, gathered in one pass. */
interface Tally {
  /** Flows that sent a SYN: the connects the capture saw being attempted. */
  attempts: number;
  unanswered: number;
  /** Handshake RTTs (ACK − SYN) of complete handshakes, seconds. */
  rtts: number[];
  vlans: Set<number>;
  fastOpen: number;
  marked: Map<string, Marked>;
  worstFlow: number | null;
}

const MARKED_CODES = ['synack-retransmission', 'slow-handshake', 'syn-retransmission', 'port-reuse', 'simultaneous-open'];

function tally(r: AnalysisResult, flows: FlowList): Tally {
  const codesOf = new Map<number, string[]>();
  for (const fd of r.findings) {
    if (!MARKED_CODES.includes(fd.code)) continue;
    for (const id of fd.flows) {
      const codes = codesOf.get(id);
      if (!codes) codesOf.set(id, [fd.code]);
      else if (!codes.includes(fd.code)) codes.push(fd.code);
    }
  }
  const sev = new Map<number, number>();
  for (const fd of r.findings) sev.set(fd.id, RANK[fd.severity]);
  const t: Tally = { attempts: 0, unanswered: 0, rtts: [], vlans: new Set(), fastOpen: 0, marked: new Map(), worstFlow: null };
  // The flow to show first: the one with the most severe finding (more findings break ties,
  // then the earlier flow); with no findings, the slowest handshake; else the first flow.
  // Read from the store's columns (fieldsOf): the editor's store builds no Flow for this.
  const x = fieldsOf(flows);
  let best = -1;
  let bestKey = -1;
  let slow = -1;
  let slowRtt = -Infinity;
  for (let i = 0; i < flows.length; i++) {
    const rtt = x.number(i, 'rtt');
    const state = x.state(i);
    if (x.hasSyn(i)) t.attempts++;
    if (state === 'S0' && x.number(i, 'syn') > 0) t.unanswered++;
    const view = x.filterable(i);
    if (view.handshake.complete && rtt === rtt) t.rtts.push(rtt);
    for (const v of view.vlan) t.vlans.add(v);
    if (x.number(i, 'synData') > 0 || x.clientFastOpen(i)) t.fastOpen++;
    const findings = x.findings(i);
    for (const code of codesOf.get(idAt(flows, i)) ?? []) {
      let m = t.marked.get(code);
      if (!m) t.marked.set(code, (m = { flows: 0, synAckResent: 0, slowest: 0 }));
      m.flows++;
      m.synAckResent += x.number(i, 'synAckRetransmissions');
      const serverRtt = x.number(i, 'serverRtt');
      m.slowest = Math.max(m.slowest, rtt === rtt ? rtt : serverRtt === serverRtt ? serverRtt : 0);
    }
    let w = 0;
    for (const id of findings) w = Math.max(w, sev.get(id) ?? 0);
    const key = w * 1000 + Math.min(findings.length, 999);
    if (key > bestKey) {
      best = i;
      bestKey = key;
    }
    if (rtt === rtt && (slow < 0 || rtt > slowRtt)) {
      slow = i;
      slowRtt = rtt;
    }
  }
  const shown = best >= 0 && bestKey > 0 ? best : slow >= 0 ? slow : flows.length > 0 ? 0 : -1;
  t.worstFlow = shown >= 0 ? idAt(flows, shown) : null;
  return t;
}

const NONE: Marked = { flows: 0, synAckResent: 0, slowest: 0 };

/** What went wrong, worst first, each with its count from the summary or the flow states. */
function problemPhrases(r: AnalysisResult, t: Tally, duration: (seconds: number) => string): string[] {
  const s = r.summary;
  const out: string[] = [];
  const tried = t.attempts;
  const of = (n: number): string => (tried > n ? `${n.toLocaleString('en-US')} of ${plural(tried, 'connect')}` : plural(n, 'connect'));
  if (s.halfOpen > 0) out.push(`${s.halfOpen.toLocaleString('en-US')} half-open (SYN-ACK sent, no final ACK)`);
  if (s.refused > 0) out.push(`${of(s.refused)} refused`);
  if (t.unanswered > 0) out.push(`${of(t.unanswered)} never answered`);
  const resetLate = s.reset - s.refused;
  if (resetLate > 0 && out.length > 0) out.push(`${resetLate.toLocaleString('en-US')} reset`);
  const lostAck = t.marked.get('synack-retransmission') ?? NONE;
  if (lostAck.flows > 0) {
    const resent = lostAck.synAckResent;
    out.push(`the server resent its SYN-ACK ${resent === 1 ? 'once' : `${resent} times`}${lostAck.flows > 1 ? ` on ${plural(lostAck.flows, 'flow')}` : ''}: the final ACK was lost or late`);
  }
  const slow = t.marked.get('slow-handshake') ?? NONE;
  if (slow.flows > 0) {
    out.push(slow.flows === 1 ? `1 slow handshake (${duration(slow.slowest)})` : `${plural(slow.flows, 'slow handshake')} (slowest ${duration(slow.slowest)})`);
  }
  const synRetx = (t.marked.get('syn-retransmission') ?? NONE).flows;
  if (synRetx > 0) out.push(`${plural(synRetx, 'connect')} had to resend the SYN`);
  return out;
}

/** "20 handshakes, median 21 ms" (RTT = ACK − SYN of complete handshakes). */
function handshakePhrase(r: AnalysisResult, t: Tally, duration: (seconds: number) => string): string {
  const rtts = t.rtts;
  const n = r.summary.handshakesComplete;
  if (n === 0) return 'no handshake completed';
  const count = plural(n, 'handshake');
  if (rtts.length === 0) return `${count} completed`;
  rtts.sort((a, b) => a - b);
  const mid = rtts.length >> 1;
  const median = rtts.length % 2 === 1 ? rtts[mid]! : (rtts[mid - 1]! + rtts[mid]!) / 2;
  return rtts.length === 1 ? `${count} in ${duration(median)}` : `${count}, median ${duration(median)}`;
}

function vlanNote(t: Tally): string {
  if (t.vlans.size === 0) return '';
  const list = [...t.vlans].sort((a, b) => a - b);
  return ` on VLAN${list.length > 1 ? 's' : ''} ${list.join(', ')}`;
}

/** Harmless things worth a word on an otherwise healthy capture. */
function infoNotes(t: Tally): string[] {
  const notes: string[] = [];
  const reuse = (t.marked.get('port-reuse') ?? NONE).flows;
  if (reuse > 0) notes.push(`${reuse} reused ${reuse === 1 ? 'port' : 'ports'}`);
  if ((t.marked.get('simultaneous-open') ?? NONE).flows > 0) notes.push('simultaneous open');
  if (t.fastOpen > 0) notes.push(`TCP Fast Open on ${plural(t.fastOpen, 'flow')}`);
  return notes;
}

function worstSeverity(r: AnalysisResult): Severity | null {
  let worst: Severity | null = null;
  for (const fd of r.findings) if (worst === null || RANK[fd.severity] > RANK[worst]) worst = fd.severity;
  return worst;
}
