/**
 * The store's flows as the engine's callers read them: the first n as Flow objects (the
 * result's listed flows), every flow by position (the editor's table), every flow in id order
 * behind a filter (stories). Flow ids are dense from 1, so position i is flow i + 1.
 */
import type { Flow } from '../engine/result';
import type { FlowSource } from '../stories/storyFlow';
import type { FlowList } from './flowList';
import type { FlowFields } from './flowFields';
import type { FlowRows } from './flowRows';
import { FlowStore } from './flowStore';
import { ipKey } from './glance';
import { StoredFields } from './storedFields';

export function firstFlows(store: FlowRows, n: number, findingsOf: Map<number, number[]>): Flow[] {
  const out: Flow[] = [];
  for (let id = 1; id <= n; id++) {
    const flow = store.flow(id, findingsOf.get(id));
    if (flow) out.push(flow);
  }
  return out;
}

/**
 * Every flow by position; `fields` reads what the flow table sorts and filters by without building
 * them (a follow-mode window has none: the table then reads the built flows, flowFields.ts).
 */
export function storedFlowList(store: FlowRows, n: number, findingsOf: Map<number, number[]>): FlowList & { idAt(i: number): number; fields?: FlowFields } {
  return {
    length: n,
    at: (i) => store.flow(i + 1, findingsOf.get(i + 1)),
    idAt: (i) => i + 1,
    fields: store instanceof FlowStore ? new StoredFields(store, findingsOf) : undefined,
  };
}

/** Every flow in id order as the stories read it (glance.ts): from the columns, none built but those a story names (get). */
export function storedFlowSource(store: FlowRows, n: number, from = 1, toldFrom?: string): FlowSource {
  return {
    size: n,
    toldFrom,
    get: (id) => store.flow(id),
    keyOf: ipKey,
    forEach(fn, keep) {
      // A loop of its own for each kind of pass: the stories' first pass has no filter and the
      // next one has, and one loop for both was optimised for the first, then thrown away (a
      // deopt at the filter's call, never seen) early in the second, run unoptimised again.
      if (keep) {
        for (let id = from; id <= n; id++) {
          const g = store.glance(id);
          if (g && keep(g)) fn(g);
        }
      } else {
        for (let id = from; id <= n; id++) {
          const g = store.glance(id);
          if (g) fn(g);
        }
      }
    },
  };
}

/**
 * Every finished flow in id order for a whole analysis's stories. A follower's window
 * (storeWindowFlows) has let the oldest flows go: its stories say they were told from the rest.
 */
export function allStoredFlows(store: FlowRows, n: number, windowFlows: number): FlowSource {
  const kept = store.size;
  const note = kept < n
    ? `the most recent ${kept.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} flows (following keeps a window of the most recent ${windowFlows.toLocaleString('en-US')}: storeWindowFlows)`
    : undefined;
  return storedFlowSource(store, n, 1, note);
}
