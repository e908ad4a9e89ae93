/**
 * Connects grouped by a key of up to three parts compared with === (addresses and ports), in
 * the order each key is first seen: the groups a Map keyed by the joined parts gives, without
 * building that string for each of a capture's connects.
 */
export class Grouping<T> {
  private readonly root = new Map<unknown, Map<unknown, Map<unknown, T[]>>>();
  /** Each group's items in the order added; groups in the order their keys were first seen. */
  readonly groups: T[][] = [];

  add(item: T, a: unknown, b: unknown, c?: unknown): void {
    let byB = this.root.get(a);
    if (!byB) this.root.set(a, (byB = new Map()));
    let byC = byB.get(b);
    if (!byC) byB.set(b, (byC = new Map()));
    let list = byC.get(c);
    if (!list) {
      byC.set(c, (list = []));
      this.groups.push(list);
    }
    list.push(item);
  }
}
