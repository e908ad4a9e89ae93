/**
 * Eviction: which live flows the analyzer finishes before the end of the capture, and how their
 * later packets are recognised. A sweep runs when the flow table outgrows `sweepAt`; it finishes
 * closed and idle flows, handshake attempts quiet past any retransmission still to come
 * (retryHorizonNs), and — only above `maxLiveFlows` — live flows, which the result then reports
 * (capture-limits). Flows finished early are remembered by 4-tuple (and quiet attempts by client
 * ISN) so a later packet of theirs is not taken for a new connection.
 */
import type { AnalysisConfig } from './config';
import { TCP_ACK, TCP_RST, TCP_SYN, type TcpSegment } from '../decode/types';
import { F_FIRST_SYNACK_SIDE, V_DATA_SEEN, V_FIN, V_RST, V_SYN_SEQ, type FlowState, type PacketTime } from './flowState';
import type { Parking } from './parking';
import { tupleHash2, type FlowTable } from './flowTable';
import { isnKey, LiveLimit, MIN_RETRY_HORIZON_NS, retryHorizonNs } from './limits';
import { PairSet, RecentPairs } from './pairSet';
import { largest, nthSmallest } from './select';
import { formatPoint } from './time';
import { TL_RST, TL_SYN, TL_SYNACK, type TimelineBuilder } from './timeline';

/**
 * Flows finished early that a follower remembers per generation (RecentPairs: between this
 * and twice this, 2-4 MiB): minutes of flows finished at the bench's ~1,000 a second.
 */
const FOLLOW_RETIRED_GENERATION = 196_608;

/** What a packet with no live flow is (Sweeper.lookupRetired). */
export const NOT_RETIRED = 0;
/** A later packet of a flow finished early: counted, no new flow. */
export const LATE_PACKET = 1;
/** A new SYN on the 4-tuple of a flow finished early: a new flow, marked as port reuse. */
export const REUSED_TUPLE = 2;

/**
 * Nanoseconds from the capture's first second to the last packet of the flow in table slot `i`
 * (its FlowTable.lastSec and lastNs, the flow's own F_LAST_SEC and F_LAST_NS): exact below 2^53
 * ns (about 104 days).
 */
function ageNs(table: FlowTable, i: number, base: number): number {
  return (table.lastSec[i] - base) * 1e9 + table.lastNs[i];
}

/** A RST either way, or a FIN both ways (never a parked flow's: parking.ts). */
function closed(f: FlowState): boolean {
  const a = f.s.a;
  const o = f.o;
  return Boolean(a[o + V_RST] || a[o + V_RST + 1] || (a[o + V_FIN] && a[o + V_FIN + 1]));
}

/** Whether a live flow has gone beyond its handshake (a parked one has not: parking.ts). */
function established(f: FlowState): boolean {
  return f.parked < 0 && (f.hasAck || f.s.a[f.o + V_DATA_SEEN] !== 0 || f.s.a[f.o + V_DATA_SEEN + 1] !== 0);
}

export class Sweeper {
  /** Live flows finished early because `maxLiveFlows` was reached (see limits.ts). */
  readonly limits = new LiveLimit();
  /**
   * 4-tuples of flows finished early for memory (their later packets are not new flows; a new
   * SYN on one is port reuse): the table hash and an independent second hash, as one pair.
   */
  private retired: PairSet | RecentPairs | null = null;
  /** The table size that triggers the next sweep (it grows with the flows that must stay). */
  private sweepAt: number;
  /** Set while a sweep finishes live flows for the `maxLiveFlows` bound. */
  forced = false;
  /** Set while a sweep finishes handshake attempts quiet past their retry horizon. */
  private quiet = false;
  /** Reused by sweeps: table slots considered, their ages, the ages sorted, the slots chosen. */
  private picked = new Int32Array(0);
  private ages = new Float64Array(0);
  private sortedAges = new Float64Array(0);
  private chosen = new Int32Array(0);

  /** `finish` finishes one flow early (the analyzer's retire); it calls back `noteFinished`. */
  constructor(
    private readonly config: AnalysisConfig,
    private readonly hashSeed: number,
    private readonly timeline: TimelineBuilder,
    private readonly finish: (f: FlowState) => void,
  ) {
    this.sweepAt = config.maxActiveFlows;
    // Written twice here: a field only ever written once is compiled as a constant, and the
    // first forced (or quiet) sweep then threw away the code of noteFinished, which reads them.
    this.forced = this.quiet = true;
    this.forced = this.quiet = false;
  }

  /**
   * After each packet (`f` its flow, just updated): notes the flow's last time and whether it is
   * closed where sweeps read them first (FlowTable.lastSec …), and sweeps if the table has grown
   * enough. `base`: the capture's first second.
   */
  afterPacket(f: FlowState, table: FlowTable, t: PacketTime, base: number, parking: Parking): void {
    const i = f.slot;
    table.lastSec[i] = t.sec;
    table.lastNs[i] = t.ns;
    if (table.closed[i] === 0 && closed(f)) table.closed[i] = 1;
    if (table.size > this.sweepAt) this.sweep(table, t, base, parking);
  }

