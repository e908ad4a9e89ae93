/**
 * What the live flows add to the summary, kept as a running total: each live flow's share is
 * counted again only when it gets a packet (nothing in a flow's share changes with time alone:
 * outcome.ts's countFlow reads counters and flags, never the clock) and taken out when it
 * finishes. A summary then costs nothing per live flow, where walking every one of them each
 * second cost a SYN flood's hundreds of thousands of flowFacts a second (and read parked
 * flows' released records).
 */
import type { FlowState } from '../engine/flowState';
import { countFlow, type Outcome, type OutcomeInput } from '../engine/outcome';
import type { Summary } from '../engine/result';
import { Slab } from '../engine/slab';

type Counts = Omit<Summary, 'findings'>;
const FIELDS = ['flows', 'handshakesComplete', 'syn', 'synRetransmissions', 'synAck', 'synAckRetransmissions', 'refused', 'halfOpen', 'reset'] as const;
const WIDTH = FIELDS.length;

function zero(): Counts {
  return { flows: 0, handshakesComplete: 0, syn: 0, synRetransmissions: 0, synAck: 0, synAckRetransmissions: 0, refused: 0, halfOpen: 0, reset: 0 };
}

export class LiveCounts {
  private readonly total = zero();
  private readonly one = zero();
  /**
   * Each counted flow's share, WIDTH numbers a row; a flow's row is FlowState.liveRow. A slab
   * (lowest row first, empty chunks freed), so a flood's many live flows leave no rows behind.
   */
  private readonly rows = new Slab(WIDTH, { addrs: false });

  /** Counts a live flow as it stands now, replacing its earlier share. */
  set(f: FlowState, facts: OutcomeInput & { synRetx: number; synAckRetx: number }, outcome: Outcome): void {
    const one = this.one;
    for (const k of FIELDS) one[k] = 0;
    countFlow(one, facts, outcome);
    if (f.liveRow < 0) f.liveRow = this.rows.alloc();
    const rows = this.rows.chunk(f.liveRow).a;
    const at = this.rows.offset(f.liveRow);
    for (let i = 0; i < WIDTH; i++) {
      const k = FIELDS[i];
      this.total[k] += one[k] - rows[at + i];
      rows[at + i] = one[k];
    }
  }

  /** The flow finished (or its object is about to serve another flow): its share goes. */
  drop(f: FlowState): void {
    if (f.liveRow < 0) return;
    const rows = this.rows.chunk(f.liveRow).a;
    const at = this.rows.offset(f.liveRow);
    for (let i = 0; i < WIDTH; i++) this.total[FIELDS[i]] -= rows[at + i];
    this.rows.release(f.liveRow);
    f.liveRow = -1;
  }

  addTo(s: Counts): void {
    for (const k of FIELDS) s[k] += this.total[k];
  }

  /** Chunks of rows held now (tests). */
  get chunkCount(): number {
    return this.rows.chunkCount;
  }
}
