/**
 * The readable findings report (one line per finding) and the diagnostics that point into it.
 * Pure: no vscode import, so unit tests run it directly; diagnostics.ts turns the specs into
 * vscode.Diagnostic objects.
 *
 * Why a report document at all: a Problems entry can only point at a text range, and custom
 * editors receive no selection when an entry is clicked. So each diagnostic lives on one line
 * of a `synscope-report:` document; clicking the entry opens that line, and reportNavigator.ts
 * reads the line's finding id and reveals its flow in the capture's synscope editor.
 */
import type { Finding, Severity } from '../core/engine/result';

export const REPORT_HEADER_LINES = 2;

export interface DiagnosticSpec {
  /** 0-based line in the report. */
  line: number;
  /** Length of the line (the diagnostic's range covers it). */
  length: number;
  severity: Severity;
  /** A finding code, or 'more-findings' for the overflow entry. */
  code: string;
  message: string;
  findingId: number | null;
}

export interface FindingsReport {
  text: string;
  /** Finding id per 0-based line (absent for header/footer lines). */
  findingAtLine: Map<number, number>;
  /** Line of each finding in the report. */
  lineOfFinding: Map<number, number>;
  diagnostics: DiagnosticSpec[];
}

export interface ReportOptions {
  maxDiagnostics: number;
  /** Lines of findings in the document before it stops (a report must stay openable). */
  maxLines?: number;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Most severe first, then in the engine's order (file order). */
export function orderFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.id - b.id);
}

/** One report line for a finding; starts with `#<id>` so the line alone identifies it. */
export function reportLine(f: Finding, endpoints: string | undefined): string {
  const parts = [`#${f.id}`, f.severity.padEnd(7), f.code];
  if (f.flows.length === 1) parts.push(`flow ${f.flows[0]}`);
  else if (f.flows.length > 1) parts.push(`${f.flows.length} flows`);
  if (f.packet > 0) parts.push(`frame ${f.packet}`);
  if (endpoints) parts.push(endpoints);
  parts.push(oneLine(f.message));
  return parts.join('  ');
}

/** Finding id at the start of a report line (`#12 …`), null for other lines. */
export function findingIdOfLine(line: string): number | null {
  const m = /^#(\d+)\s/.exec(line);
  return m ? Number(m[1]) : null;
}

export function buildFindingsReport(
  captureName: string,
  findings: readonly Finding[],
  flowEndpoints: Readonly<Record<number, string>>,
  opts: ReportOptions,
): FindingsReport {
  const ordered = orderFindings(findings);
  const maxLines = opts.maxLines ?? 100_000;
  const maxDiag = Math.max(0, Math.floor(opts.maxDiagnostics));
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of ordered) counts[f.severity]++;
  const lines = [
    `synscope findings for ${oneLine(captureName)}: ${ordered.length} (${counts.error} errors, ${counts.warning} warnings, ${counts.info} info)`,
    ordered.length > 0
      ? 'Click a line, or its "Show flow" lens, to see the flow and its sequence diagram in the capture editor.'
      : 'No findings: every handshake looks healthy.',
  ];
  const findingAtLine = new Map<number, number>();
  const lineOfFinding = new Map<number, number>();
  const diagnostics: DiagnosticSpec[] = [];
  const shown = Math.min(ordered.length, maxLines);
  for (let i = 0; i < shown; i++) {
    const f = ordered[i]!;
    const line = lines.length;
    const text = reportLine(f, f.flows.length > 0 ? flowEndpoints[f.flows[0]!] : undefined);
    lines.push(text);
    findingAtLine.set(line, f.id);
    lineOfFinding.set(f.id, line);
    if (i < maxDiag) {
      diagnostics.push({ line, length: text.length, severity: f.severity, code: f.code, message: oneLine(f.message), findingId: f.id });
    }
  }
  if (shown < ordered.length) {
    lines.push(`… ${ordered.length - shown} more findings; export them with "synscope: Export Findings".`);
  }
  if (ordered.length > maxDiag) {
    const rest = ordered.length - maxDiag;
    // Point the overflow entry at the first finding it stands for (or the footer line).
    const line = maxDiag < shown ? REPORT_HEADER_LINES + maxDiag : lines.length - 1;
    diagnostics.push({
      line,
      length: lines[line]!.length,
      severity: 'info',
      code: 'more-findings',
      message: `${rest} more findings not listed in Problems (setting synscope.maxDiagnostics = ${maxDiag}); all are in this report and in the export.`,
      findingId: null,
    });
  }
  return { text: lines.join('\n') + '\n', findingAtLine, lineOfFinding, diagnostics };
}

/** Documentation link for a finding code: docs/findings.md#<code> in the repository. */
export function findingDocUrl(repositoryUrl: string, code: string): string {
  const base = repositoryUrl.replace(/^git\+/, '').replace(/\.git$/, '').replace(/\/$/, '');
  return `${base}/blob/main/docs/findings.md#${code}`;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ');
}
