/**
 * The comparison's report document (pure, no vscode): one line per listed pair and per middlebox
 * entry, and the Problems entries that sit on them — one per pair whose verdict points at a loss
 * or refusal, one per middlebox change. Clicking an entry selects its line; the line says which
 * pair it is (pairOfLine).
 */
import { MIDDLEBOX_INFO, VERDICT_INFO } from '../core/correlate/registry';
import type { CorrelateResult } from '../core/correlate/types';

export interface ReportDiagnostic {
  line: number;
  length: number;
  message: string;
  severity: 'error' | 'warning' | 'info';
  code: string;
}

export interface CorrelateReport {
  text: string;
  diagnostics: ReportDiagnostic[];
  /** Line → pair id. */
  pairs: Map<number, number>;
}

const SEVERITY = { error: 'error', warning: 'warning', note: 'info' } as const;

export function buildCorrelateReport(r: CorrelateResult): CorrelateReport {
  const lines: string[] = [];
  const diagnostics: ReportDiagnostic[] = [];
  const pairs = new Map<number, number>();
  lines.push(`A (client side): ${r.a.path}`, `B (server side): ${r.b.path}${r.swapped ? '  (given the other way round)' : ''}`, r.summary.message, '');
  for (const m of r.middleboxes) {
    const info = MIDDLEBOX_INFO[m.code];
    if (info.level === 'none') continue;
    pairs.set(lines.length, m.pairs[0]);
    const line = `${m.code}: ${m.message} (pair${m.count === 1 ? '' : 's'} ${m.pairs.slice(0, 10).join(', ')}${m.count > 10 ? ' …' : ''})`;
    diagnostics.push({ line: lines.length, length: line.length, message: m.message, severity: SEVERITY[info.level], code: m.code });
    lines.push(line);
  }
  if (r.middleboxes.length) lines.push('');
  for (const p of r.pairs) {
    const info = VERDICT_INFO[p.verdict];
    const line = `pair ${p.id}: ${p.client} → ${p.server} — ${p.verdict}: ${info.title} (flow ${p.a ?? '-'} in A, ${p.b ?? '-'} in B)`;
    pairs.set(lines.length, p.id);
    if (info.level !== 'none') {
      diagnostics.push({
        line: lines.length, length: line.length, severity: SEVERITY[info.level], code: p.verdict,
        message: `pair ${p.id} ${p.client} → ${p.server}: ${info.title}${p.evidence ? ` — ${p.evidence}` : ''}`,
      });
    }
    lines.push(line);
  }
  return { text: `${lines.join('\n')}\n`, diagnostics, pairs };
}
