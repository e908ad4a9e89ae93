/**
 * Findings about one flow, decided when the flow is finished. They are held per target until
 * the end, because a flow that turns out to be part of a SYN flood is counted in the flood's
 * finding instead of getting its own.
 */
import type { AnalysisConfig } from './config';
import { count, ep, formatDuration, intervals } from './describe';
import type { FlowFacts } from './buildFlow';
import type { Outcome } from './outcome';
import type { FindingCode, Flow, TcpOptionsSeen } from './result';
import { P_RST, P_SYN, type FlowState } from './flowState';

/** A finding before it gets an id and severity. */
export interface Candidate {
  code: FindingCode;
  message: string;
  flows: number[];
  packet: number;
  time: string | null;
  details: Record<string, unknown>;
}

function at(flow: Flow, which: 'syn' | 'synAck' | 'ack'): { packet: number; time: string | null } {
  const r = flow.handshake[which];
  return r ? { packet: r.packet, time: r.time } : { packet: flow.firstPacket, time: flow.start };
}

const OUTCOME_CODE: Partial<Record<Outcome, FindingCode>> = {
  unanswered: 'unanswered-syn', 'half-open': 'half-open', refused: 'refused', reset: 'reset-during-handshake',
};

/**
 * Which per-flow findings a finished flow gets: written into the caller's reused array, the
 * count returned (emptying an array with `length = 0` drops its storage, and this runs for
 * every flow). Cheap: no strings.
 */
export function findingCodes(f: FlowFacts, outcome: Outcome, config: AnalysisConfig, out: FindingCode[]): number {
  let n = 0;
  const byOutcome = OUTCOME_CODE[outcome];
  const inProgress = outcome === 'half-open' || outcome === 'unanswered';
  if (f.cutOff && inProgress) out[n++] = 'incomplete-at-end';
  // A live handshake finished for the memory bound is counted in capture-limits, never a finding.
  else if (byOutcome && !(f.forced && inProgress)) out[n++] = byOutcome;
  // A half-open flow's SYN-ACK retransmissions are its half-open finding's cause, told there.
  // Copies of one packet (SPAN duplicates) are no retry: nothing to report.
  if (f.synRetx > f.synDup && outcome !== 'unanswered') out[n++] = 'syn-retransmission';
  if (f.synAckRetx > f.synAckDup && outcome !== 'half-open') out[n++] = 'synack-retransmission';
  const slow = handshakeTime(f);
  if (slow !== null && slow * 1000 > config.slowRttMs) out[n++] = 'slow-handshake';
  if (f.simultaneousOpen) out[n++] = 'simultaneous-open';
  if (f.portReuse) out[n++] = 'port-reuse';
  if (f.syn > 0 && f.synAck > 0 && hasOptionsMismatch(f.clientOptions, f.serverOptions)) out[n++] = 'options-mismatch';
  return n;
}

/**
 * How long the server and the path took, for `slow-handshake`: retransmissions have findings of
 * their own, so the time they cost is left out. Wireshark's RTT stands in only where nothing
 * was retransmitted (then the two are the same exchange).
 */
export function handshakeTime(f: FlowFacts): number | null {
  return f.answerTime ?? (f.synRetx === f.synDup && f.synAckRetx === f.synAckDup ? f.rtt : null);
}

