/**
 * One capture of a multi-file run, in a worker thread of dist/cli.js (multi.ts starts them):
 * analyses it, writes its report to the file it was given, and posts back how it went.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { analyzeOne, type Job, type Outcome } from './report';

/** What multi.ts hands each worker. */
export interface FileJob {
  synscopeFileJob: true;
  job: Job;
}

export type FileJobReply = { type: 'done'; outcome: Outcome } | { type: 'failed'; message: string };

export function isFileWorker(): boolean {
  return !isMainThread && (workerData as Partial<FileJob> | null)?.synscopeFileJob === true;
}

export function runFileWorker(): void {
  const { job } = workerData as FileJob;
  analyzeOne(job).then(
    (outcome) => parentPort!.postMessage({ type: 'done', outcome } satisfies FileJobReply),
    (e: unknown) => parentPort!.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) } satisfies FileJobReply),
  );
}
