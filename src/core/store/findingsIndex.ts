import type { Finding } from '../engine/result';

/** Flow id → ids of the findings that name it, in finding order (a Flow's `findings`). */
export function findingsIndex(findings: readonly Finding[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const fd of findings) {
    for (const id of fd.flows) {
      const list = out.get(id);
      if (list) list.push(fd.id);
      else out.set(id, [fd.id]);
    }
  }
  return out;
}
