/**
 * A finished flow's shape: what many flows share and the store keeps once, named by an index in
 * the flow's row (Zeek state and history, completeness, option sets, VLANs, interfaces, the
 * time resolution of its points). Most flows match a shape seen a few flows earlier, so the
 * recent shapes of each history are compared before an intern key is built.
 */
import type { FlowFacts } from '../engine/buildFlow';
import { completenessOf, P_ACK, P_FIRST, P_SYN, P_SYNACK, type FlowState } from '../engine/flowState';
import type { OptionSets } from '../engine/optionSets';
import type { ConnState, TcpOptionsSeen } from '../engine/result';
import { POINT } from '../engine/time';
import { Interner } from './interner';
import type { Shape } from './rowLayout';

/** Shapes tried per history before the intern key is built. */
const RECENT_PER_HISTORY = 8;
/** Histories whose recent shapes are remembered (a capture has few; a bound all the same). */
const RECENT_HISTORIES = 4096;

export class Shapes {
  constructor(private readonly sets: OptionSets) {}

  private readonly shapes = new Interner<Shape>((x) => `${x.state} ${x.completeness} ${this.optionPairs.intern(x.options)} ${x.vlan.join(',')}|${x.interfaces.join(',')} ${x.ups.join(',')} ${x.history}`);
  private readonly optionPairs = new Interner<{ client: TcpOptionsSeen; server: TcpOptionsSeen }>(null);
  /**
   * The shapes seen last per history, tried before building an intern key (a flood's flows
   * share one; on the 1 GiB bench mix one per history missed a tenth of the flows, the rest of
   * a history's few shapes taking turns).
   */
  private readonly recent = new Map<string, number[]>();

  value(i: number): Shape {
    return this.shapes.value(i);
  }

  /** The index of flow f's shape; `n`: flows stored so far (which recent shape a new one replaces). */
  of(f: FlowState, k: FlowFacts, state: ConnState, history: string, hasSyn: boolean, hasSynAck: boolean, n: number): number {
    const a = f.s.a;
    const o = f.o;
    const ups0 = a[o + P_FIRST + POINT.ups];
    const ups1 = f.lastUps;
    // Read whether or not the flow has the point (a read under `hasSyn ?` that no flow made yet
    // has no type feedback, and the first one threw the optimised code away).
    const syn = a[o + P_SYN + POINT.ups];
    const synAck = a[o + P_SYNACK + POINT.ups];
    const ack = a[o + P_ACK + POINT.ups];
    const ups2 = hasSyn ? syn : 0;
    const ups3 = hasSynAck ? synAck : 0;
    const ups4 = f.hasAck ? ack : 0;
    // The options' shared pair (two Map lookups) is looked up only for a new shape: a shape
    // seen before is recognised by the two shared sets the pair holds.
    const co = k.clientOptions;
    const so = k.serverOptions;
    const completeness = completenessOf(f);
    const ifs = f.interfaces;
    const recent = this.recent.get(history);
    if (recent !== undefined) {
      for (let j = 0; j < recent.length; j++) {
        const x = this.shapes.value(recent[j]);
        const u = x.ups;
        if (x.state === state && x.completeness === completeness && x.options.client === co && x.options.server === so && sameList(x.vlan, f.vlan) &&
          (x.interfaces === ifs || (ifs.length === 1 && x.interfaces.length === 1 && x.interfaces[0] === ifs[0])) &&
          u[0] === ups0 && u[1] === ups1 && u[2] === ups2 && u[3] === ups3 && u[4] === ups4) return recent[j];
      }
    }
    const i = this.shapes.intern({
      state, completeness, history,
      options: this.sets.pair(co, so),
      vlan: f.vlan as number[],
      interfaces: ifs.length === 1 ? (ifs as number[]) : ifs.slice().sort((x, y) => x - y),
      ups: [ups0, ups1, ups2, ups3, ups4],
    });
    if (recent === undefined) {
      if (this.recent.size < RECENT_HISTORIES) this.recent.set(history, [i]);
    } else if (recent.length < RECENT_PER_HISTORY) recent.push(i);
    else recent[n % RECENT_PER_HISTORY] = i;
    return i;
  }
}

/** Same numbers in the same order (a flow's VLAN list is its own array; the Shape holds the first flow's). */
function sameList(x: readonly number[], y: readonly number[]): boolean {
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
