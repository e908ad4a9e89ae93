/**
 * The first rows of the flow table while a capture is read (the editor shows them before the
 * reading ends, and a followed capture keeps changing them): rebuilt only where a flow got
 * packets or finished since the last refresh. A finished flow's row is final and never built
 * again; a live flow's is rebuilt when its last frame changed. The analyzer's table is scanned
 * only while new flows among the first rows appear (at the start), not at every refresh.
 */
import type { Analyzer } from '../engine/analyzer';
import { buildFlow } from '../engine/buildFlow';
import type { FlowState } from '../engine/flowState';
import type { Flow } from '../engine/result';

export class FirstRows {
  private readonly rows: Flow[] = [];
  /** The live state behind each row not yet final (null once final), and its last frame when built. */
  private readonly live: (FlowState | null)[] = [];
  private readonly stamps: number[] = [];
  /** Rows built by the last refresh (what it cost). */
  rebuilt = 0;

  constructor(private readonly a: Analyzer, private readonly n: number) {}

  refresh(): Flow[] {
    const v = this.a.liveView();
    this.rebuilt = 0;
    const have = this.rows.length;
    const want = Math.min(this.n, v.nextId - 1);
    if (want > have) {
      const found = new Map<number, FlowState>();
      for (const f of v.table.flows) if (f !== null && f.id > have && f.id <= want) found.set(f.id, f);
      for (let id = have + 1; id <= want; id++) {
        const f = found.get(id) ?? null;
        this.live.push(f);
        this.stamps.push(f ? v.lastPacketOf(f) : 0);
        if (f) v.awake(f);
        this.rows.push(f ? buildFlow(f, v.options) : v.store.flow(id)!);
        this.rebuilt++;
      }
    }
    for (let i = 0; i < have; i++) {
      const f = this.live[i];
      if (f === null) continue;
      if (f.id !== i + 1 || f.slot < 0) {
        // Finished (its state may already serve another flow): the stored row is final.
        const done = v.store.flow(i + 1);
        if (done) this.rows[i] = done;
        this.live[i] = null;
        this.rebuilt++;
      } else if (v.lastPacketOf(f) !== this.stamps[i]) {
        this.stamps[i] = v.lastPacketOf(f);
        v.awake(f);
        this.rows[i] = buildFlow(f, v.options);
        this.rebuilt++;
      }
    }
    return this.rows;
  }
}
