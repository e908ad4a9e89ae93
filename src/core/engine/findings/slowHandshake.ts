/**
 * slow-handshake, decided twice: per flow against the absolute threshold (slowRttMs) when the
 * flow is finished, and at the end against the flow's own server's median (an outlier under the
 * threshold needs the server's other handshakes to be known).
 */
import { ep, formatDuration } from '../describe';
import type { FlowFacts } from '../buildFlow';
import type { Flow } from '../result';
import type { TargetAgg } from '../targets';
import { formatPoint } from '../time';
import { pointOf, type EndRule, type PerFlowRule } from './rule';

/**
 * How long the server and the path took: retransmissions have findings of their own, so the
 * time they cost is left out. Wireshark's RTT stands in only where nothing was retransmitted
 * (then the two are the same exchange).
 */
export function handshakeTime(f: FlowFacts): number | null {
  return f.answerTime ?? (f.synRetx === f.synDup && f.synAckRetx === f.synAckDup ? f.rtt : null);
}

/** The handshake time a built flow tells: server + client part when both are known, else Wireshark's RTT. */
function tookOf(hs: Flow['handshake']): number | null {
  return hs.serverRtt !== null && hs.clientRtt !== null ? hs.serverRtt + hs.clientRtt : hs.rtt;
}

export const slowAbsolute: PerFlowRule = {
  applies(f, _outcome, config) {
    const took = handshakeTime(f);
    return took !== null && took * 1000 > config.slowRttMs;
  },
  // Told only when the built flow has a handshake time to tell.
  point: (flow) => (tookOf(flow.handshake) === null ? null : pointOf(flow, 'ack')),
  describe(flow, x) {
    const hs = flow.handshake;
    const split = hs.serverRtt !== null && hs.clientRtt !== null;
    const took = tookOf(hs)!;
    const parts = split
      ? `; the server answered the SYN after ${formatDuration(hs.serverRtt!)}, the client acknowledged the SYN-ACK after ${formatDuration(hs.clientRtt!)}` : '';
    return {
      message: `Handshake ${ep(flow.client)} → ${ep(flow.server)} took ${formatDuration(took)} (threshold ${x.config.slowRttMs} ms${parts})`,
      details: { handshakeTime: took, rtt: hs.rtt, serverRtt: hs.serverRtt, clientRtt: hs.clientRtt, connectTime: hs.connectTime, thresholdMs: x.config.slowRttMs, basis: 'absolute' },
    };
  },
};

/** One handshake far slower than its server's median. */
export interface Outlier {
  target: TargetAgg;
  /** Index of the RTT sample in the target's samples. */
  sample: number;
  rtt: number;
  median: number;
  samples: number;
}

function median(values: number[]): number {
  const v = values.slice().sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Handshakes far slower than their own server's usual (but under the absolute threshold), server by server. */
export const slowOutlier: EndRule<Outlier> = {
  decide({ targets, config }) {
    const out: Outlier[] = [];
    for (const target of targets) {
      const n = target.rttCount;
      if (n < config.slowRttOutlierMinSamples) continue;
      const rtts: number[] = [];
      for (let i = 0; i < n; i++) rtts.push(target.rtt(i));
      const med = median(rtts);
      for (let i = 0; i < n; i++) {
        const rtt = rtts[i];
        const ms = rtt * 1000;
        if (ms > config.slowRttMs) continue; // already reported with the absolute threshold
        if (rtt > med * config.slowRttOutlierFactor && ms > config.slowRttOutlierMinMs) out.push({ target, sample: i, rtt, median: med, samples: n });
      }
    }
    return out;
  },
  describe(o) {
    const t = o.target;
    const at = t.rttAck(o.sample);
    return {
      code: 'slow-handshake', flows: [t.rttFlow(o.sample)], packet: at.packet, time: formatPoint(at),
      message: `Handshake with ${ep({ ip: t.ip, port: t.port })} took ${formatDuration(o.rtt)}, ${(o.rtt / o.median).toFixed(1)}× this server's median of ${formatDuration(o.median)}`,
      details: { rtt: o.rtt, serverMedianRtt: o.median, factor: o.rtt / o.median, samples: o.samples, basis: 'outlier' },
    };
  },
};
