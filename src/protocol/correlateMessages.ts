/**
 * Messages of the "Compare with Another Capture…" view: host ↔ correlate worker (one run per
 * comparison, src/worker/correlateWorker.ts) and host ↔ correlate webview (webview/correlate).
 */
import type { CorrelateResult } from '../core/correlate/types';

/** Host → worker: correlate two capture files (A nearer the clients, B nearer the servers). */
export interface CorrelateRequest {
  type: 'correlate';
  a: string;
  b: string;
}

export type CorrelateWorkerToHost =
  /** Bytes read of the capture being analysed (A first, then B). */
  | { type: 'progress'; which: 'a' | 'b'; bytesRead: number; totalBytes: number }
  | { type: 'done'; result: CorrelateResult }
  | { type: 'failed'; message: string };

export type HostToCorrelateView =
  /** The whole result (pairs are already capped by --max-pairs' default) and the pair to show. */
  | { type: 'result'; result: CorrelateResult; selected: number | null }
  /** Show this pair (a Problems entry was clicked). */
  | { type: 'reveal'; pair: number };

export type CorrelateViewToHost =
  /** The page is listening; send the result. */
  | { type: 'ready' }
  /** The user selected a pair in the table. */
  | { type: 'select'; pair: number };
