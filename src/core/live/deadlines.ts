/**
 * Flows to look at again when capture time reaches a moment: an unanswered SYN becomes
 * `unanswered-syn` once its first retransmission was due, and settles at its retry horizon,
 * with no packet to say so. A binary min-heap on seconds (float: ~0.25 µs at today's epoch).
 */
import type { FlowState } from '../engine/flowState';

export class Deadlines {
  private at: number[] = [];
  private flows: FlowState[] = [];
  private ids: number[] = [];

  get size(): number {
    return this.at.length;
  }

  add(at: number, f: FlowState): void {
    this.at.push(at);
    this.flows.push(f);
    this.ids.push(f.id);
    let i = this.at.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.at[p] <= this.at[i]) break;
      this.swap(i, p);
      i = p;
    }
  }

  /**
   * Pops every entry due at or before `now` whose flow is still the same live flow (flow states
   * are reused after a flow finishes; a finished flow's findings arrive through the analyzer).
   */
  due(now: number, out: Set<FlowState>): void {
    while (this.at.length > 0 && this.at[0] <= now) {
      const f = this.flows[0];
      const id = this.ids[0];
      this.pop();
      if (f.id === id && f.slot >= 0) out.add(f);
    }
  }

  private pop(): void {
    const last = this.at.length - 1;
    this.swap(0, last);
    this.at.pop();
    this.flows.pop();
    this.ids.pop();
    let i = 0;
    const n = this.at.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.at[l] < this.at[m]) m = l;
      if (r < n && this.at[r] < this.at[m]) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    [this.at[i], this.at[j]] = [this.at[j], this.at[i]];
    [this.flows[i], this.flows[j]] = [this.flows[j], this.flows[i]];
    [this.ids[i], this.ids[j]] = [this.ids[j], this.ids[i]];
  }
}
