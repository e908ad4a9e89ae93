/**
 * The readable findings report and the diagnostics that point into it.
 * Pure: no vscode import, so unit tests run it directly; diagnostics.ts turns the specs into
 * vscode.Diagnostic objects.
 *
 * Why a report document at all: a Problems entry can only point at a text range, and custom
 * editors receive no selection when an entry is clicked. So each diagnostic lives on one line
 * of a `synscope-report:` document; clicking the entry opens that line, and reportNavigator.ts
 * reads the line's finding and reveals its flow in the capture's synscope editor.
 *
 * Layout, like Wireshark's Expert Info: the findings that tell a story about many flows (a SYN
 * flood, a connect pile-up, a capture-wide problem) come first, because they explain the rest;
 * then the per-flow findings grouped by code and target (server endpoint), one heading per
 * group. A group of several flows is one Problems entry with the flows as its related
 * information (expandable), so 60 identical "never answered" lines no longer bury the story
 * that explains them; a group of one stays a plain entry.
 */
import type { Finding, FindingCode, Severity } from '../core/engine/result';
import { FINDING_RULE } from '../core/engine/findings/registry';
import { plural } from '../render/format';

export const REPORT_HEADER_LINES = 2;
/** Related entries under one grouped Problems entry; the report lists every member anyway. */
export const MAX_RELATED = 200;

export interface RelatedSpec {
  line: number;
  length: number;
  /** The finding's message as the JSON, the CSV and the diagram give it (its report line names the flow). */
  message: string;
}

export interface DiagnosticSpec {
  /** 0-based line in the report. */
  line: number;
  /** Length of the line (the diagnostic's range covers it). */
  length: number;
  severity: Severity;
  /** A finding code, or 'more-findings' for the overflow entry. */
  code: string;
  message: string;
  /** The finding this entry stands for; a group's first member; null for the overflow entry. */
  findingId: number | null;
  /** Findings this entry stands for (1 for a plain entry, the group size for a group). */
  count: number;
  /** A group's members, each on its own report line. */
  related?: RelatedSpec[];
}

export interface FindingsReport {
  text: string;
  /** Finding id per 0-based line (absent for header/footer lines). */
  findingAtLine: Map<number, number>;
  /** Group heading line → the group's finding ids, in report order. */
  groupAtLine: Map<number, number[]>;
  /** Line of each finding in the report. */
  lineOfFinding: Map<number, number>;
  diagnostics: DiagnosticSpec[];
}

export interface ReportOptions {
  /** Problems entries before one more entry counts the findings left out. */
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
  else if (f.flows.length > 1) parts.push(plural(f.flows.length, 'flow'));
  if (f.packet > 0) parts.push(`frame ${f.packet}`);
  if (endpoints) parts.push(endpoints);
  parts.push(oneLine(f.message));
  return parts.join('  ');
}

/** Finding id at the start of a report line (`#12 …`, indented in a group), null for other lines. */
export function findingIdOfLine(line: string): number | null {
  const m = /^\s*#(\d+)\s/.exec(line);
  return m ? Number(m[1]) : null;
}

/**
 * Findings that explain many flows (or the capture): the codes the registry says do, and any
 * finding about more or fewer than one flow. A story about one flow is still a story.
 */
function isStory(f: Finding): boolean {
  return f.flows.length !== 1 || FINDING_RULE[f.code]?.explainsMany === true;
}

/** Per-flow findings of one code, severity and target. */
interface Group {
  code: FindingCode;
  severity: Severity;
  target: string;
  members: Finding[];
  /** The story finding that covers every member's flow, if any (named in the heading). */
  story: Finding | null;
}

/** Server side of "client → server" (what the per-flow findings are grouped by). */
function targetOf(endpoints: string | undefined): string {
  if (!endpoints) return '';
  const i = endpoints.lastIndexOf(' → ');
  return i >= 0 ? endpoints.slice(i + 3) : endpoints;
}

