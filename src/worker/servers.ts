/** The Servers tab's data and "Compare with Baseline…": listener health of the finished analysis. */
import { analyzeFile } from '../core/engine/analyzeFile';
import type { AnalysisResult } from '../core/engine/result';
import { diffCaptures, type DiffSide } from '../core/diff/compare';
import { formatDiffTable } from '../core/diff/format';
import { DEFAULT_THRESHOLDS, type DiffReport } from '../core/diff/types';
import type { ServersReport } from '../core/listeners/types';
import { SERVERS_VIEW_ROWS } from '../protocol/messages';

/**
 * The report, worst rows first, cut to what a table shows (a port scan makes thousands), each
 * row carrying only the series the tab draws (server and client time, to 3 digits): the copy
 * crosses two threads and a process, and on the 1 GiB mix the whole report is ~0.8 MB.
 */
export function serversView(r: AnalysisResult): ServersReport | null {
  const s = r.servers;
  if (!s) return null;
  const digits = (v: number | null): number | null => (v === null ? null : Number(v.toPrecision(3)));
  const slim = <T extends ServersReport['listeners'][number] | ServersReport['ports'][number]>(row: T): T => ({
    ...row,
    series: { firstBin: row.series.firstBin, attempts: [], completed: [], failed: [], synDropped: [], serverTime: row.series.serverTime.map(digits), clientTime: row.series.clientTime.map(digits) },
  });
  return { ...s, listeners: s.listeners.slice(0, SERVERS_VIEW_ROWS).map(slim), ports: s.ports.slice(0, SERVERS_VIEW_ROWS).map(slim) };
}

export async function compareWithBaseline(path: string, incident: DiffSide): Promise<{ report: DiffReport; table: string }> {
  const { result, analyzer } = await analyzeFile(path, { maxFlows: 0 }, { listeners: true });
  const report = diffCaptures({ result, listeners: analyzer.listeners! }, incident, DEFAULT_THRESHOLDS);
  return { report, table: formatDiffTable(report) };
}
