/**
 * Runs one analysis in a worker thread and turns its messages into callbacks. Ending the work
 * (cancel, editor closed, re-analysis) terminates the thread: the reader loop needs no
 * cancellation checks and nothing keeps running behind the user's back.
 */
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { RequestChannel } from '../protocol/messageChannel';
import type { Finding } from '../core/engine/result';
import type { FlowRow } from '../protocol/flowTable';
import type { HostToWorker, LiveInfo, Overview, ProgressInfo, TimeDisplay, WorkerRequests, WorkerToHost } from '../protocol/messages';

export interface AnalysisCallbacks {
  onProgress(p: ProgressInfo): void;
  onPartialFlows(rows: FlowRow[], total: number): void;
  onDone(overview: Overview, findings: Finding[], flowEndpoints: Record<number, string>): void;
  /** A followed capture as it stands (about once a second, until onDone). */
  onLive(overview: Overview, findings: Finding[], flowEndpoints: Record<number, string>, live: LiveInfo, provisional: number[]): void;
  /** Called at most once, and never after onDone. */
  onFailed(message: string, offset: number | undefined): void;
}

const CHUNK = 4 * 1024 * 1024;

/** How to read: a growing file or a folder of rotated files is followed (local files only). */
export interface RunMode {
  follow?: boolean;
  folder?: boolean;
  /** synscope's own capture writes it. */
  capturing?: boolean;
}

export class AnalysisRun {
  private readonly worker: Worker;
  private readonly channel: RequestChannel<WorkerRequests>;
  private finished = false;
  private stopped = false;
  private lastBytes = 0;
  private live = false;

  constructor(
    workerPath: string,
    private readonly uri: vscode.Uri,
    config: Record<string, unknown>,
    timeDisplay: TimeDisplay,
    private readonly cb: AnalysisCallbacks,
    mode: RunMode = {},
  ) {
    this.worker = new Worker(workerPath);
    this.channel = new RequestChannel<WorkerRequests>((m) => this.post(m));
    this.worker.on('message', (m: WorkerToHost) => this.onMessage(m));
    // Node stops a worker that exhausts its heap (the extension host lives on); what the user
    // can do about it is to list fewer flows.
    this.worker.on('error', (e: Error & { code?: string }) => this.fail(e.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? 'The analysis ran out of memory. Lower the setting synscope.maxFlows (flows whose diagram packets are kept) and re-analyze'
      : `The analysis worker crashed: ${e.message}`));
    this.worker.on('exit', (code) => {
      this.channel.rejectAll('the analysis worker has stopped');
      if (!this.stopped) this.fail(`The analysis worker exited unexpectedly (code ${code}).`);
    });
    const displayPath = uri.scheme === 'file' ? uri.fsPath : uri.toString(true);
    if (uri.scheme === 'file') {
      const source = mode.folder ? { kind: 'folder' as const, path: uri.fsPath } : { kind: 'file' as const, path: uri.fsPath };
      this.post({ type: 'analyze', source, displayPath, config, timeDisplay, follow: mode.follow || mode.folder, capturing: mode.capturing });
    } else {
      void this.streamFromWorkspaceFs(displayPath, config, timeDisplay);
    }
  }

  /** Non-file schemes (remote, virtual file systems): the host reads and posts the bytes. */
  private async streamFromWorkspaceFs(displayPath: string, config: Record<string, unknown>, timeDisplay: TimeDisplay): Promise<void> {
    let data: Uint8Array;
    try {
      data = await vscode.workspace.fs.readFile(this.uri);
    } catch (e) {
      this.fail(`Cannot read ${displayPath}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (this.stopped) return;
    this.post({ type: 'analyze', source: { kind: 'chunks', totalBytes: data.byteLength }, displayPath, config, timeDisplay });
    for (let off = 0; off < data.byteLength && !this.stopped; off += CHUNK) {
      const part = data.slice(off, Math.min(off + CHUNK, data.byteLength));
      this.post({ type: 'chunk', data: part }, [part.buffer as ArrayBuffer]);
    }
    if (!this.stopped) this.post({ type: 'end' });
  }

  /** Flow queries work once the analysis is done, or while a followed capture has sent its first update. */
  get canQuery(): boolean {
    return this.finished || this.live;
  }

  request<K extends keyof WorkerRequests & string>(method: K, params: WorkerRequests[K]['params']): Promise<WorkerRequests[K]['result']> {
    if (this.stopped) return Promise.reject(new Error('the analysis was stopped'));
    return this.channel.request(method, params);
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** A followed capture: pause or resume reading, or read what is written and finish. */
  control(action: 'pause' | 'resume' | 'stopFollowing'): void {
    this.post({ type: action });
  }

  /** Ends the worker (idempotent). Pending requests are rejected. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    void this.worker.terminate();
    this.channel.rejectAll('the analysis was stopped');
  }

  private post(m: HostToWorker, transfer?: ArrayBuffer[]): void {
    if (this.stopped) return;
    this.worker.postMessage(m, transfer);
  }

  private onMessage(m: WorkerToHost): void {
    if (this.stopped && m.type !== 'response') return;
    switch (m.type) {
      case 'progress':
        this.lastBytes = m.progress.bytesRead;
        this.cb.onProgress(m.progress);
        break;
      case 'partialFlows':
        this.cb.onPartialFlows(m.rows, m.total);
        break;
      case 'live':
        this.live = true;
        this.cb.onLive(m.overview, m.findings, m.flowEndpoints, m.live, m.provisional);
        break;
      case 'done':
        this.finished = true;
        this.cb.onDone(m.overview, m.findings, m.flowEndpoints);
        break;
      case 'failed':
        this.fail(m.message, m.offset);
        break;
      case 'response':
        this.channel.handleResponse(m);
        break;
    }
  }

  private fail(message: string, offset?: number): void {
    if (this.finished || this.stopped) return;
    const at = offset ?? (this.lastBytes > 0 ? this.lastBytes : undefined);
    this.stop();
    this.cb.onFailed(message, at);
  }
}
