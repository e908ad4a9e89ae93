/**
 * Findings about one flow, decided when the flow is finished. They are held per target until
 * the end, because a flow that turns out to be part of a SYN flood is counted in the flood's
 * finding instead of getting its own.
 */
import type { AnalysisConfig } from './config';
import { count, dur, ep, intervals } from './describe';
import type { FlowFacts } from './buildFlow';
import type { Outcome } from './outcome';
import type { FindingCode, Flow, TcpOptionsSeen } from './result';

/** A finding before it gets an id and severity. */
export interface Candidate {
  code: FindingCode;
  message: string;
  flows: number[];
  packet: number;
  time: string | null;
  details: Record<string, unknown>;
}

/** Codes dropped for flows that belong to a flood target's failed attempts. */
export const FLOOD_ABSORBED: ReadonlySet<FindingCode> = new Set<FindingCode>([
  'unanswered-syn', 'half-open', 'reset-during-handshake', 'syn-retransmission', 'synack-retransmission',
]);

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
  if (byOutcome) out[n++] = byOutcome;
  if (f.synRetx > 0 && outcome !== 'unanswered') out[n++] = 'syn-retransmission';
  if (f.synAckRetx > 0) out[n++] = 'synack-retransmission';
  if (f.rtt !== null && f.rtt * 1000 > config.slowRttMs) out[n++] = 'slow-handshake';
  if (f.simultaneousOpen) out[n++] = 'simultaneous-open';
  if (f.portReuse) out[n++] = 'port-reuse';
  if (f.syn > 0 && f.synAck > 0 && hasOptionsMismatch(f.clientOptions, f.serverOptions)) out[n++] = 'options-mismatch';
  return n;
}

/** The findings themselves, with messages, for the codes `findingCodes` chose (and room was left for). */
export function flowFindings(flow: Flow, codes: ReadonlySet<FindingCode>, outcome: Outcome, config: AnalysisConfig, rstPacket: number, rstTime: string | null, rstDelay: number | null): Candidate[] {
  const out: Candidate[] = [];
  const c = ep(flow.client);
  const s = ep(flow.server);
  const base = { flows: [flow.id] };
  if (codes.has('unanswered-syn')) {
    const retries = flow.syn - 1;
    const waited = flow.synIntervals.reduce((a, b) => a + b, 0);
    out.push({
      ...base, code: 'unanswered-syn', ...at(flow, 'syn'),
      message: retries > 0
        ? `${s} never answered ${c}: ${count(flow.syn, 'SYN')} over ${dur(waited)} (retries after ${intervals(flow.synIntervals)})`
        : `${s} never answered the SYN from ${c}`,
      details: { syns: flow.syn, synRetransmissions: flow.synRetransmissions, synIntervals: flow.synIntervals },
    });
  }
  if (codes.has('half-open')) {
    out.push({
      ...base, code: 'half-open', ...at(flow, 'synAck'),
      message: `${s} answered ${c} with a SYN-ACK but the client never completed the handshake`,
      details: { synAcks: flow.synAck, synAckRetransmissions: flow.synAckRetransmissions, synAckIntervals: flow.synAckIntervals },
    });
  }
  if (codes.has('refused')) {
    out.push({
      ...base, code: 'refused', packet: rstPacket || flow.firstPacket, time: rstTime ?? flow.start,
      message: `${s} refused the connection from ${c} (RST${rstDelay !== null ? ` after ${dur(rstDelay)}` : ''}): nothing listens on port ${flow.server.port}, or a firewall rejects it`,
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
    const waited = flow.synIntervals.reduce((a, b) => a + b, 0);
    out.push({
      ...base, code: 'syn-retransmission', ...at(flow, 'syn'),
      message: `${c} had to send its SYN to ${s} ${flow.syn} times (retries after ${intervals(flow.synIntervals)}): connecting took ${dur(waited)} longer`,
      details: { syns: flow.syn, synRetransmissions: flow.synRetransmissions, synIntervals: flow.synIntervals },
    });
  }
  if (codes.has('synack-retransmission')) {
    const lostAck = flow.handshake.complete || outcome === 'half-open';
    out.push({
      ...base, code: 'synack-retransmission', ...at(flow, 'synAck'),
      message: `${s} retransmitted its SYN-ACK to ${c} ${count(flow.synAckRetransmissions, 'time')} (after ${intervals(flow.synAckIntervals)})` +
        (lostAck ? ': the client\'s final ACK was lost or late' : ''),
      details: { synAcks: flow.synAck, synAckRetransmissions: flow.synAckRetransmissions, synAckIntervals: flow.synAckIntervals },
    });
  }
  const rtt = flow.handshake.rtt;
  if (codes.has('slow-handshake') && rtt !== null) {
    out.push({
      ...base, code: 'slow-handshake', ...at(flow, 'ack'),
      message: `Handshake ${c} → ${s} took ${dur(rtt)} (threshold ${config.slowRttMs} ms; server answered after ${dur(flow.handshake.serverRtt ?? 0)}, client after ${dur(flow.handshake.clientRtt ?? 0)})`,
      details: { rtt, serverRtt: flow.handshake.serverRtt, clientRtt: flow.handshake.clientRtt, thresholdMs: config.slowRttMs, basis: 'absolute' },
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
