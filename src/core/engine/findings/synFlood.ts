/**
 * syn-flood, decided per server at the end of the capture: many failed handshakes from many
 * sources at a high rate, with the evidence of SYN cookies. A flood absorbs its members'
 * per-flow findings (registry.ts: floodAbsorbs).
 */
import { count, ep, formatDuration } from '../describe';
import type { TargetAgg } from '../targets';
import type { AnalysisConfig } from '../config';
import type { Candidate, EndRule } from './rule';

/**
 * Linux retransmits an unacknowledged SYN-ACK after 1 s (TCP_TIMEOUT_INIT); a cookie server
 * never does. The capture must run this long past the first answered attempt to tell.
 */
const SYNACK_RETRY_WINDOW_SECONDS = 1.5;
/** Agreeing samples needed before an option-encoding pattern counts as SYN-cookie evidence. */
const MIN_COOKIE_SAMPLES = 3;
/**
 * Share of the answered flood flows that may look like ordinary half-open state (SYN-ACK
 * retransmitted, options kept) while the rest still counts as cookie evidence. With
 * net.ipv4.tcp_syncookies=1, the Linux default, cookies start only once the SYN queue is full:
 * the first SYNs of a flood get ordinary SYN-ACKs that are retransmitted (seen on a real 6.18
 * kernel, test/fixtures/kernel/syn-flood.pcap: 5 of 1000). A server without cookies retransmits
 * to most of its answered flows once the capture runs 1.5 s past the first.
 */
const COOKIE_MAX_EXCEPTIONS = 0.1;

function mostly(matching: number, candidates: number): boolean {
  return candidates >= MIN_COOKIE_SAMPLES && candidates - matching <= candidates * COOKIE_MAX_EXCEPTIONS;
}

export interface Flood {
  target: TargetAgg;
  sources: number;
  sourcesExact: boolean;
  sourcesLowerBound: boolean;
  /** Seconds between the first and the last failed SYN. */
  span: number;
  /** Failed SYNs per second (Infinity: all at once). */
  rate: number;
  synCookies: 'likely' | 'no' | 'unknown';
  evidence: string[];
  /** Handshakes that completed while the flood lasted. */
  legit: number;
}

/** The flood at one server, if its failed handshakes make one. */
function floodAt(t: TargetAgg, config: AnalysisConfig, captureEndSec: number): Flood | null {
  if (t.failed < config.floodMinHalfOpen) return null;
  const { count: sources, exact: sourcesExact, lowerBound } = t.distinctSources();
  if (sources < config.floodMinSources) return null;
  const span = t.failedSpan();
  const rate = span > 0 ? t.failedSyns / span : Infinity;
  if (rate < config.floodMinSynRate) return null;
  const evidence: string[] = [];
  if (t.answeredFailed >= config.synCookieMinSynAcks && captureEndSec - t.firstFailedSec >= SYNACK_RETRY_WINDOW_SECONDS) {
    if (t.answeredFailedRetx === 0) evidence.push('no-synack-retransmissions');
    else if (mostly(t.answeredFailed - t.answeredFailedRetxFlows, t.answeredFailed)) evidence.push('few-synack-retransmissions');
  }
  if (mostly(t.optionsDropped, t.optionsDroppedCandidates)) evidence.push('options-dropped');
  // Only SYN-ACKs sent while the flood lasted: a server switches to cookies under pressure,
  // so the healthy handshakes before it must not dilute the evidence.
  const [tsN, tsK] = t.tsBetween(t.firstFailedSec, t.lastFailedSec + 1);
  if (mostly(tsK, tsN)) evidence.push('timestamp-encoded-options');
  const synCookies = evidence.length > 0 ? 'likely' : t.answeredFailed === 0 ? 'no' : 'unknown';
  const legit = t.completedBetween(t.firstFailedSec, t.lastFailedSec);
  return { target: t, sources, sourcesExact, sourcesLowerBound: lowerBound, span, rate, synCookies, evidence, legit };
}

export const synFlood: EndRule<Flood> = {
  decide({ targets, config, captureEndSec }) {
    const out: Flood[] = [];
    for (const t of targets) {
      const flood = floodAt(t, config, captureEndSec);
      if (flood) out.push(flood);
    }
    return out;
  },
  describe(fl, config) {
    const t = fl.target;
    const { sources, rate, synCookies } = fl;
    const rateText = Number.isFinite(rate) ? `${rate >= 100 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(1)} SYN/s` : 'all at once';
    const answer = t.answeredFailed === 0
      ? 'the server answered none of them'
      : synCookies === 'likely' ? 'the server answered with SYN cookies' : `the server answered ${count(t.answeredFailed, 'of them', 'of them')}`;
    const from = fl.sourcesExact ? count(sources, 'source') : fl.sourcesLowerBound ? `at least ${count(sources, 'source')}` : `about ${count(sources, 'source')} (estimated)`;
    return {
      code: 'syn-flood',
      message: `SYN flood on ${ep({ ip: t.ip, port: t.port })}: ${count(t.failed, 'half-open connection')} from ${from} at ${rateText} over ${formatDuration(Math.max(0, fl.span))}; ${answer}; ` +
        `${count(fl.legit, 'legitimate handshake')} still completed`,
      flows: t.floodFlowIds.slice(),
      packet: t.firstFailedPacket,
      time: t.firstFailedTime || null,
      details: {
        target: { ip: t.ip, port: t.port },
        halfOpen: t.failed,
        unanswered: t.unanswered,
        answered: t.halfOpen,
        resetByClient: t.resetInHandshake,
        syns: t.failedSyns,
        distinctSources: sources,
        distinctSourcesExact: fl.sourcesExact,
        synRate: Number.isFinite(rate) ? rate : null,
        spanSeconds: Math.max(0, fl.span),
        synCookies,
        synCookieEvidence: fl.evidence,
        synAckRetransmissions: t.answeredFailedRetx,
        completedDuringFlood: fl.legit,
        completedTotal: t.complete,
        topSources: t.topSources(config.floodTopSources),
        flowsListed: t.floodFlowIds.length,
      },
    };
  },
};

/**
 * All floodFinding's answer for `t` depends on that can change: the flows added to it (each
 * counts in t.flows) and whether the SYN-ACK retry window has passed by the capture's end.
 * The same key, the same finding (a follower asks several times a second: live/shared.ts).
 */
export function floodFindingKey(t: TargetAgg, captureEndSec: number): number {
  return 2 * t.flows + (captureEndSec - t.firstFailedSec >= SYNACK_RETRY_WINDOW_SECONDS ? 1 : 0);
}

/** The flood at one server as the flows finished so far show it (following a capture: live/shared.ts). */
export function floodFinding(t: TargetAgg, config: AnalysisConfig, captureEndSec: number): Candidate | null {
  const flood = floodAt(t, config, captureEndSec);
  return flood ? synFlood.describe(flood, config) : null;
}
