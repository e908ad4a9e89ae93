/** A binary min-heap of scripted packets ordered by (time, insertion order). */
import { comparePackets, type GenPacket, type PacketSink } from './packet';

export class TimeQueue implements PacketSink {
  private readonly heap: GenPacket[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(p: GenPacket): void {
    const h = this.heap;
    let i = h.length;
    h.push(p);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (comparePackets(h[parent], p) <= 0) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = p;
  }

  peek(): GenPacket | undefined {
    return this.heap[0];
  }

  pop(): GenPacket | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && comparePackets(h[r], h[l]) < 0 ? r : l;
      if (comparePackets(last, h[c]) <= 0) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = last;
    return top;
  }
}
