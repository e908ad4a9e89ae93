/**
 * Every threshold the engine uses, in one place, with its default. The CLI's `--config file.json`
 * and the extension's settings are partial overrides merged by `resolveConfig`. Documented for
 * users in docs/findings.md.
 */
import type { FindingCode, Severity } from './result';
import { DEFAULT_SEVERITIES } from './findings/registry';
import { DEFAULT_STORY_CONFIG, type StoryConfig } from '../stories/config';

/** Story thresholds (stormMinConnections, slowConnectMs, pileupMinPending, …) are documented on StoryConfig and in docs/stories.md. */
export interface AnalysisConfig extends StoryConfig {
  /**
   * A handshake whose server and path took longer than this (SYN → the SYN-ACK answering it,
   * plus the acknowledged SYN-ACK → ACK: time lost to retransmissions is not counted) is a
   * `slow-handshake` finding.
   */
  slowRttMs: number;
  /** A handshake is also slow when it exceeds this multiple of its server's median RTT… */
  slowRttOutlierFactor: number;
  /** …and is at least this slow (so 0.1 ms vs 0.6 ms on a LAN is not an outlier). */
  slowRttOutlierMinMs: number;
  /** Servers need at least this many completed handshakes before outliers are judged. */
  slowRttOutlierMinSamples: number;

  /** A target (server ip:port) with at least this many half-open/unanswered flows… */
  floodMinHalfOpen: number;
  /** …from at least this many distinct sources… */
  floodMinSources: number;
  /** …arriving at least this fast (SYNs per second over the flood's span) is a `syn-flood`. */
  floodMinSynRate: number;
  /** Sources remembered per flood target for the finding's details (counts stay exact). */
  floodTopSources: number;
  /**
   * SYN-ACKs a flood target must have sent to half-open flows, none of them retransmitted,
   * before "answered with SYN cookies" is suggested from that alone.
   */
  synCookieMinSynAcks: number;

  /**
   * Whether the VLAN ids are part of the flow key. Off by default, as in Wireshark and Zeek:
   * a trunk often tags only one direction, and keying by VLAN would split every such
   * connection into an "unanswered" half and a stray SYN-ACK. `flow.vlan` lists the ids seen.
   */
  vlanSeparatesFlows: boolean;
  /** Flows listed in the result (counts and findings always cover every flow). */
  maxFlows: number;
  /** Handshake-relevant packets kept per flow for the sequence diagram. */
  maxEventsPerFlow: number;
  /** Per-flow findings of one code kept before the rest are summarised in one finding. */
  maxFindingsPerCode: number;
  /**
   * Flows held in memory before sweeping starts: above this, flows nothing more can change are
   * finished early (closed, idle, handshake attempts quiet past any retransmission still due).
   */
  maxActiveFlows: number;
  /**
   * Live flows held at most. Above this, live flows are finished early too (memory stays bounded
   * on floods of millions of spoofed sources), and the result says so in a `capture-limits`
   * finding. About 2 KB each (0.45 KB of it on the JS heap).
   */
  maxLiveFlows: number;
  /** A flow with no packet for this long (capture time) may be finished early. */
  idleTimeoutSeconds: number;
  /**
   * Following a growing capture (synscope follow, the editor's live view): every this many
   * seconds of capture time the flows nothing more can change are finished (closed, idle past
   * idleTimeoutSeconds as Zeek's tcp_inactivity_timeout, attempts quiet past their retry
   * horizon), so their findings become final and floods are seen while the capture runs.
   */
  followSweepSeconds: number;
  /**
   * Finished flows kept in the flow list (0: every flow, what analyze does). Following sets a
   * window (default FOLLOW_WINDOW_FLOWS) so memory stays flat for hours: older flows stay in
   * the counts, aggregates and findings, and leave the list and later stories (store/windowedStore.ts).
   */
  storeWindowFlows: number;
  /** Timeline bins start at this width and double until the capture fits `timelineMaxBins`. */
  timelineMinBinSeconds: number;
  timelineMaxBins: number;

  /**
   * Keep what correlating this capture with one from another point of the path needs (ISNs,
   * TTLs, IP ids, the first RST) for every flow (`synscope correlate`; ~20 bytes a flow).
   */
  keepWireFacts: boolean;

  /** Override the default severity of any finding code. */
  severities: Partial<Record<FindingCode, Severity>>;
}

/** Per code in the finding registry (findings/registry.ts). */
export { DEFAULT_SEVERITIES };

export const DEFAULT_CONFIG: AnalysisConfig = {
  ...DEFAULT_STORY_CONFIG,
  slowRttMs: 200,
  slowRttOutlierFactor: 5,
  slowRttOutlierMinMs: 20,
  slowRttOutlierMinSamples: 5,
  floodMinHalfOpen: 100,
  floodMinSources: 10,
  floodMinSynRate: 10,
  floodTopSources: 10,
  synCookieMinSynAcks: 20,
  vlanSeparatesFlows: false,
  maxFlows: 10000,
  maxEventsPerFlow: 32,
  maxFindingsPerCode: 200,
  maxActiveFlows: 25000,
  maxLiveFlows: 500000,
  idleTimeoutSeconds: 300,
  followSweepSeconds: 1,
  storeWindowFlows: 0,
  timelineMinBinSeconds: 0.001,
  timelineMaxBins: 1000,
  keepWireFacts: false,
  severities: {},
};

/** Defaults overlaid with the given values; unknown keys and wrong types are ignored. */
export function resolveConfig(partial?: Partial<AnalysisConfig>): AnalysisConfig {
  const out: AnalysisConfig = { ...DEFAULT_CONFIG, severities: { ...DEFAULT_CONFIG.severities } };
  if (!partial || typeof partial !== 'object') return out;
  const rec = out as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(partial)) {
    if (k === 'severities') {
      if (v && typeof v === 'object') Object.assign(out.severities, v);
    } else if (k in DEFAULT_CONFIG && typeof v === typeof (DEFAULT_CONFIG as unknown as Record<string, unknown>)[k]) {
      if (typeof v === 'number' && !Number.isFinite(v)) continue;
      rec[k] = v;
    } else if (!(k in DEFAULT_CONFIG)) {
      // Keys added by other parts (story thresholds) pass through unchanged.
      rec[k] = v;
    }
  }
  return out;
}

export function severityOf(config: AnalysisConfig, code: FindingCode): Severity {
  return config.severities[code] ?? DEFAULT_SEVERITIES[code];
}