  /**
   * For a packet whose 4-tuple has no live flow: whether it belongs to a flow finished early
   * (NOT_RETIRED, LATE_PACKET or REUSED_TUPLE). Late packets are counted here, in
   * capture-limits and in the timeline.
   */
  lookupRetired(seg: TcpSegment, hash: number, t: PacketTime, pureSyn: boolean): number {
    // Most packets asked about are a new flow's first: the filter answers for them.
    if (this.retired === null || !this.retired.mayHaveFirst(hash)) return NOT_RETIRED;
    const h2 = tupleHash2(this.hashSeed, seg.src, seg.srcPort, seg.dst, seg.dstPort, seg.ipVersion);
    if (!this.retired.has(hash, h2)) return NOT_RETIRED;
    if (this.quietAttempt(seg, hash, h2, t)) return LATE_PACKET;
    if (pureSyn) return REUSED_TUPLE;
    this.limits.latePacket();
    // A later packet of a flow finished early for memory: still that connection (tshark keeps
    // one tcp.stream), so no new flow — else every connection outliving the active-flow
    // limit would be counted twice. It still counts in the timeline.
    if (seg.flags & TCP_SYN) this.timeline.add(TL_SYNACK, t.sec, t.ns);
    if (seg.flags & TCP_RST) this.timeline.add(TL_RST, t.sec, t.ns);
    return LATE_PACKET;
  }

  /**
   * Whether `seg` belongs to a handshake attempt finished as quiet (its client ISN is in the
   * retired set: the SYN's seq, the client's later seq − 1, the SYN-ACK's ack − 1): then it is
   * that connection's late packet, counted in capture-limits and in the timeline only. A SYN
   * with the same ISN is the same connection for tshark, not port reuse.
   */
  private quietAttempt(seg: TcpSegment, hash: number, h2: number, t: PacketTime): boolean {
    const r = this.retired!;
    const match = r.has(hash, isnKey(h2, seg.seq)) || r.has(hash, isnKey(h2, (seg.seq - 1) >>> 0)) ||
      ((seg.flags & TCP_ACK) !== 0 && r.has(hash, isnKey(h2, (seg.ack - 1) >>> 0)));
    if (!match) return false;
    this.limits.lateForQuiet(t.index, formatPoint(t));
    if (seg.flags & TCP_SYN) this.timeline.add(seg.flags & TCP_ACK ? TL_SYNACK : TL_SYN, t.sec, t.ns);
    if (seg.flags & TCP_RST) this.timeline.add(TL_RST, t.sec, t.ns);
    return true;
  }

  /** Called for every finished flow: remembers one finished early (`early`) by 4-tuple and ISN. */
  noteFinished(f: FlowState, early: boolean): void {
    if (this.forced) this.limits.finished(f);
    if (!early || !this.retired) return;
    const h2 = tupleHash2(this.hashSeed, f.s.addrs, f.port0, f.s.addrs, f.port1, f.ipVersion, f.addrOf(0), f.addrOf(1));
    this.retired.add(f.hash, h2);
    // An attempt finished as quiet is also known by its client's ISN, to recognise a late retry.
    const isn = f.firstSynSide >= 0 ? f.s.a[f.o + V_SYN_SEQ + f.firstSynSide] : -1;
    if (this.quiet && isn >= 0) this.retired.add(f.hash, isnKey(h2, isn));
  }

  /** The reading is over: the retired set is no longer needed. */
  clear(): void {
    this.retired = null;
  }

