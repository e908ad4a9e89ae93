/**
 * Per-bin counts over the whole capture. Bins start narrow and double in width (merging
 * neighbours) whenever the capture outgrows the bin limit, so memory stays bounded and one
 * pass suffices.
 */
import type { Timeline } from './result';
import { diffSeconds, formatPoint, type TimePoint } from './time';

export const TL_SYN = 0;
export const TL_SYNACK = 1;
export const TL_COMPLETED = 2;
export const TL_RST = 3;

export class TimelineBuilder {
  private start: TimePoint | null = null;
  private width: number;
  private readonly counts: number[][] = [[], [], [], []];
  private bins = 0;

  constructor(minBinSeconds: number, private readonly maxBins: number) {
    this.width = minBinSeconds > 0 ? minBinSeconds : 0.001;
    if (this.maxBins < 2) this.maxBins = 2;
  }

  /** The first packet of the capture fixes bin 0. */
  setStart(t: TimePoint): void {
    if (!this.start) this.start = t;
  }

  add(series: number, sec: number, ns: number, n = 1): void {
    const bin = this.reach(sec, ns);
    if (bin >= 0) this.counts[series][bin] += n;
  }

  /** Make sure the timeline reaches the given time (the capture's last packet). */
  extendTo(sec: number, ns: number): void {
    this.reach(sec, ns);
  }

  /** The bin of a time, widening and growing the timeline to hold it; -1 before setStart. */
  private reach(sec: number, ns: number): number {
    if (!this.start) return -1;
    const dt = diffSeconds(sec, ns, this.start.sec, this.start.ns);
    let bin = dt > 0 ? Math.floor(dt / this.width) : 0;
    while (bin >= this.maxBins) {
      this.widen();
      bin = Math.floor(dt / this.width);
    }
    this.grow(bin + 1);
    return bin;
  }

  private grow(n: number): void {
    if (n <= this.bins) return;
    for (const c of this.counts) while (c.length < n) c.push(0);
    this.bins = n;
  }

  private widen(): void {
    this.width *= 2;
    for (let s = 0; s < this.counts.length; s++) {
      const c = this.counts[s];
      const merged: number[] = [];
      for (let i = 0; i < c.length; i += 2) merged.push(c[i] + (c[i + 1] ?? 0));
      this.counts[s] = merged;
    }
    this.bins = this.counts[0].length;
  }

  result(): Timeline {
    return {
      start: this.start ? formatPoint(this.start) : '0',
      binSeconds: this.width,
      syn: this.counts[TL_SYN].slice(),
      synAck: this.counts[TL_SYNACK].slice(),
      completed: this.counts[TL_COMPLETED].slice(),
      rst: this.counts[TL_RST].slice(),
    };
  }
}
