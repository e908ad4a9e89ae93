/** Findings export formats: the engine's own formatters, so the extension and the CLI write the same files. */
import type { AnalysisResult } from '../core/engine/result';
import { findingsToCsv } from '../core/output/csv';
import { formatJson } from '../core/output/json';
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