function groupPerFlow(perFlow: Finding[], stories: Finding[], flowEndpoints: Readonly<Record<number, string>>): Group[] {
  const groups = new Map<string, Group>();
  for (const f of perFlow) {
    const target = targetOf(flowEndpoints[f.flows[0]!]);
    const key = `${f.severity}\0${f.code}\0${target}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { code: f.code, severity: f.severity, target, members: [], story: null }));
    g.members.push(f);
  }
  const storyFlows = stories.map((s) => ({ s, flows: new Set(s.flows) }));
  for (const g of groups.values()) {
    if (g.members.length < 2) continue;
    g.story = storyFlows.find(({ flows }) => g.members.every((m) => flows.has(m.flows[0]!)))?.s ?? null;
  }
  // Most severe first (Problems sorts by severity anyway), then where the group starts.
  return [...groups.values()].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.members[0]!.id - b.members[0]!.id);
}

/** "flows 1–60" for a run, "flows 3, 9, 12 …" otherwise. */
function flowList(ids: number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const contiguous = sorted.every((id, i) => i === 0 || id === sorted[i - 1]! + 1);
  if (contiguous && sorted.length > 2) return `flows ${sorted[0]}–${sorted.at(-1)}`;
  const shown = sorted.slice(0, 6).join(', ');
  return `flows ${shown}${sorted.length > 6 ? ` and ${sorted.length - 6} more` : ''}`;
}

/** The group's report line: count, code and target first, so it reads like an Expert Info row. */
function groupHeading(g: Group): string {
  const target = g.target ? `  to ${g.target}` : '';
  return `${g.members.length} × ${g.code}  ${g.severity}${target}  ${groupSentence(g)}`;
}

/** The group's Problems message (code and severity have columns of their own there). */
function groupMessage(g: Group): string {
  return `${plural(g.members.length, 'flow')}${g.target ? ` to ${g.target}` : ''}: ${groupSentence(g)}`;
}

function groupSentence(g: Group): string {
  const title = FINDING_RULE[g.code]?.title ?? g.code;
  return `${title} (${flowList(g.members.map((m) => m.flows[0]!))})${g.story ? `; see #${g.story.id} ${g.story.code}` : ''}`;
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
    `synscope findings for ${oneLine(captureName)}: ${plural(ordered.length, 'finding')} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info)`,
    ordered.length > 0
      ? 'Click a Problems entry, or a line\'s "Show flow" lens, to see the flow and its sequence diagram in the capture editor. Findings about many flows come first; the rest are grouped by code and target.'
      : 'No findings: every handshake looks healthy.',
  ];
  const stories = ordered.filter(isStory);
  const groups = groupPerFlow(ordered.filter((f) => !isStory(f)), stories, flowEndpoints);
  const findingAtLine = new Map<number, number>();
  const groupAtLine = new Map<number, number[]>();
  const lineOfFinding = new Map<number, number>();
  const diagnostics: DiagnosticSpec[] = [];
  let listed = 0;
  let represented = 0;
  /** Line of the first entry the cap left out (where the overflow entry points). */
  let firstLeftOutLine = -1;

  const addFinding = (f: Finding, indent: string): number | null => {
    if (listed >= maxLines) return null;
    listed++;
    const line = lines.length;
    // A story's first flow is one of many: its endpoints would read as the story's own.
    lines.push(indent + reportLine(f, f.flows.length === 1 ? flowEndpoints[f.flows[0]!] : undefined));
    findingAtLine.set(line, f.id);
    lineOfFinding.set(f.id, line);
    return line;
  };
  const entry = (spec: DiagnosticSpec): void => {
    if (diagnostics.length < maxDiag) {
      diagnostics.push(spec);
      represented += spec.count;
    } else if (firstLeftOutLine < 0) firstLeftOutLine = spec.line;
  };

  for (const f of stories) {
    const line = addFinding(f, '');
    if (line === null) break;
    entry({ line, length: lines[line]!.length, severity: f.severity, code: f.code, message: oneLine(f.message), findingId: f.id, count: 1 });
  }
  for (const g of groups) {
    if (listed >= maxLines) break;
    if (g.members.length === 1) {
      const f = g.members[0]!;
      const line = addFinding(f, '');
      if (line === null) break;
      entry({ line, length: lines[line]!.length, severity: f.severity, code: f.code, message: oneLine(f.message), findingId: f.id, count: 1 });
      continue;
    }
    const heading = lines.length;
    lines.push(groupHeading(g));
    const related: RelatedSpec[] = [];
    const ids: number[] = [];
    for (const f of g.members) {
      const line = addFinding(f, '    ');
      if (line === null) break;
      ids.push(f.id);
      if (related.length < MAX_RELATED) related.push({ line, length: lines[line]!.length, message: oneLine(f.message) });
    }
    groupAtLine.set(heading, ids);
    entry({
      line: heading, length: lines[heading]!.length, severity: g.severity, code: g.code,
      message: groupMessage(g), findingId: ids[0] ?? null, count: ids.length, related,
    });
  }
  if (listed < ordered.length) {
    lines.push(`… ${plural(ordered.length - listed, 'more finding')}; export them with "synscope: Export Findings".`);
  }
  const rest = ordered.length - represented;
  if (rest > 0 && firstLeftOutLine >= 0) {
    // Point the overflow entry at the first finding it stands for.
    const line = firstLeftOutLine;
    diagnostics.push({
      line,
      length: lines[line]!.length,
      severity: 'info',
      code: 'more-findings',
      message: `${plural(rest, 'more finding')} not listed in Problems (setting synscope.maxDiagnostics = ${maxDiag}); all are in this report and in the export.`,
      findingId: null,
      count: rest,
    });
  }
  return { text: lines.join('\n') + '\n', findingAtLine, groupAtLine, lineOfFinding, diagnostics };
}

function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ');
}
