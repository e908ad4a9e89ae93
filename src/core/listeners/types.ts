/** The `servers` section of the JSON contract (docs/servers.md, docs/synscope.schema.json). */
import type { Endpoint, TcpOptionsSeen } from '../engine/result';

export interface TimeQuantiles {
  /** Flows measured. */
  samples: number;
  /** Seconds (log-bucketed: at most 0.5 % off), null without samples. */
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export interface SeriesJson {
  /** Index of the first bin listed, on the report's grid (bin i starts at start + i · binSeconds). */
  firstBin: number;
  attempts: number[];
  completed: number[];
  /** Refused, unanswered and half-open flows per bin. */
  failed: number[];
  /** Flows whose SYN went unanswered at least once. */
  synDropped: number[];
  /** Geometric mean per bin (seconds), null where none was measured. */
  serverTime: (number | null)[];
  clientTime: (number | null)[];
}

export type ChangeMetric = 'serverTime' | 'clientTime' | 'acceptRate';

export interface ChangePointJson {
  metric: ChangeMetric;
  /** Epoch seconds (decimal string) of the bin boundary where the change took effect. */
  time: string;
  /** Seconds since the capture's first packet. */
  offset: number;
  bin: number;
  /** Geometric-mean seconds (times) or the share accepted (acceptRate) before and after. */
  before: number;
  after: number;
  statistic: number;
  p: number;
}

export interface HealthRow {
  attempts: number;
  completed: number;
  refused: number;
  halfOpen: number;
  unanswered: number;
  reset: number;
  /** completed / attempts. */
  acceptRate: number;
  synRetransmissions: number;
  synAckRetransmissions: number;
  /** Flows whose SYN went unanswered at least once (retried or never answered). */
  synDropped: number;
  /** SYN → SYN-ACK (the server) and SYN-ACK → ACK (the client and the path back). */
  serverTime: TimeQuantiles;
  clientTime: TimeQuantiles;
  options: { server: OptionsShare | null; client: OptionsShare | null };
  backlog: BacklogSign;
  series: SeriesJson;
  changePoints: ChangePointJson[];
}

export interface OptionsShare {
  /** The most common option set, and how many flows had it. */
  options: TcpOptionsSeen;
  flows: number;
  /** Flows with any other set. */
  others: number;
}

/**
 * A full listen backlog: bins where this listener left SYNs unanswered while it answered other
 * SYNs in the same bin (a full SYN or accept queue drops SYNs; a dead server answers none).
 */
export interface BacklogSign {
  likely: boolean;
  bins: number;
  /** Flows whose SYN went unanswered in those bins. */
  flows: number;
}

export interface ListenerRow extends HealthRow {
  server: Endpoint;
  /** From the SYN-flood finding for this listener (the engine's cookie test), null without one. */
  synCookies: 'likely' | 'no' | 'unknown' | null;
}

export interface PortRow extends HealthRow {
  port: number;
  servers: number;
}

export interface ServersReport {
  /** Bin width of every series (the grid widens for long captures) and the grid's start. */
  binSeconds: number;
  start: string | null;
  bins: number;
  listeners: ListenerRow[];
  ports: PortRow[];
  /** Flows to listeners past the tracked limit (counted in the summary, not here). */
  untrackedFlows: number;
}
