/**
 * The findings sent so far while following, by key: a finding sent again with the same key is
 * an update (or a withdrawal), never a second finding. Only findings that can still change are
 * kept (those of live flows, floods, stories); a final flow finding is sent, counted and
 * forgotten, so hours of following keep this as small as the set of live flows.
 */
import { severityOf, type AnalysisConfig } from '../engine/config';
import type { Candidate } from '../engine/flowFindings';
import type { FindingCode } from '../engine/result';
import type { FollowEvent, LiveFinding } from './events';

interface Kept {
  finding: LiveFinding;
  sig: string;
}

export class FindingSet {
  private readonly kept = new Map<string, Kept>();
  /** Keys of each live flow's findings. */
  private readonly byFlow = new Map<number, string[]>();
  /** Final findings sent (or counted) per code. */
  private readonly finals = new Map<FindingCode, number>();
  /** New findings sent per code, for the event budget. */
  private readonly sent = new Map<FindingCode, number>();
  suppressed = 0;

  constructor(private readonly config: AnalysisConfig, private readonly emit: (e: FollowEvent) => void) {}

  private budget(code: FindingCode): boolean {
    const n = this.sent.get(code) ?? 0;
    if (n >= this.config.maxFindingsPerCode * 5) return false;
    this.sent.set(code, n + 1);
    return true;
  }

  /** Whether another new finding of `code` would still be sent (callers skip building its message otherwise). */
  hasRoom(code: FindingCode): boolean {
    return (this.sent.get(code) ?? 0) < this.config.maxFindingsPerCode * 5;
  }

  knows(flowId: number): boolean {
    return this.byFlow.has(flowId);
  }

  /** A flow's findings as they stand; `final`: the flow is finished, nothing can change them. */
  setFlow(flowId: number, cands: readonly Candidate[], provisional: boolean, settlesAt: string | null, final: boolean): void {
    const before = this.byFlow.get(flowId);
    const keys: string[] = [];
    for (const c of cands) {
      const key = `${c.code}:${flowId}`;
      keys.push(key);
      this.put(key, c, provisional, settlesAt, final);
    }
    if (before) for (const k of before) if (!keys.includes(k)) this.withdraw(k);
    if (final || keys.length === 0) this.byFlow.delete(flowId);
    else this.byFlow.set(flowId, keys);
  }

  /** A finding about many flows (flood, story), replaced whenever it is recomputed. */
  setShared(key: string, c: Candidate): void {
    this.put(key, c, false, null, false);
  }

  /** Counts a final finding that was not sent (over the budget, or not worth building). */
  countFinal(code: FindingCode): void {
    this.finals.set(code, (this.finals.get(code) ?? 0) + 1);
    this.suppressed++;
  }

  private put(key: string, c: Candidate, provisional: boolean, settlesAt: string | null, final: boolean): void {
    const finding: LiveFinding = {
      key, code: c.code, severity: severityOf(this.config, c.code), message: c.message, flows: c.flows,
      packet: c.packet, time: c.time, details: c.details, provisional, settlesAt,
    };
    const sig = JSON.stringify([c.message, c.details, provisional, settlesAt]);
    const prev = this.kept.get(key);
    if (final) {
      this.kept.delete(key);
      this.finals.set(c.code, (this.finals.get(c.code) ?? 0) + 1);
    }
    if (!prev) {
      if (!this.budget(c.code)) { if (final) this.suppressed++; return; }
      if (!final) this.kept.set(key, { finding, sig });
      this.emit({ type: 'finding', change: 'new', finding });
      return;
    }
    if (!final) this.kept.set(key, { finding, sig });
    if (prev.sig !== sig) this.emit({ type: 'finding', change: 'updated', finding });
  }

  private withdraw(key: string): void {
    const prev = this.kept.get(key);
    if (!prev) return;
    this.kept.delete(key);
    this.emit({ type: 'finding', change: 'withdrawn', finding: prev.finding });
  }

  /** Findings per code as they stand: final ones sent or counted, and those that may still change. */
  counts(): Partial<Record<FindingCode, number>> {
    const out: Partial<Record<FindingCode, number>> = {};
    for (const [code, n] of this.finals) out[code] = n;
    for (const { finding } of this.kept.values()) out[finding.code] = (out[finding.code] ?? 0) + 1;
    return out;
  }

  /** Every finding that may still change (a late subscriber's starting point). */
  current(): LiveFinding[] {
    return [...this.kept.values()].map((k) => k.finding);
  }
}
