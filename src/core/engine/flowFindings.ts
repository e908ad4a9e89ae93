/**
 * Findings about one flow, decided when the flow is finished by the per-flow rules of the
 * registry (findings/registry.ts). They are held per target until the end, because a flow that
 * turns out to be part of a SYN flood is counted in the flood's finding instead of getting its own.
 */
import type { AnalysisConfig } from './config';
import type { FlowFacts } from './buildFlow';
import { PER_FLOW_RULES } from './findings/registry';
import type { Candidate, FlowRuleContext, Pending, PerFlowRule } from './findings/rule';
import type { Outcome } from './outcome';
import type { FindingCode, Flow } from './result';
import { P_RST, P_SYN, type FlowState } from './flowState';

export type { Candidate, Pending } from './findings/rule';

/**
 * Which per-flow findings a finished flow gets: written into the caller's reused array, the
 * count returned (emptying an array with `length = 0` drops its storage, and this runs for
 * every flow). Cheap: no strings.
 */
export function findingCodes(f: FlowFacts, outcome: Outcome, config: AnalysisConfig, out: FindingCode[]): number {
  // One slot per rule from the first call, each written for every rule and the count moved by 0
  // or 1: a write first reached by the first finding (late in a flood), or growing the array
  // ("out of bounds"), threw away the compiled code of retire, which inlines this.
  while (out.length < CODES.length) out.push(CODES[out.length]);
  let n = 0;
  for (let i = 0; i < APPLIES.length; i++) {
    const hit = APPLIES[i](f, outcome, config);
    out[n] = CODES[i];
    n += hit ? 1 : 0;
  }
  return n;
}

/**
 * The per-flow rules' parts findingCodes reads, as flat arrays: the registry's entries have
 * many shapes (each rule has its own parts), so `r.perFlow`, `r.code` and `perFlow.applies`
 * were megamorphic lookups, a dozen a finished flow. The deciders take no `this`.
 */
const APPLIES: readonly PerFlowRule['applies'][] = PER_FLOW_RULES.map((r) => r.perFlow.applies);
const CODES = PER_FLOW_RULES.map((r) => r.code);

/** The findings themselves, with messages, for the codes `findingCodes` chose (and room was left for). */
export function flowFindings(flow: Flow, codes: ReadonlySet<FindingCode>, x: FlowRuleContext): Candidate[] {
  return pendingFindings(flow, codes, x).map((p) => p.describe());
}

/**
 * The findings for the codes `findingCodes` chose, to be worded at the end only if listed:
 * most candidates are not (the end keeps the first maxFindingsPerCode of a code by packet), and
 * wording them cost twice what building their flows did (~64 against ~32 ms on the 1 GiB bench
 * mix's ~5,000). Each keeps its built flow until then.
 */
export function pendingFindings(flow: Flow, codes: ReadonlySet<FindingCode>, x: FlowRuleContext): Pending[] {
  const out: Pending[] = [];
  for (const r of PER_FLOW_RULES) {
    if (!codes.has(r.code)) continue;
    const at = r.perFlow.point(flow, x);
    if (!at) continue;
    const { code, perFlow } = r;
    out.push({ code, packet: at.packet, time: at.time, describe: () => ({ code, flows: [flow.id], ...at, ...perFlow.describe(flow, x) }) });
  }
  return out;
}

/** What a per-flow rule reads of a flow still in the engine's state: its RST point, from the slab. */
export function ruleContext(f: FlowState, outcome: Outcome, config: AnalysisConfig): FlowRuleContext {
  const rst = f.firstRstSide >= 0;
  const rstDelay = rst && f.firstSynSide >= 0 ? f.pointDiff(P_RST, P_SYN) : null;
  return { config, outcome, rstPacket: rst ? f.pointPacket(P_RST) : 0, rstTime: rst ? f.pointTime(P_RST) : null, rstDelay };
}

/** flowFindings for a flow still in the engine's state. */
export function stateFindings(f: FlowState, flow: Flow, codes: ReadonlySet<FindingCode>, outcome: Outcome, config: AnalysisConfig): Candidate[] {
  return flowFindings(flow, codes, ruleContext(f, outcome, config));
}
