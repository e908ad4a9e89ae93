/** One call from a capture path to a finished analysis (CLI, worker, tests). */
import { readCaptureFile } from '../capture/readCapture';
import type { ReadOptions } from '../capture/types';
import { Analyzer } from './analyzer';
import type { AnalysisConfig } from './config';
import type { AnalysisResult } from './result';

export interface AnalyzeProgress {
  bytesRead: number;
  totalBytes: number;
  packets: number;
  flows: number;
  handshakesComplete: number;
}

export async function analyzeFile(
  path: string,
  config?: Partial<AnalysisConfig>,
  opts?: Omit<ReadOptions, 'onProgress'> & {
    onProgress?: (p: AnalyzeProgress) => void;
    /** Flows built into `result.flows` (default maxFlows); 0 when every flow is read from `analyzer.flowList()`. */
    listed?: number;
    /** Gather listener health (`result.servers`, docs/servers.md). */
    listeners?: boolean;
  },
): Promise<{ result: AnalysisResult; analyzer: Analyzer }> {
  const { onProgress, listed, listeners, ...readOpts } = opts ?? {};
  const analyzer = new Analyzer(config, { listeners });
  const read = await readCaptureFile(path, (p) => analyzer.addPacket(p), {
    ...readOpts,
    onProgress: onProgress ? (bytesRead, totalBytes) => onProgress({ bytesRead, totalBytes, ...analyzer.progress() }) : undefined,
  });
  return { result: analyzer.finish(read, path, listed), analyzer };
}
