/**
 * Per-flow findings about retried handshake packets: the client's SYN, the server's SYN-ACK.
 * Copies of one packet (SPAN duplicates) are no retry and never count.
 */
import { count, ep, formatDuration, intervals } from '../describe';
import type { Flow } from '../result';
import { pointOf, type PerFlowRule } from './rule';

export const synRetransmission: PerFlowRule = {
  // An unanswered flow's retries are its unanswered-syn finding's story, told there.
  applies: (f, outcome) => f.synRetx > f.synDup && outcome !== 'unanswered',
  point: (flow) => pointOf(flow, 'syn'),
  describe: (flow) => ({
    message: synRetryMessage(flow, ep(flow.client), ep(flow.server)),
    details: { syns: flow.syn, synRetransmissions: flow.synRetransmissions, synIntervals: flow.synIntervals, delay: retryDelay(flow) },
  }),
};

export const synAckRetransmission: PerFlowRule = {
  // A half-open flow's SYN-ACK retransmissions are its half-open finding's cause, told there.
  applies: (f, outcome) => f.synAckRetx > f.synAckDup && outcome !== 'half-open',
  point: (flow) => pointOf(flow, 'synAck'),
  describe(flow, x) {
    const lostAck = flow.handshake.complete || x.outcome === 'half-open';
    return {
      message: `${ep(flow.server)} retransmitted its SYN-ACK to ${ep(flow.client)} ${count(flow.synAckRetransmissions, 'time')} (after ${intervals(flow.synAckIntervals)})` +
        (lostAck ? ': the client\'s final ACK was lost or late' : '') +
        synAckAnswer(flow),
      details: { synAcks: flow.synAck, synAckRetransmissions: flow.synAckRetransmissions, synAckIntervals: flow.synAckIntervals },
    };
  },
};

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
  return `${c} sent its SYN to ${s} ${times} (${retries}): ${first}${answer}; connecting took ${formatDuration(delay)} longer`;
}