/** The findings themselves, with messages, for the codes `findingCodes` chose (and room was left for). */
export function flowFindings(flow: Flow, codes: ReadonlySet<FindingCode>, outcome: Outcome, config: AnalysisConfig, rstPacket: number, rstTime: string | null, rstDelay: number | null): Candidate[] {
  const out: Candidate[] = [];
  const c = ep(flow.client);
  const s = ep(flow.server);
  const base = { flows: [flow.id] };
  if (codes.has('unanswered-syn')) {
    // Backoff intervals leave out copies of one packet (SPAN duplicates): those are no retries.
    const retries = flow.synIntervals.length;
    const waited = flow.synIntervals.reduce((a, b) => a + b, 0);
    out.push({
      ...base, code: 'unanswered-syn', ...at(flow, 'syn'),
      message: retries > 0
        ? `${s} never answered ${c}: ${count(retries + 1, 'SYN')} over ${formatDuration(waited)} (retries after ${intervals(flow.synIntervals)})`
        : `${s} never answered the SYN from ${c}`,
      details: { syns: flow.syn, synRetransmissions: flow.synRetransmissions, synIntervals: flow.synIntervals },
    });
  }
  if (codes.has('half-open')) {
    const retried = flow.synAckIntervals.length > 0
      ? ` (SYN-ACK sent ${count(flow.synAckIntervals.length + 1, 'time')}, retries after ${intervals(flow.synAckIntervals)})` : '';
    out.push({
      ...base, code: 'half-open', ...at(flow, 'synAck'),
      message: `${s} answered ${c} with a SYN-ACK but the client never completed the handshake${retried}`,
      details: { synAcks: flow.synAck, synAckRetransmissions: flow.synAckRetransmissions, synAckIntervals: flow.synAckIntervals },
    });
  }
  if (codes.has('incomplete-at-end')) {
    const answered = flow.synAck > 0;
    out.push({
      ...base, code: 'incomplete-at-end', ...at(flow, answered ? 'synAck' : 'syn'),
      message: `Handshake ${c} → ${s} incomplete at capture end: ` +
        (answered ? 'SYN-ACK sent, no ACK yet' : 'SYN sent, no answer yet') +
        ', and the capture ended before a retransmission was due',
      details: { syns: flow.syn, synAcks: flow.synAck },
    });
  }
  if (codes.has('refused')) {
    out.push({
      ...base, code: 'refused', packet: rstPacket || flow.firstPacket, time: rstTime ?? flow.start,
      message: `${s} refused the connection from ${c} (RST${rstDelay !== null ? ` after ${formatDuration(rstDelay)}` : ''}): nothing listens on port ${flow.server.port}, or a firewall rejects it`,
      details: { syns: flow.syn, rstAfter: rstDelay },
    });
  }
  if (codes.has('reset-during-handshake')) {
    const by = flow.reset === 'both' ? 'both sides' : `the ${flow.reset}`;
    out.push({
      ...base, code: 'reset-during-handshake', packet: rstPacket || flow.firstPacket, time: rstTime ?? flow.start,
      message: `Handshake ${c} → ${s} reset by ${by} before it completed${flow.synAck > 0 ? ' (after the SYN-ACK)' : ''}`,
      details: { resetBy: flow.reset, synAck: flow.synAck > 0 },
    });
  }
  if (codes.has('syn-retransmission')) {
    out.push({
      ...base, code: 'syn-retransmission', ...at(flow, 'syn'),
      message: synRetryMessage(flow, c, s),
      details: { syns: flow.syn, synRetransmissions: flow.synRetransmissions, synIntervals: flow.synIntervals, delay: retryDelay(flow) },
    });
  }
  if (codes.has('synack-retransmission')) {
    const lostAck = flow.handshake.complete || outcome === 'half-open';
    out.push({
      ...base, code: 'synack-retransmission', ...at(flow, 'synAck'),
      message: `${s} retransmitted its SYN-ACK to ${c} ${count(flow.synAckRetransmissions, 'time')} (after ${intervals(flow.synAckIntervals)})` +
        (lostAck ? ': the client\'s final ACK was lost or late' : '') +
        synAckAnswer(flow),
      details: { synAcks: flow.synAck, synAckRetransmissions: flow.synAckRetransmissions, synAckIntervals: flow.synAckIntervals },
    });
  }
  const hs = flow.handshake;
  const took = hs.serverRtt !== null && hs.clientRtt !== null ? hs.serverRtt + hs.clientRtt : hs.rtt;
  if (codes.has('slow-handshake') && took !== null) {
    const parts = hs.serverRtt !== null && hs.clientRtt !== null
      ? `; the server answered the SYN after ${formatDuration(hs.serverRtt)}, the client acknowledged the SYN-ACK after ${formatDuration(hs.clientRtt)}` : '';
    out.push({
      ...base, code: 'slow-handshake', ...at(flow, 'ack'),
      message: `Handshake ${c} → ${s} took ${formatDuration(took)} (threshold ${config.slowRttMs} ms${parts})`,
      details: { handshakeTime: took, rtt: hs.rtt, serverRtt: hs.serverRtt, clientRtt: hs.clientRtt, connectTime: hs.connectTime, thresholdMs: config.slowRttMs, basis: 'absolute' },
    });
  }
  if (codes.has('simultaneous-open')) {
    out.push({
      ...base, code: 'simultaneous-open', packet: flow.firstPacket, time: flow.start,
      message: `Simultaneous open: ${c} and ${s} both sent a SYN`,
      details: { complete: flow.handshake.complete },
    });
  }
  if (codes.has('port-reuse')) {
    out.push({
      ...base, code: 'port-reuse', ...at(flow, 'syn'),
      message: `${c} → ${s} reuses a 4-tuple already used earlier in the capture (new ISN)`,
      details: {},
    });
  }
  const mismatch = codes.has('options-mismatch') ? optionsMismatch(flow.options.client, flow.options.server) : [];
  if (mismatch.length > 0) {
    out.push({
      ...base, code: 'options-mismatch', ...at(flow, 'synAck'),
      message: `${s}'s SYN-ACK to ${c}: ${mismatch.join('; ')}`,
      details: { problems: mismatch, client: flow.options.client, server: flow.options.server },
    });
  }
  return out;
}

