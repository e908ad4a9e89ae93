/**
 * Offsets of a flow's numbers in the slab, derived from a declaration instead of numbered by
 * hand: each field says how many slots it takes — one per side (read at `offset + side`), one
 * for the flow, or a time point's five (packet, sec, ns, frac, ups) — and gets the next free
 * offset, in declaration order.
 */
export const PER_SIDE = 2;
export const PER_FLOW = 1;
export const TIME_POINT = 5;

export type SlotCount = typeof PER_SIDE | typeof PER_FLOW | typeof TIME_POINT;

export function slabOffsets<S extends Record<string, SlotCount>>(spec: S): { readonly [K in keyof S]: number } & { readonly SLOTS: number } {
  const out: Record<string, number> = {};
  let next = 0;
  for (const [name, slots] of Object.entries(spec)) {
    out[name] = next;
    next += slots;
  }
  out.SLOTS = next;
  return Object.freeze(out) as { readonly [K in keyof S]: number } & { readonly SLOTS: number };
}
