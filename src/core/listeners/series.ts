/**
 * Per-listener time series on one grid shared by the whole analysis: bins of `binSeconds` from
 * the capture's first packet, at most `maxBins` of them. When the capture outgrows the grid its
 * bins double in width (each listener folds its own bins pairwise the next time it is touched),
 * so any capture length fits in bounded memory and every listener's bins line up (per-port
 * rows add them).
 */

/** What each bin counts; the log columns hold sums over flows of ln(seconds) and its square. */
export const S = {
  attempts: 0,
  completed: 1,
  refused: 2,
  unanswered: 3,
  halfOpen: 4,
  /** Flows whose SYN went unanswered at least once (retransmitted before the answer, or never answered). */
  synDropped: 5,
  /** Flows whose first SYN was answered (the listener was taking connections). */
  answeredFirst: 6,
  synAckRetx: 7,
  serverN: 8,
  serverLog: 9,
  serverLog2: 10,
  clientN: 11,
  clientLog: 12,
  clientLog2: 13,
} as const;
export const COLS = 14;

export class SeriesGrid {
  /** Width exponent: bins are binSeconds · 2^level wide. */
  level = 0;
  /** Bins left in the analysis's budget (all listeners together). */
  budget: number;
  constructor(readonly binSeconds = 1, readonly maxBins = 1024, budgetBins = 1 << 17) {
    this.budget = budgetBins;
  }

  get width(): number {
    return this.binSeconds * 2 ** this.level;
  }

  /** The bin of a time `t` seconds after the start, widening the grid when it lies past the end. */
  binOf(t: number): number {
    let b = Math.floor(Math.max(0, t) / this.width);
    while (b >= this.maxBins) {
      this.level++;
      b = Math.floor(Math.max(0, t) / this.width);
    }
    return b;
  }
}

export class Series {
  level = 0;
  /** First bin held, on this series' level. */
  first = 0;
  bins = 0;
  data: Float64Array = new Float64Array(0);
  /** Set when the budget ran out: later flows are counted by the listener but not binned. */
  truncated = false;

  constructor(private readonly grid: SeriesGrid) {}

  /** The bin's row offset for grid bin `b` (on the grid's level), or −1 when the budget is spent. */
  row(b: number): number {
    this.catchUp();
    if (this.bins === 0) {
      if (!this.reserve(b, b + 1)) return -1;
    } else if (b < this.first || b >= this.first + this.bins) {
      const lo = Math.min(this.first, b);
      const hi = Math.max(this.first + this.bins, b + 1);
      if (!this.reserve(lo, hi)) return -1;
    }
    return (b - this.first) * COLS;
  }

  private reserve(lo: number, hi: number): boolean {
    const grow = hi - lo - this.bins;
    if (this.grid.budget < grow) {
      this.truncated = true;
      return false;
    }
    this.grid.budget -= grow;
    const cap = this.data.length / COLS;
    if (hi - lo > cap || lo < this.first || hi > this.first + cap) {
      // Capacity doubles (within the grid's width): a series growing bin by bin copies rarely.
      const want = Math.min(this.grid.maxBins, Math.max(hi - lo, cap * 2, 4));
      const start = lo;
      const next = new Float64Array(want * COLS);
      if (this.bins > 0) next.set(this.data.subarray(0, this.bins * COLS), (this.first - start) * COLS);
      this.data = next;
      this.first = start;
      this.bins = hi - start;
    } else {
      this.first = Math.min(this.first, lo);
      this.bins = hi - this.first;
    }
    return true;
  }

  /** Folds bins pairwise until this series is on the grid's level. */
  catchUp(): void {
    while (this.level < this.grid.level) {
      this.level++;
      if (this.bins === 0) continue;
      const first = this.first >> 1;
      const bins = ((this.first + this.bins - 1) >> 1) - first + 1;
      const next = new Float64Array(Math.max(bins, 4) * COLS);
      for (let i = 0; i < this.bins; i++) {
        const to = (((this.first + i) >> 1) - first) * COLS;
        for (let c = 0; c < COLS; c++) next[to + c] += this.data[i * COLS + c];
      }
      this.grid.budget += this.bins - bins;
      this.data = next;
      this.first = first;
      this.bins = bins;
    }
  }

  get(bin: number, col: number): number {
    return bin < this.first || bin >= this.first + this.bins ? 0 : this.data[(bin - this.first) * COLS + col];
  }

  /** Adds another series (same grid) into this one, bin by bin (per-port rows). */
  addAll(o: Series): void {
    o.catchUp();
    this.catchUp();
    for (let i = 0; i < o.bins; i++) {
      const r = this.row(o.first + i);
      if (r < 0) return;
      for (let c = 0; c < COLS; c++) this.data[r + c] += o.data[i * COLS + c];
    }
    if (o.truncated) this.truncated = true;
  }
}
