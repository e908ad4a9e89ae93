/**
 * Per-server aggregates (SYN flood, SYN cookies, slow-handshake outliers are decided per server
 * at the end) and the per-flow finding candidates waiting for the end, bucketed by the server a
 * flood there would absorb them into. Bounded: at most MAX_TRACKED_SERVERS servers, pruned of
 * those that cannot lead to a per-server finding when full.
 */
import { addressWord, formatAddress } from '../decode/address';
import type { AnalysisConfig } from './config';
import type { PendingBucket } from './endFindings';
import type { Pending } from './flowFindings';
import { FLOOD_ABSORBED } from './findings/registry';
import type { FlowState } from './flowState';
import type { FindingCode } from './result';
import { MAX_TRACKED_SERVERS, TargetAgg, TargetBudgets } from './targets';
import { serverKey } from './serverKey';

export class ServerAggregates {
  readonly targets = new Map<number | string, TargetAgg>();
  /** What all servers' source sets and samples may hold together. */
  private readonly targetBudgets = new TargetBudgets();
  /** Flows whose per-server aggregates were dropped or never kept (MAX_TRACKED_SERVERS). */
  flowsNotAggregated = 0;
  /** Set when pruning freed too little: later new servers are not aggregated at all. */
  private targetsFull = false;
  /** Per-flow findings waiting for the end (per target where a flood would absorb them). */
  readonly pending = new Map<TargetAgg | null, PendingBucket>();
  /**
   * The IPv4 server the last flow went to (null: none, or dropped): most flows go to the same
   * server as the one before (four in five on the 1 GiB bench mix, a flood's), and its map key
   * is no small integer, a heap number to make and hash per flow.
   */
  private last: TargetAgg | null = null;
  private lastWord = 0;
  private lastPort = 0;

  target(f: FlowState, serverSide: number): TargetAgg | null {
    const v4 = f.ipVersion === 4;
    const word = v4 ? addressWord(f.s.addrs, f.addrOf(serverSide)) : 0;
    const port = serverSide === 0 ? f.port0 : f.port1;
    if (v4 && this.last !== null && word === this.lastWord && port === this.lastPort) return this.last;
    const key = serverKey(f, serverSide);
    let t = this.targets.get(key);
    if (!t) {
      if (this.targets.size >= MAX_TRACKED_SERVERS && (this.targetsFull || !this.pruneTargets())) {
        this.flowsNotAggregated++;
        return null;
      }
      t = new TargetAgg(formatAddress(f.s.addrs, f.ipVersion, f.addrOf(serverSide)), port, this.targetBudgets);
      this.targets.set(key, t);
    }
    if (v4) {
      this.last = t;
      this.lastWord = word;
      this.lastPort = port;
    }
    return t;
  }

  /**
   * Drops the servers whose aggregates cannot yet lead to a per-server finding: fewer failed
   * handshakes than a tenth of a flood and fewer RTT samples than the outlier test needs (a
   * scanned port: one refused or unanswered SYN). Their kept per-flow findings stay, no longer
   * tied to a server. Returns false when that freed under a quarter of the table.
   */
  private pruneTargets(): boolean {
    const failedToKeep = this.config.floodMinHalfOpen / 10;
    const rttsToKeep = this.config.slowRttOutlierMinSamples;
    this.last = null;
    this.lastBucket = null; // its bucket may be merged into the orphans' below
    let orphans = this.pending.get(null);
    for (const [key, t] of this.targets) {
      if (t.failed >= failedToKeep || t.rttCount >= rttsToKeep) continue;
      this.targets.delete(key);
      t.dispose();
      this.flowsNotAggregated += t.flows;
      const bucket = this.pending.get(t);
      if (!bucket) continue;
      this.pending.delete(t);
      if (!orphans) this.pending.set(null, (orphans = new Map()));
      for (const [code, b] of bucket) {
        const into = orphans.get(code);
        if (into) {
          for (const c of b.items) into.items.push(c);
          into.more += b.more;
        } else orphans.set(code, b);
      }
    }
    if (this.targets.size > MAX_TRACKED_SERVERS * 0.75) this.targetsFull = true;
    return !this.targetsFull;
  }

  /**
   * Where a per-flow finding of a flow to `server` waits for the end: with that server only when
   * a flood there would absorb it (a scanned port must not cost a bucket of its own), else with
   * no server.
   */
  pendingOf(server: TargetAgg | null, code: FindingCode): { items: Pending[]; more: number } {
    // The last answer again: a flood's flows each ask for the same (server, half-open).
    if (code === this.lastCode && server === this.lastServer && this.lastBucket !== null) return this.lastBucket;
    const b = this.bucketOf(server, code);
    this.lastServer = server;
    this.lastCode = code;
    this.lastBucket = b;
    return b;
  }
  private lastServer: TargetAgg | null = null;
  private lastCode: FindingCode | null = null;
  private lastBucket: { items: Pending[]; more: number } | null = null;

  private bucketOf(server: TargetAgg | null, code: FindingCode): { items: Pending[]; more: number } {
    const agg = FLOOD_ABSORBED.has(code) ? server : null;
    let bucket = this.pending.get(agg);
    if (!bucket) {
      bucket = new Map();
      this.pending.set(agg, bucket);
    }
    let b = bucket.get(code);
    if (!b) {
      b = { items: [], more: 0 };
      bucket.set(code, b);
    }
    return b;
  }

  /** What only the reading needed (Analyzer.dropWorkingState). */
  clear(): void {
    this.targets.clear();
    this.last = null;
    this.lastBucket = null;
    this.pending.clear();
  }

  constructor(private readonly config: AnalysisConfig) {}
}
