/** Export formats: the engine's own formatters, so the extension and the CLI write the same files. */
import type { Analyzer } from '../core/engine/analyzer';
import type { AnalysisResult } from '../core/engine/result';
import { findingsToCsv, flowsToCsv } from '../core/output/csv';
import { formatJson } from '../core/output/json';
import { writeFlowsParquet } from '../core/output/parquet';
import { formatSarif } from '../core/output/sarif';

export function exportFindings(result: AnalysisResult, format: 'json' | 'csv' | 'sarif'): string {
  switch (format) {
    case 'json':
      return formatJson(result);
    case 'csv':
      return findingsToCsv(result);
    case 'sarif':
      return formatSarif(result);
  }
}

/** Flows as a file's bytes: Parquet with every flow of the store, CSV with the listed ones (as the CLI). */
export function exportFlows(result: AnalysisResult, analyzer: Analyzer, format: 'parquet' | 'csv'): Uint8Array {
  if (format === 'csv') return new TextEncoder().encode(flowsToCsv({ ...result, flows: analyzer.listedFlows(analyzer.config.maxFlows) }));
  const parts: Uint8Array[] = [];
  const { bytes } = writeFlowsParquet(result, analyzer.flowList(), (b) => parts.push(b));
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
