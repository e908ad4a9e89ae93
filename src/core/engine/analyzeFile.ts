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
  opts?: Omit<ReadOptions, 'onProgress'> & { onProgress?: (p: AnalyzeProgress) => void; listeners?: boolean },
): Promise<{ result: AnalysisResult; analyzer: Analyzer }> {
  const analyzer = new Analyzer(config, { listeners: opts?.listeners });
  const onProgress = opts?.onProgress;
  const read = await readCaptureFile(path, (p) => analyzer.addPacket(p), {
    ...opts,
    onProgress: onProgress ? (bytesRead, totalBytes) => onProgress({ bytesRead, totalBytes, ...analyzer.progress() }) : undefined,
  });
  return { result: analyzer.finish(read, path), analyzer };
}
