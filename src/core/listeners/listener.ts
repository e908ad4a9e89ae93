/** One listener's (server ip:port) counts, handshake-time distributions, options and series. */
import type { FlowFacts } from '../engine/buildFlow';
import type { Outcome } from '../engine/outcome';
import type { TcpOptionsSeen } from '../engine/result';
import { LogHistogram } from './logHistogram';
import { S, Series, type SeriesGrid } from './series';

/** Distinct option sets counted per side; more are counted as "other". */
const MAX_OPTION_SETS = 16;

export class OptionCounts {
  /** Keyed by the analysis's interned option objects (OptionSets): equal sets are one object. */
  readonly sets = new Map<TcpOptionsSeen, number>();
  other = 0;

  add(o: TcpOptionsSeen, n = 1): void {
    const c = this.sets.get(o);
    if (c !== undefined) this.sets.set(o, c + n);
    else if (this.sets.size < MAX_OPTION_SETS) this.sets.set(o, n);
    else this.other += n;
  }

  /** The most common set and how many flows had it (ties: the first seen). */
  dominant(): { options: TcpOptionsSeen; flows: number } | null {
    let best: { options: TcpOptionsSeen; flows: number } | null = null;
    for (const [options, flows] of this.sets) if (!best || flows > best.flows) best = { options, flows };
    return best;
  }

  merge(o: OptionCounts): void {
    for (const [k, n] of o.sets) this.add(k, n);
    this.other += o.other;
  }
}

export class ListenerAgg {
  attempts = 0;
  completed = 0;
  refused = 0;
  halfOpen = 0;
  unanswered = 0;
  /** Ended by a RST after the SYN-ACK or by the client giving up with one. */
  reset = 0;
  synRetransmissions = 0;
  synAckRetransmissions = 0;
  synDropped = 0;
  readonly serverTime = new LogHistogram();
  readonly clientTime = new LogHistogram();
  /** Options of the server's SYN-ACKs and of the clients' SYNs. */
  readonly serverOptions = new OptionCounts();
  readonly clientOptions = new OptionCounts();
  readonly series: Series;
  /** Servers behind a per-port row (1 for a listener). */
  servers = 1;

  constructor(readonly ip: string, readonly port: number, grid: SeriesGrid) {
    this.series = new Series(grid);
  }

  /** A finished flow to this listener; `bin`: its first SYN's bin on the grid. */
  add(f: FlowFacts, outcome: Outcome, bin: number): void {
    this.attempts++;
    const dropped = f.synRetx - f.synDup > 0 || outcome === 'unanswered';
    if (dropped) this.synDropped++;
    this.synRetransmissions += f.synRetx;
    this.synAckRetransmissions += f.synAckRetx;
    if (outcome === 'complete') this.completed++;
    else if (outcome === 'refused') this.refused++;
    else if (outcome === 'half-open') this.halfOpen++;
    else if (outcome === 'unanswered') this.unanswered++;
    else this.reset++;
    const server = f.synAck > 0 ? f.serverTime : null;
    const client = f.complete ? f.clientTime : null;
    if (server !== null) this.serverTime.add(server);
    if (client !== null) this.clientTime.add(client);
    this.clientOptions.add(f.clientOptions);
    if (f.synAck > 0) this.serverOptions.add(f.serverOptions);
    const r = this.series.row(bin);
    if (r < 0) return;
    const d = this.series.data;
    d[r + S.attempts]++;
    if (outcome === 'complete') d[r + S.completed]++;
    else if (outcome === 'refused') d[r + S.refused]++;
    else if (outcome === 'unanswered') d[r + S.unanswered]++;
    else if (outcome === 'half-open') d[r + S.halfOpen]++;
    if (dropped) d[r + S.synDropped]++;
    else if (f.synAck > 0) d[r + S.answeredFirst]++;
    d[r + S.synAckRetx] += f.synAckRetx;
    if (server !== null) addLog(d, r + S.serverN, server);
    if (client !== null) addLog(d, r + S.clientN, client);
  }

  /** Adds another listener's numbers (per-port rows). */
  merge(o: ListenerAgg): void {
    this.attempts += o.attempts;
    this.completed += o.completed;
    this.refused += o.refused;
    this.halfOpen += o.halfOpen;
    this.unanswered += o.unanswered;
    this.reset += o.reset;
    this.synRetransmissions += o.synRetransmissions;
    this.synAckRetransmissions += o.synAckRetransmissions;
    this.synDropped += o.synDropped;
    this.serverTime.merge(o.serverTime);
    this.clientTime.merge(o.clientTime);
    this.serverOptions.merge(o.serverOptions);
    this.clientOptions.merge(o.clientOptions);
    this.series.addAll(o.series);
  }
}

/** Floor for ln(): a zero duration (two packets in one clock tick) counts as 1 µs. */
const MIN_LOG_SECONDS = 1e-6;

function addLog(d: Float64Array, at: number, seconds: number): void {
  const l = Math.log(Math.max(MIN_LOG_SECONDS, seconds));
  d[at]++;
  d[at + 1] += l;
  d[at + 2] += l * l;
}
