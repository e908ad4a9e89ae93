/** The JSON contract as the CLI prints it (docs/json-output.md, docs/synscope.schema.json). */
import type { AnalysisResult } from '../engine/result';

export function formatJson(result: AnalysisResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
