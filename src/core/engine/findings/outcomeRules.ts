/**
 * Per-flow findings about how the handshake ended (outcome.ts): no answer, half-open, refused,
 * reset, or still in progress when the capture ended. At most one of them per flow.
 */
import { count, ep, formatDuration, intervals } from '../describe';
import type { FlowFacts } from '../buildFlow';
import type { Outcome } from '../outcome';
import type { Flow } from '../result';
import { pointOf, type FlowRuleContext, type PerFlowRule, type Point } from './rule';

function inProgress(outcome: Outcome): boolean {
  return outcome === 'half-open' || outcome === 'unanswered';
}

/**
 * A handshake the capture cut short is told as such, and one finished for the memory bound is
 * counted in capture-limits: neither is a failed handshake.
 */
function endedBy(f: FlowFacts, outcome: Outcome, ending: Outcome): boolean {
  return outcome === ending && !(inProgress(outcome) && (f.cutOff || f.forced));
}

/** The flow's first RST, else its first packet. */
function rstPoint(flow: Flow, x: FlowRuleContext): Point {
  return { packet: x.rstPacket || flow.firstPacket, time: x.rstTime ?? flow.start };
}

export const incompleteAtEnd: PerFlowRule = {
  applies: (f, outcome) => f.cutOff && inProgress(outcome),
  point: (flow) => pointOf(flow, flow.synAck > 0 ? 'synAck' : 'syn'),
  describe(flow) {
    const answered = flow.synAck > 0;
    return {
      message: `Handshake ${ep(flow.client)} → ${ep(flow.server)} incomplete at capture end: ` +
        (answered ? 'SYN-ACK sent, no ACK yet' : 'SYN sent, no answer yet') +
        ', and the capture ended before a retransmission was due',
      details: { syns: flow.syn, synAcks: flow.synAck },
    };
  },
};

export const unansweredSyn: PerFlowRule = {
  applies: (f, outcome) => endedBy(f, outcome, 'unanswered'),
  point: (flow) => pointOf(flow, 'syn'),
  describe(flow) {
    const c = ep(flow.client);
    const s = ep(flow.server);
    // Backoff intervals leave out copies of one packet (SPAN duplicates): those are no retries.
    const retries = flow.synIntervals.length;
    const waited = flow.synIntervals.reduce((a, b) => a + b, 0);
    return {
      message: retries > 0
        ? `${s} never answered ${c}: ${count(retries + 1, 'SYN')} over ${formatDuration(waited)} (retries after ${intervals(flow.synIntervals)})`
        : `${s} never answered the SYN from ${c}`,
      details: { syns: flow.syn, synRetransmissions: flow.synRetransmissions, synIntervals: flow.synIntervals },
    };
  },
};

export const halfOpen: PerFlowRule = {
  applies: (f, outcome) => endedBy(f, outcome, 'half-open'),
  point: (flow) => pointOf(flow, 'synAck'),
  describe(flow) {
    const retried = flow.synAckIntervals.length > 0
      ? ` (SYN-ACK sent ${count(flow.synAckIntervals.length + 1, 'time')}, retries after ${intervals(flow.synAckIntervals)})` : '';
    return {
      message: `${ep(flow.server)} answered ${ep(flow.client)} with a SYN-ACK but the client never completed the handshake${retried}`,
      details: { synAcks: flow.synAck, synAckRetransmissions: flow.synAckRetransmissions, synAckIntervals: flow.synAckIntervals },
    };
  },
};

export const refused: PerFlowRule = {
  applies: (f, outcome) => endedBy(f, outcome, 'refused'),
  point: rstPoint,
  describe(flow, x) {
    const after = x.rstDelay !== null ? ` after ${formatDuration(x.rstDelay)}` : '';
    return {
      message: `${ep(flow.server)} refused the connection from ${ep(flow.client)} (RST${after}): nothing listens on port ${flow.server.port}, or a firewall rejects it`,
      details: { syns: flow.syn, rstAfter: x.rstDelay },
    };
  },
};

export const resetDuringHandshake: PerFlowRule = {
  applies: (f, outcome) => endedBy(f, outcome, 'reset'),
  point: rstPoint,
  describe(flow) {
    const by = flow.reset === 'both' ? 'both sides' : `the ${flow.reset}`;
    return {
      message: `Handshake ${ep(flow.client)} → ${ep(flow.server)} reset by ${by} before it completed${flow.synAck > 0 ? ' (after the SYN-ACK)' : ''}`,
      details: { resetBy: flow.reset, synAck: flow.synAck > 0 },
    };
  },
};