/** How the client answered a retransmitted SYN-ACK, from the ACK and the SYN-ACK it acknowledged. */
function synAckAnswer(flow: Flow): string {
  const hs = flow.handshake;
  if (!hs.ack || !hs.synAck || hs.clientRtt === null) return '';
  const lastSynAck = Number(hs.synAck.time) + flow.synAckIntervals.reduce((a, b) => a + b, 0);
  if (Number(hs.ack.time) < lastSynAck) {
    return `; the client's ACK (frame ${hs.ack.packet}, ${formatDuration(hs.clientRtt)} after the SYN-ACK) is in the capture: it was lost on the way to the server`;
  }
  return `; the client acknowledged the last one after ${formatDuration(hs.clientRtt)}`;
}

/** Seconds the retries cost: first SYN → the SYN the handshake went on with (0 when the first one did). */
function retryDelay(flow: Flow): number {
  const { syn, measuredSyn } = flow.handshake;
  if (!syn || !measuredSyn || measuredSyn.packet === syn.packet) return 0;
  const d = Number(measuredSyn.time) - Number(syn.time);
  return d > 0 ? d : 0;
}

/** What happened to a retried SYN, from the packets that answered each other. */
function synRetryMessage(flow: Flow, c: string, s: string): string {
  const hs = flow.handshake;
  const times = count(flow.syn, 'time');
  const retries = `retries after ${intervals(flow.synIntervals)}`;
  if (!hs.measuredSyn || !hs.syn || hs.measuredSyn.packet === hs.syn.packet) {
    // Every repeat came after the SYN the handshake went on with: nothing was waited for.
    return `${c} sent its SYN to ${s} ${times} (${retries}), but the first one was answered` +
      (hs.complete ? ' and the handshake completed: the repeats cost no time' : '');
  }
  const answeredEarlier = hs.synAck !== null && hs.synAck.packet < hs.measuredSyn.packet;
  // SYNs before the one the handshake went on with: the backoff steps that add up to the delay.
  const delay = retryDelay(flow);
  let before = 0;
  for (let sum = 0; before < flow.synIntervals.length && sum + flow.synIntervals[before] <= delay + 1e-6; before++) sum += flow.synIntervals[before];
  const lost = before > 1 ? `the first ${before} SYNs` : 'the first SYN';
  const first = answeredEarlier
    ? `the server's SYN-ACK to ${lost} never reached the client (it is in the capture)`
    : `${lost} went unanswered`;
  const answer = hs.serverRtt !== null ? `; ${s} answered the retry in ${formatDuration(hs.serverRtt)}` : '';
  return `${c} sent its SYN to ${s} ${times} (${retries}): ${first}${answer}; connecting took ${formatDuration(retryDelay(flow))} longer`;
}

/**
 * Options a SYN-ACK may only echo if the SYN offered them (RFC 7323, 2018, 7413), and sane
 * values: each check with its sentence, listed once for both uses below.
 */
const OPTION_CHECKS: readonly [(c: TcpOptionsSeen, s: TcpOptionsSeen) => boolean, (c: TcpOptionsSeen, s: TcpOptionsSeen) => string][] = [
  [(c, s) => s.windowScale !== null && c.windowScale === null, () => 'window scaling accepted but never offered'],
  [(c, s) => s.sackPermitted && !c.sackPermitted, () => 'SACK accepted but never offered'],
  [(c, s) => s.timestamps && !c.timestamps, () => 'timestamps accepted but never offered'],
  [(c, s) => s.fastOpen === 'cookie' && c.fastOpen === null, () => 'Fast Open cookie sent without a request'],
  [(c) => c.windowScale !== null && c.windowScale > 14, (c) => `client window scale ${c.windowScale} exceeds the maximum of 14`],
  [(_, s) => s.windowScale !== null && s.windowScale > 14, (_, s) => `server window scale ${s.windowScale} exceeds the maximum of 14`],
];

/** Whether any check fails (run for every flow: no sentences built). */
function hasOptionsMismatch(c: TcpOptionsSeen, s: TcpOptionsSeen): boolean {
  for (const [fails] of OPTION_CHECKS) if (fails(c, s)) return true;
  return false;
}

function optionsMismatch(c: TcpOptionsSeen, s: TcpOptionsSeen): string[] {
  return OPTION_CHECKS.filter(([fails]) => fails(c, s)).map(([, sentence]) => sentence(c, s));
}

/** flowFindings for a flow still in the engine's state (its RST point read from the slab). */
export function stateFindings(f: FlowState, flow: Flow, codes: ReadonlySet<FindingCode>, outcome: Outcome, config: AnalysisConfig): Candidate[] {
  const rst = f.firstRstSide >= 0;
  const rstDelay = rst && f.firstSynSide >= 0 ? f.pointDiff(P_RST, P_SYN) : null;
  return flowFindings(flow, codes, outcome, config, rst ? f.pointPacket(P_RST) : 0, rst ? f.pointTime(P_RST) : null, rstDelay);
}
