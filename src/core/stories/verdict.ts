/**
 * One line that says what a capture shows, for every capture (not only the three stories),
 * and the flow worth looking at first. Pure: a function of the analysis result, so the editor,
 * tests and any other front end say the same thing.
 *
 * The counts come from the result's summary and flow states (the same numbers the summary
 * tiles and the CLI print), never from a story's own figures, so one screen never shows two
 * different counts for the same thing.
 */
import type { AnalysisResult, Flow, Severity } from '../engine/result';
import { fmtSeconds, plural } from './format';

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
 */
export function verdict(r: AnalysisResult, duration: (seconds: number) => string = fmtSeconds): Verdict {
  const s = r.summary;
  const damage = r.capture.problems[0];
  const damaged = damage ? `capture damaged at byte offset ${damage.offset}${damage.packet > 0 ? ` (after frame ${damage.packet})` : ''}` : '';
  const flowId = worstFlow(r);
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
  const problems = problemPhrases(r, duration);
  const worst = worstSeverity(r);
  const story = [...(r.stories ?? [])].sort((a, b) => storyRank(b.kind) - storyRank(a.kind))[0];
  const hs = handshakePhrase(r, duration);
  if (problems.length === 0 && !story && (worst === null || worst === 'info')) {
    const notes = infoNotes(r);
    const text = `healthy: ${hs}${vlanNote(r)}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
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

/** Flows that sent a SYN: the connects the capture saw being attempted. */
function attempts(r: AnalysisResult): number {
  let n = 0;
  for (const f of r.flows) if (f.handshake.syn !== null) n++;
  return n;
}

/** What went wrong, worst first, each with its count from the summary or the flow states. */
function problemPhrases(r: AnalysisResult, duration: (seconds: number) => string): string[] {
  const s = r.summary;
  const out: string[] = [];
  const tried = attempts(r);
  const of = (n: number): string => (tried > n ? `${n.toLocaleString('en-US')} of ${plural(tried, 'connect')}` : plural(n, 'connect'));
  if (s.halfOpen > 0) out.push(`${s.halfOpen.toLocaleString('en-US')} half-open (SYN-ACK sent, no final ACK)`);
  if (s.refused > 0) out.push(`${of(s.refused)} refused`);
  const unanswered = r.flows.filter((f) => f.state === 'S0' && f.syn > 0).length;
  if (unanswered > 0) out.push(`${of(unanswered)} never answered`);
  const resetLate = s.reset - s.refused;
  if (resetLate > 0 && out.length > 0) out.push(`${resetLate.toLocaleString('en-US')} reset`);
  const lostAck = flowsWith(r, 'synack-retransmission');
  if (lostAck.length > 0) {
    const resent = lostAck.reduce((a, f) => a + f.synAckRetransmissions, 0);
    out.push(`the server resent its SYN-ACK ${resent === 1 ? 'once' : `${resent} times`}${lostAck.length > 1 ? ` on ${plural(lostAck.length, 'flow')}` : ''}: the final ACK was lost or late`);
  }
  const slow = flowsWith(r, 'slow-handshake');
  if (slow.length > 0) {
    const slowest = Math.max(...slow.map((f) => f.handshake.rtt ?? f.handshake.serverRtt ?? 0));
    out.push(slow.length === 1 ? `1 slow handshake (${duration(slowest)})` : `${plural(slow.length, 'slow handshake')} (slowest ${duration(slowest)})`);
  }
  const synRetx = flowsWith(r, 'syn-retransmission');
  if (synRetx.length > 0) out.push(`${plural(synRetx.length, 'connect')} had to resend the SYN`);
  return out;
}

/** "20 handshakes, median 21 ms" (RTT = ACK − SYN of complete handshakes). */
function handshakePhrase(r: AnalysisResult, duration: (seconds: number) => string): string {
  const rtts: number[] = [];
  for (const f of r.flows) if (f.handshake.complete && f.handshake.rtt !== null) rtts.push(f.handshake.rtt);
  const n = r.summary.handshakesComplete;
  if (n === 0) return 'no handshake completed';
  const count = plural(n, 'handshake');
  if (rtts.length === 0) return `${count} completed`;
  rtts.sort((a, b) => a - b);
  const mid = rtts.length >> 1;
  const median = rtts.length % 2 === 1 ? rtts[mid]! : (rtts[mid - 1]! + rtts[mid]!) / 2;
  return rtts.length === 1 ? `${count} in ${duration(median)}` : `${count}, median ${duration(median)}`;
}

function vlanNote(r: AnalysisResult): string {
  const ids = new Set<number>();
  for (const f of r.flows) for (const v of f.vlan) ids.add(v);
  if (ids.size === 0) return '';
  const list = [...ids].sort((a, b) => a - b);
  return ` on VLAN${list.length > 1 ? 's' : ''} ${list.join(', ')}`;
}

/** Harmless things worth a word on an otherwise healthy capture. */
function infoNotes(r: AnalysisResult): string[] {
  const notes: string[] = [];
  const reuse = flowsWith(r, 'port-reuse').length;
  if (reuse > 0) notes.push(`${reuse} reused ${reuse === 1 ? 'port' : 'ports'}`);
  if (flowsWith(r, 'simultaneous-open').length > 0) notes.push('simultaneous open');
  const tfo = r.flows.filter((f) => f.synData > 0 || f.options.client.fastOpen !== null).length;
  if (tfo > 0) notes.push(`TCP Fast Open on ${plural(tfo, 'flow')}`);
  return notes;
}

function flowsWith(r: AnalysisResult, code: string): Flow[] {
  const ids = new Set<number>();
  for (const fd of r.findings) if (fd.code === code) for (const id of fd.flows) ids.add(id);
  return r.flows.filter((f) => ids.has(f.id));
}

function worstSeverity(r: AnalysisResult): Severity | null {
  let worst: Severity | null = null;
  for (const fd of r.findings) if (worst === null || RANK[fd.severity] > RANK[worst]) worst = fd.severity;
  return worst;
}

/**
 * The flow to show first: the one with the most severe finding (more findings break ties,
 * then the earlier flow); with no findings, the slowest handshake; else the first flow.
 */
function worstFlow(r: AnalysisResult): number | null {
  if (r.flows.length === 0) return null;
  const sev = new Map<number, number>();
  for (const fd of r.findings) sev.set(fd.id, RANK[fd.severity]);
  let best: Flow | null = null;
  let bestKey = -1;
  for (const f of r.flows) {
    let w = 0;
    for (const id of f.findings) w = Math.max(w, sev.get(id) ?? 0);
    const key = w * 1000 + Math.min(f.findings.length, 999);
    if (key > bestKey) {
      best = f;
      bestKey = key;
    }
  }
  if (best && bestKey > 0) return best.id;
  let slow: Flow | null = null;
  for (const f of r.flows) if (f.handshake.rtt !== null && (slow === null || f.handshake.rtt > slow.handshake.rtt!)) slow = f;
  return (slow ?? r.flows[0]!).id;
}
