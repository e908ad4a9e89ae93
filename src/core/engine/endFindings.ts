/**
 * Findings decided at the end of the capture: SYN floods per target (which then absorb their
 * members' per-flow findings), per-server slow-handshake outliers, damaged-capture problems;
 * then every finding gets its severity and id, with at most `maxFindingsPerCode` of each
 * per-flow code and one summary finding for the rest.
 */
import type { CaptureProblem } from '../capture/types';
import { severityOf, type AnalysisConfig } from './config';
import { count, ep, formatDuration } from './describe';
import type { Candidate } from './flowFindings';
import { FLOOD_ABSORBED } from './findings/registry';
import type { Finding, FindingCode } from './result';
import { MAX_TRACKED_SERVERS, type TargetAgg } from './targets';
import { formatPoint } from './time';

export type PendingBucket = Map<FindingCode, { items: Candidate[]; more: number }>;

export interface EndInput {
  config: AnalysisConfig;
  targets: TargetAgg[];
  pending: Map<TargetAgg | null, PendingBucket>;
  problems: CaptureProblem[];
  captureEndSec: number;
  /** Flows left out of per-server aggregates because the capture has too many servers. */
  flowsNotAggregated: number;
  /** Live flows finished early for the memory bound (limits.ts), if any. */
  liveLimit?: Candidate | null;
}

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

export function floodFinding(t: TargetAgg, config: AnalysisConfig, captureEndSec: number): Candidate | null {
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
  const target = ep({ ip: t.ip, port: t.port });
  const rateText = Number.isFinite(rate) ? `${rate >= 100 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(1)} SYN/s` : 'all at once';
  const answer = t.answeredFailed === 0
    ? 'the server answered none of them'
    : synCookies === 'likely' ? 'the server answered with SYN cookies' : `the server answered ${count(t.answeredFailed, 'of them', 'of them')}`;
  const from = sourcesExact ? count(sources, 'source') : lowerBound ? `at least ${count(sources, 'source')}` : `about ${count(sources, 'source')} (estimated)`;
  const message = `SYN flood on ${target}: ${count(t.failed, 'half-open connection')} from ${from} at ${rateText} over ${formatDuration(Math.max(0, span))}; ${answer}; ` +
    `${count(legit, 'legitimate handshake')} still completed`;
  return {
    code: 'syn-flood',
    message,
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
      distinctSourcesExact: sourcesExact,
      synRate: Number.isFinite(rate) ? rate : null,
      spanSeconds: Math.max(0, span),
      synCookies,
      synCookieEvidence: evidence,
      synAckRetransmissions: t.answeredFailedRetx,
      completedDuringFlood: legit,
      completedTotal: t.complete,
      topSources: t.topSources(config.floodTopSources),
      flowsListed: t.floodFlowIds.length,
    },
  };
}

function median(values: number[]): number {
  const v = values.slice().sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Handshakes far slower than their own server's usual (but under the absolute threshold). */
export function outlierFindings(t: TargetAgg, config: AnalysisConfig): Candidate[] {
  const n = t.rttCount;
  if (n < config.slowRttOutlierMinSamples) return [];
  const rtts: number[] = [];
  for (let i = 0; i < n; i++) rtts.push(t.rtt(i));
  const med = median(rtts);
  const out: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    const rtt = rtts[i];
    const ms = rtt * 1000;
    if (ms > config.slowRttMs) continue; // already reported with the absolute threshold
    if (rtt > med * config.slowRttOutlierFactor && ms > config.slowRttOutlierMinMs) {
      const at = t.rttAck(i);
      out.push({
        code: 'slow-handshake', flows: [t.rttFlow(i)], packet: at.packet, time: formatPoint(at),
        message: `Handshake with ${ep({ ip: t.ip, port: t.port })} took ${formatDuration(rtt)}, ${(rtt / med).toFixed(1)}× this server's median of ${formatDuration(med)}`,
        details: { rtt, serverMedianRtt: med, factor: rtt / med, samples: n, basis: 'outlier' },
      });
    }
  }
  return out;
}

export function assembleFindings(input: EndInput): Finding[] {
  const { config } = input;
  const ordered: Candidate[] = [];
  for (const p of input.problems) {
    ordered.push({
      code: 'capture-damaged', flows: [], packet: p.packet, time: null,
      message: `Capture damaged at byte ${p.offset}${p.packet ? ` (after packet ${p.packet})` : ''}: ${p.message}`,
      details: { offset: p.offset, lastGoodPacket: p.packet },
    });
  }
  if (input.flowsNotAggregated > 0) {
    ordered.push({
      code: 'server-limit', flows: [], packet: 0, time: null,
      message: `Per-server checks (SYN flood, SYN cookies, slow-handshake outliers) left out ${count(input.flowsNotAggregated, 'flow')}: ` +
        `the capture has more than ${MAX_TRACKED_SERVERS.toLocaleString('en-US')} server endpoints (ip:port), as a port scan does, ` +
        'and only servers with repeated failed or timed handshakes were kept for them',
      details: { flowsNotAggregated: input.flowsNotAggregated, maxServers: MAX_TRACKED_SERVERS },
    });
  }
  if (input.liveLimit) ordered.push(input.liveLimit);
  const floods = new Set<TargetAgg>();
  for (const t of input.targets) {
    const fl = floodFinding(t, config, input.captureEndSec);
    if (fl) {
      floods.add(t);
      ordered.push(fl);
    }
  }
  const perFlow = new Map<FindingCode, { items: Candidate[]; more: number }>();
  const take = (code: FindingCode, items: Candidate[], more: number): void => {
    let b = perFlow.get(code);
    if (!b) {
      b = { items: [], more: 0 };
      perFlow.set(code, b);
    }
    b.items.push(...items);
    b.more += more;
  };
  for (const [agg, bucket] of input.pending) {
    const flooded = agg !== null && floods.has(agg);
    for (const [code, b] of bucket) {
      if (flooded && FLOOD_ABSORBED.has(code)) continue;
      take(code, b.items, b.more);
    }
  }
  for (const t of input.targets) {
    const o = outlierFindings(t, config);
    if (o.length > 0) take('slow-handshake', o, 0);
  }
  const codes = [...perFlow.keys()].sort();
  const flowCands: Candidate[] = [];
  for (const code of codes) {
    const b = perFlow.get(code)!;
    b.items.sort((a, c) => a.packet - c.packet);
    const keep = b.items.slice(0, config.maxFindingsPerCode);
    const extra = b.items.length - keep.length + b.more;
    flowCands.push(...keep);
    if (extra > 0) {
      flowCands.push({
        code, flows: [], packet: 0, time: null,
        message: `${count(extra, 'more flow')} with ${code} (not listed one by one; the limit is ${config.maxFindingsPerCode})`,
        details: { more: extra, summary: true },
      });
    }
  }
  flowCands.sort((a, c) => (a.packet || Infinity) - (c.packet || Infinity));
  ordered.push(...flowCands);
  return ordered.map((c, i) => ({
    id: i + 1,
    code: c.code,
    severity: severityOf(config, c.code),
    message: c.message,
    flows: c.flows,
    packet: c.packet,
    time: c.time,
    details: c.details,
  }));
}
