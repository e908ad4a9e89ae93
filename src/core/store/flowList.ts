import type { Flow } from '../engine/result';

/**
 * Flows by position: an array of Flows is one, and so is the engine's store, which builds each
 * flow when asked (the editor's table pages through millions this way without keeping them).
 */
export interface FlowList {
  readonly length: number;
  at(i: number): Flow | undefined;
}

/** Id of the flow at position i, without building it when the list knows ids are dense. */
export function idAt(list: FlowList, i: number): number {
  const dense = (list as { idAt?: (i: number) => number }).idAt;
  return dense ? dense.call(list, i) : list.at(i)!.id;
}
