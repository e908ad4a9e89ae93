/**
 * Findings about the capture as a whole, decided at its end: damage in the file, and the
 * analyser's own bounds (too many servers to aggregate, too many live flows at once).
 */
import type { CaptureProblem } from '../../capture/types';
import { count } from '../describe';
import { MAX_TRACKED_SERVERS } from '../targets';
import type { EndRule, LiveLimitFacts } from './rule';

export const captureDamaged: EndRule<CaptureProblem> = {
  decide: ({ problems }) => problems,
  describe: (p) => ({
    code: 'capture-damaged', flows: [], packet: p.packet, time: null,
    message: `Capture damaged at byte ${p.offset}${p.packet ? ` (after packet ${p.packet})` : ''}: ${p.message}`,
    details: { offset: p.offset, lastGoodPacket: p.packet },
  }),
};

export const serverLimit: EndRule<number> = {
  decide: ({ flowsNotAggregated }) => (flowsNotAggregated > 0 ? [flowsNotAggregated] : []),
  describe: (flowsNotAggregated) => ({
    code: 'server-limit', flows: [], packet: 0, time: null,
    message: `Per-server checks (SYN flood, SYN cookies, slow-handshake outliers) left out ${count(flowsNotAggregated, 'flow')}: ` +
      `the capture has more than ${MAX_TRACKED_SERVERS.toLocaleString('en-US')} server endpoints (ip:port), as a port scan does, ` +
      'and only servers with repeated failed or timed handshakes were kept for them',
    details: { flowsNotAggregated, maxServers: MAX_TRACKED_SERVERS },
  }),
};

export const captureLimits: EndRule<LiveLimitFacts> = {
  decide: ({ liveLimit }) => (liveLimit && (liveLimit.liveFlowsFinished > 0 || liveLimit.packetsAfterQuiet > 0) ? [liveLimit] : []),
  describe(l) {
    if (l.liveFlowsFinished === 0) {
      return {
        code: 'capture-limits', flows: [], packet: l.afterQuietPacket, time: l.afterQuietTime,
        message: `${count(l.packetsAfterQuiet, 'packet')} came for handshake attempts already finished because they had been quiet longer than ` +
          `any retransmission timeout (twice the last backoff, or 1 s after a SYN-ACK and 3 s after a lone SYN, plus slack), from packet ${l.afterQuietPacket} on: ` +
          'a stack with a slower timer; those packets are not in the counts of their flows',
        details: { packetsAfterQuiet: l.packetsAfterQuiet, firstPacket: l.afterQuietPacket, liveFlowsFinished: 0, maxLiveFlows: l.maxLiveFlows },
      };
    }
    return {
      code: 'capture-limits', flows: [], packet: l.firstPacket, time: l.firstTime,
      message: `More than ${l.maxLiveFlows.toLocaleString('en-US')} flows were live at once (maxLiveFlows): ` +
        `${count(l.liveFlowsFinished, 'live flow')} (${count(l.handshakesInProgress, 'handshake')} still in progress) were finished early, from packet ${l.firstPacket} on; ` +
        `${count(l.laterPackets, 'later packet')} of flows finished early counted only in the timeline, so their counts and outcomes may be incomplete. Raise maxLiveFlows (memory) for exact answers`,
      details: {
        liveFlowsFinished: l.liveFlowsFinished, handshakesInProgress: l.handshakesInProgress, firstPacket: l.firstPacket,
        laterPackets: l.laterPackets, packetsAfterQuiet: l.packetsAfterQuiet, maxLiveFlows: l.maxLiveFlows,
      },
    };
  },
};
