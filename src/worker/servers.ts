/** The Servers tab's data and "Compare with Baseline…": listener health of the finished analysis. */
import { analyzeFile } from '../core/engine/analyzeFile';
import type { AnalysisResult } from '../core/engine/result';
import { diffCaptures, type DiffSide } from '../core/diff/compare';
import { formatDiffTable } from '../core/diff/format';
import { DEFAULT_THRESHOLDS, type DiffReport } from '../core/diff/types';
import type { ServersReport } from '../core/listeners/types';
import { SERVERS_VIEW_ROWS } from '../protocol/messages';

/** The report, worst rows first, cut to what a table shows (a port scan makes thousands). */
export function serversView(r: AnalysisResult): ServersReport | null {
  const s = r.servers;
  if (!s) return null;
  return { ...s, listeners: s.listeners.slice(0, SERVERS_VIEW_ROWS), ports: s.ports.slice(0, SERVERS_VIEW_ROWS) };
}

export async function compareWithBaseline(path: string, incident: DiffSide): Promise<{ report: DiffReport; table: string }> {
  const { result, analyzer } = await analyzeFile(path, { maxFlows: 0 }, { listeners: true });
  const report = diffCaptures({ result, listeners: analyzer.listeners! }, incident, DEFAULT_THRESHOLDS);
  return { report, table: formatDiffTable(report) };
}