  /**
   * Finishes the flows nothing more can change: closed, idle past `idleTimeoutSeconds`, and
   * handshake attempts quiet past any retransmission still to come (retryHorizonNs). A live
   * flow is finished early only above `maxLiveFlows`, and the result then says so
   * (capture-limits): a SYN from the current microsecond must not become a finding.
   * `base`: the capture's first second. Parked flows are read from `parking` where they are.
   */
  sweep(table: FlowTable, t: PacketTime, base: number, parking: Parking): void {
    // Up to 2^21 slots (16 MiB): ~1.57 million flows finished early are remembered exactly.
    // A follower (a window of kept flows) finishes flows for hours: it remembers the most recent.
    this.retired ??= this.config.storeWindowFlows > 0 ? new RecentPairs(FOLLOW_RETIRED_GENERATION) : new PairSet(1 << 16, 1 << 21);
    const flows = table.flows;
    const idle = this.config.idleTimeoutSeconds;
    let left = table.size;
    this.reserveScratch(flows.length);
    const { picked, ages } = this;
    const now = (t.sec - base) * 1e9 + t.ns;
    let dead = 0;
    // Index loops over the table itself (finishing a flow only empties its slot, and nothing is
    // inserted during a sweep), so a sweep allocates nothing per flow.
    const closedAt = table.closed;
    for (let i = 0; i < flows.length; i++) {
      const f = flows[i];
      if (f === null) continue;
      const age = ageNs(table, i, base);
      const idleFor = t.sec - table.lastSec[i];
      // Open, not idle and quiet for less than any retry horizon: nothing below would finish
      // it, and the flow's own numbers (a cache miss or two) need not be read.
      if (closedAt[i] === 0 && idleFor <= idle && now - age <= MIN_RETRY_HORIZON_NS) continue;
      // closedAt says closed(f) (afterPacket keeps it after each packet, and a parked flow is a
      // quiet attempt: not closed, no ACK, no data, parking.ts) without reading the flow.
      if (closedAt[i] !== 0 || idleFor > idle) {
        this.finish(f);
        left--;
      } else if (!established(f) && now - age > retryHorizonNs(f, (f.parked >= 0 ? parking.get(f, F_FIRST_SYNACK_SIDE) : f.firstSynAckSide) >= 0)) {
        picked[dead] = i;
        ages[dead++] = age;
      }
    }
    // Finished oldest first: the order findings and flood flow lists are filled in.
    this.quiet = true;
    left -= this.finishOldest(flows, dead, dead);
    this.quiet = false;
    const max = this.config.maxLiveFlows;
    if (left > max) {
      // The bound is truly hit: the oldest handshake attempts, then the least recently active
      // flows, are finished while still live, and the result says how many (capture-limits).
      const target = Math.floor(max * 0.75);
      let m = 0;
      for (let i = 0; i < flows.length; i++) {
        const f = flows[i];
        if (f === null || established(f)) continue;
        picked[m] = i;
        ages[m++] = ageNs(table, i, base);
      }
      this.forced = true;
      this.limits.hit(t.index, formatPoint(t));
      left -= this.finishOldest(flows, left - target, m);
      if (left > target) {
        m = 0;
        for (let i = 0; i < flows.length; i++) {
          const f = flows[i];
          if (f === null) continue;
          picked[m] = i;
          ages[m++] = ageNs(table, i, base);
        }
        left -= this.finishOldest(flows, left - target, m);
      }
      this.forced = false;
    }
    // The flows that must stay are not swept again until the table grows by a quarter: a sweep
    // per new flow over tens of thousands of live ones would be quadratic.
    this.sweepAt = Math.min(Math.max(this.config.maxActiveFlows, Math.ceil(left * 1.25)), max);
    table.fit();
  }

  private reserveScratch(slots: number): void {
    if (this.picked.length >= slots) return;
    const cap = Math.max(1024, slots * 2);
    this.picked = new Int32Array(cap);
    this.ages = new Float64Array(cap);
    this.sortedAges = new Float64Array(cap);
    this.chosen = new Int32Array(cap);
  }

  /**
   * Finishes the `count` least recently active of the `m` flows in `picked` (table slots, in
   * table order) with their `ages`, ties in table order — what a stable sort by last activity
   * picks, but the cut-off comes from natively sorted ages. Returns how many were finished.
   */
  private finishOldest(flows: (FlowState | null)[], count: number, m: number): number {
    const { picked, ages } = this;
    const n = Math.min(Math.ceil(count), m);
    if (n <= 0) return 0;
    const cut = n === m ? largest(ages, m) : nthSmallest(this.sortedAges, ages, m, n);
    let below = 0;
    for (let i = 0; i < m; i++) if (ages[i] < cut) below++;
    let equalLeft = n - below;
    let c = 0;
    for (let i = 0; i < m; i++) {
      const k = ages[i];
      if (k < cut || (k === cut && equalLeft-- > 0)) this.chosen[c++] = i;
    }
    // Finished oldest first (the order findings and flood flow lists are filled in), ties in
    // table order.
    const chosen = this.chosen.subarray(0, c);
    const keys = this.sortedAges.subarray(0, c);
    let min = Infinity;
    let integral = true;
    for (let j = 0; j < c; j++) {
      const age = ages[chosen[j]];
      if (age < min) min = age;
      if (!Number.isInteger(age)) integral = false;
    }
    // When (age − oldest) × scale + position is an exact double (integer ages within ~2^53 /
    // scale ns of each other: days for a flood), one native numeric sort of those keys gives
    // that order without a comparator call per comparison; else the comparator sort.
    const scale = 2 ** Math.ceil(Math.log2(c + 1));
    if (integral && (cut - min + 1) * scale < Number.MAX_SAFE_INTEGER) {
      for (let j = 0; j < c; j++) keys[j] = (ages[chosen[j]] - min) * scale + j;
      keys.sort();
      // The position back, exactly (scale a power of two): `keys[j] % scale` of a double
      // beyond 2^31 calls fmod.
      for (let j = 0; j < c; j++) {
        const k = keys[j];
        this.finish(flows[picked[chosen[k - Math.floor(k / scale) * scale]]]!);
      }
    } else {
      chosen.sort((a, b) => ages[a] - ages[b] || a - b);
      for (let j = 0; j < c; j++) this.finish(flows[picked[chosen[j]]]!);
    }
    return c;
  }
}
