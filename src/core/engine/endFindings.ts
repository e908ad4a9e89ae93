/**
 * Findings decided at the end of the capture, by the registry's end rules: damage, the
 * analyser's bounds, SYN floods per target (which then absorb their members' per-flow
 * findings), per-server slow-handshake outliers; then every finding gets its severity and id,
 * with at most `maxFindingsPerCode` of each per-flow code and one summary finding for the rest.
 */
import { severityOf } from './config';
import { count } from './describe';
import { FINDING_RULE, FLOOD_ABSORBED } from './findings/registry';
import type { Candidate, EndInput, Pending } from './findings/rule';
import { synFlood } from './findings/synFlood';
import { slowOutlier } from './findings/slowHandshake';
import type { Finding, FindingCode } from './result';
import type { TargetAgg } from './targets';

export type PendingBucket = Map<FindingCode, { items: Pending[]; more: number }>;

export interface AssembleInput extends EndInput {
  /** Per-flow findings waiting for the end, per target a flood there would absorb them into. */
  pending: Map<TargetAgg | null, PendingBucket>;
}

/** Findings about the capture as a whole come first, in this order, then the floods. */
const CAPTURE_CODES: readonly FindingCode[] = ['capture-damaged', 'server-limit', 'capture-limits'];

/** A finding already worded (the end rules word the few they find), in the per-flow lists. */
function ready(c: Candidate): Pending {
  return { code: c.code, packet: c.packet, time: c.time, describe: () => c };
}

export function assembleFindings(input: AssembleInput): Finding[] {
  const { config } = input;
  const ordered: Candidate[] = [];
  for (const code of CAPTURE_CODES) {
    const rule = FINDING_RULE[code].atEnd!;
    for (const facts of rule.decide(input)) ordered.push(rule.describe(facts, config));
  }
  const floods = new Set<TargetAgg>();
  for (const flood of synFlood.decide(input)) {
    floods.add(flood.target);
    ordered.push(synFlood.describe(flood, config));
  }
  const perFlow = new Map<FindingCode, { items: Pending[]; more: number }>();
  const take = (code: FindingCode, items: readonly Pending[], more: number): void => {
    let b = perFlow.get(code);
    if (!b) {
      b = { items: [], more: 0 };
      perFlow.set(code, b);
    }
    b.items.push(...items);
    b.more += more;
  };
  for (const [agg, bucket] of input.pending) {
    const flooded = agg !== null && floods.has(agg);
    for (const [code, b] of bucket) {
      if (flooded && FLOOD_ABSORBED.has(code)) continue;
      take(code, b.items, b.more);
    }
  }
  const outliers = slowOutlier.decide(input);
  if (outliers.length > 0) take('slow-handshake', outliers.map((o) => ready(slowOutlier.describe(o, config))), 0);
  const codes = [...perFlow.keys()].sort();
  const flowCands: Candidate[] = [];
  for (const code of codes) {
    const b = perFlow.get(code)!;
    b.items.sort((a, c) => a.packet - c.packet);
    // Worded only now, and only the listed ones.
    const keep = b.items.slice(0, config.maxFindingsPerCode);
    const extra = b.items.length - keep.length + b.more;
    for (const p of keep) flowCands.push(p.describe());
    if (extra > 0) {
      flowCands.push({
        code, flows: [], packet: 0, time: null,
        message: `${count(extra, 'more flow')} with ${code} (not listed one by one; the limit is ${config.maxFindingsPerCode})`,
        details: { more: extra, summary: true },
      });
    }
  }
  flowCands.sort((a, c) => (a.packet || Infinity) - (c.packet || Infinity));
  ordered.push(...flowCands);
  return ordered.map((c, i) => ({
    id: i + 1,
    code: c.code,
    severity: severityOf(config, c.code),
    message: c.message,
    flows: c.flows,
    packet: c.packet,
    time: c.time,
    details: c.details,
  }));
}
