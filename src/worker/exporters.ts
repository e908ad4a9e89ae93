/** Findings export formats. */
import type { AnalysisResult } from '../core/engine/result';

export function exportFindings(result: AnalysisResult, format: 'json' | 'csv' | 'sarif'): string {
  switch (format) {
    case 'json':
      return JSON.stringify(result, null, 2) + '\n';
    case 'csv':
    case 'sarif':
      throw new Error(`${format} export is not available yet`);
  }
}
