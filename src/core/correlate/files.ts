/** `correlate` from two capture paths: each analysed once (wire facts kept, no flows listed), then matched. */
import { analyzeFile, type AnalyzeProgress } from '../engine/analyzeFile';
import type { AnalysisConfig } from '../engine/config';
import type { CaptureSummary } from '../engine/result';
import { correlate, type CorrelateOptions } from './correlate';
import type { CorrelateResult } from './types';
import { Vantage } from './vantage';

type CaptureProblem = CaptureSummary['problems'][number];

export interface CorrelateFilesOptions extends CorrelateOptions {
  config?: Partial<AnalysisConfig>;
  onProgress?: (which: 'a' | 'b', p: AnalyzeProgress) => void;
}

export async function loadVantage(path: string, opts: CorrelateFilesOptions, which: 'a' | 'b'): Promise<{ vantage: Vantage; problems: CaptureProblem[] }> {
  const onProgress = opts.onProgress;
  const { result, analyzer } = await analyzeFile(path, { ...opts.config, keepWireFacts: true, maxFlows: 0 }, {
    onProgress: onProgress ? (p) => onProgress(which, p) : undefined,
  });
  const c = result.capture;
  return {
    vantage: new Vantage(analyzer.attempts(), { path: c.path, flows: result.summary.flows, start: c.start, end: c.end }),
    problems: c.problems,
  };
}

export async function correlateFiles(pathA: string, pathB: string, opts: CorrelateFilesOptions): Promise<{ result: CorrelateResult; problems: { a: CaptureProblem[]; b: CaptureProblem[] } }> {
  const a = await loadVantage(pathA, opts, 'a');
  const b = await loadVantage(pathB, opts, 'b');
  return { result: correlate(a.vantage, b.vantage, opts), problems: { a: a.problems, b: b.problems } };
}
