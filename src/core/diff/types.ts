/** `synscope diff` output: schema "synscope-diff/1" (docs/diff.md, docs/synscope-diff.schema.json). */
import type { Endpoint, TcpOptionsSeen } from '../engine/result';

export interface DiffThresholds {
  /** Family-wise significance: each test uses alpha / (number of tests) (Bonferroni). */
  alpha: number;
  /** Confidence level of the intervals. */
  level: number;
  /** A latency quantile changed when incident/baseline is at least this (or at most its inverse). */
  latencyRatio: number;
  /**
   * …and moved by at least this many seconds: microsecond handshakes vary by tens of percent
   * between two captures of the same healthy host (scheduling), which is no incident.
   */
  latencyShift: number;
  /** A rate changed when it moved at least this much (absolute, 0.05 = 5 points). */
  rateDelta: number;
  /** Attempts needed on each side before a listener is compared (or called new or vanished). */
  minAttempts: number;
}

export const DEFAULT_THRESHOLDS: DiffThresholds = { alpha: 0.01, level: 0.95, latencyRatio: 1.25, latencyShift: 0.001, rateDelta: 0.05, minAttempts: 20 };

export type LatencyMetric = 'serverTime' | 'clientTime';
export type RateMetric = 'acceptRate' | 'refusedRate' | 'unansweredRate' | 'synDroppedRate';

export interface LatencyChange {
  kind: 'latency';
  metric: LatencyMetric;
  quantile: 'p50' | 'p90';
  /** Seconds. */
  baseline: number;
  incident: number;
  ratio: number;
  ratioCi: [number, number];
  /** incident − baseline, seconds. */
  shift: number;
  shiftCi: [number, number];
  /** Mann-Whitney U over the whole distributions. */
  p: number;
  superiority: number;
  direction: 'slower' | 'faster';
  regression: boolean;
}

export interface RateChange {
  kind: 'rate';
  metric: RateMetric;
  baseline: number;
  incident: number;
  delta: number;
  deltaCi: [number, number];
  p: number;
  direction: 'up' | 'down';
  regression: boolean;
}

type OptionField = keyof TcpOptionsSeen;

export interface OptionsChange {
  kind: 'options';
  side: 'server' | 'client';
  /** The fields that differ between the most common option sets. */
  fields: OptionField[];
  baseline: TcpOptionsSeen;
  incident: TcpOptionsSeen;
  /** Share of the side's flows with the most common set, in each capture. */
  baselineShare: number;
  incidentShare: number;
  regression: boolean;
}

export type Change = LatencyChange | RateChange | OptionsChange;

export interface EndpointDiff {
  /** A listener (server ip:port) or a port across servers (ip "*"). */
  server: Endpoint;
  baselineAttempts: number;
  incidentAttempts: number;
  changes: Change[];
}

export interface PresenceChange {
  server: Endpoint;
  attempts: number;
}

export interface CaptureRef {
  path: string;
  start: string | null;
  end: string | null;
  flows: number;
  listeners: number;
}

export interface DiffReport {
  schema: 'synscope-diff/1';
  baseline: CaptureRef;
  incident: CaptureRef;
  thresholds: DiffThresholds;
  /** Tests run (the Bonferroni divisor) and listeners compared / left out for too few attempts. */
  tests: number;
  compared: number;
  tooFew: number;
  listeners: EndpointDiff[];
  ports: EndpointDiff[];
  newListeners: PresenceChange[];
  vanishedListeners: PresenceChange[];
  newStories: { kind: string; title: string }[];
  regressions: number;
}
