/**
 * One open capture: its analysis run, the latest state, and the webview panels showing it.
 * The state is kept here (not in the webview) so a panel that is hidden and restored, or a
 * second panel in a split, gets the whole picture on `ready`.
 */
import * as vscode from 'vscode';
import type { Finding } from '../core/engine/result';
import type { FlowRow } from '../protocol/flowTable';
import type { HostToWebview, Overview, ProgressInfo, TimeDisplay, WorkerRequests } from '../protocol/messages';
import { buildFindingsReport, type FindingsReport } from './findingsReport';
import { plural } from '../render/format';
import type { ExtensionSettings } from './settings';
import { AnalysisRun } from './workerClient';

export type CaptureState =
  | { kind: 'running'; progress: ProgressInfo | null; partial: { rows: FlowRow[]; total: number } | null }
  | { kind: 'done'; overview: Overview; findings: Finding[]; flowEndpoints: Record<number, string>; report: FindingsReport }
  | { kind: 'failed'; message: string; offset?: number; cancelled?: boolean };

export interface CaptureHost {
  workerPath: string;
  settings(): ExtensionSettings;
  /** The analysis finished (report and diagnostics are refreshed) or failed (they are cleared). */
  onAnalysisChanged(doc: CaptureDocument): void;
}

export class CaptureDocument implements vscode.CustomDocument {
  private run: AnalysisRun | null = null;
  private settleProgress: () => void = () => undefined;
  private generation = 0;
  state: CaptureState = { kind: 'running', progress: null, partial: null };
  readonly panels = new Set<vscode.WebviewPanel>();
  /** Flow the user last selected in any panel (for commands without an argument). */
  selectedFlowId: number | null = null;
  /**
   * The time mode of the diagram last drawn in any panel (its Time menu, sent with each
   * getFlowDetail; the webview redraws when the menu changes), so Export Sequence Diagram saves
   * the diagram as shown; null until one is drawn (the synscope.timeDisplay setting then).
   */
  timeDisplay: TimeDisplay | null = null;
  /** A flow to reveal as soon as the analysis is done (Problems click on a restored report). */
  pendingReveal: { flowId: number; findingId?: number } | null = null;
  /**
   * The latest reveal request, numbered. A panel that was hidden is rebuilt when shown again
   * and loses messages sent meanwhile, so each panel replays this on its next `ready`.
   */
  lastReveal: { flowId: number; findingId?: number; seq: number } | null = null;
  private revealSeq = 0;
  private readonly messageEmitter = new vscode.EventEmitter<HostToWebview>();
  /** Messages for every panel of this document. */
  readonly onMessage = this.messageEmitter.event;

  constructor(readonly uri: vscode.Uri, private readonly host: CaptureHost) {}

  get fileName(): string {
    return this.uri.path.split('/').pop() || this.uri.toString();
  }

  get isDone(): boolean {
    return this.state.kind === 'done';
  }

  /** Starts (or restarts) the analysis with the current settings. */
  analyze(): void {
    this.run?.stop();
    const gen = ++this.generation;
    const settings = this.host.settings();
    this.state = { kind: 'running', progress: null, partial: null };
    this.broadcast({ type: 'started' });
    // Close the previous run's progress notification: its callbacks are ignored from now on.
    this.settleProgress();
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((r) => (settle = r));
    this.settleProgress = () => settle();
    const current = (): boolean => gen === this.generation;
    let reportProgress: (p: ProgressInfo) => void = () => undefined;
    const run = new AnalysisRun(this.host.workerPath, this.uri, settings.analysis, settings.timeDisplay, {
      onProgress: (progress) => {
        if (!current() || this.state.kind !== 'running') return;
        this.state.progress = progress;
        this.broadcast({ type: 'progress', progress });
        reportProgress(progress);
      },
      onPartialFlows: (rows, total) => {
        if (!current() || this.state.kind !== 'running') return;
        this.state.partial = { rows, total };
        this.broadcast({ type: 'partialFlows', rows, total });
      },
      onDone: (overview, findings, flowEndpoints) => {
        if (!current()) return;
        const report = buildFindingsReport(this.fileName, findings, flowEndpoints, { maxDiagnostics: this.host.settings().maxDiagnostics });
        this.state = { kind: 'done', overview, findings, flowEndpoints, report };
        settle();
        this.broadcast({ type: 'done', overview });
        // Publishing ~1,000 diagnostics costs the host ~25 ms on top of the above: a task of
        // its own (a timer, so the event loop turns in between) keeps each of the host's tasks
        // well under the 50 ms that make it feel stuck.
        setTimeout(() => {
          if (current() && this.state.kind === 'done') this.host.onAnalysisChanged(this);
        }, 0);
        if (this.pendingReveal) {
          const r = this.pendingReveal;
          this.pendingReveal = null;
          this.broadcast({ type: 'revealFlow', ...r, seq: this.lastReveal?.seq ?? 0 });
        }
      },
      onFailed: (message, offset) => {
        if (!current()) return;
        this.setFailed(message, offset, false);
        settle();
        // The editor says it in its banner (with the byte offset) and status line; a
        // notification on top would be a third copy that stays up. Only an editor nobody is
        // looking at (a background tab, a re-analysis from settings) gets one, with a way back.
        if (![...this.panels].some((p) => p.visible)) void this.notifyFailure(message, offset);
      },
    });
    this.run = run;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `synscope: analysing ${this.fileName}`, cancellable: true },
      (progress, token) => {
        let lastPct = 0;
        reportProgress = (p) => {
          const pct = p.totalBytes > 0 ? Math.min(100, (100 * p.bytesRead) / p.totalBytes) : 0;
          progress.report({
            increment: Math.max(0, pct - lastPct),
            message: `${plural(p.packets, 'packet')}, ${plural(p.flows, 'flow')}`,
          });
          lastPct = Math.max(lastPct, pct);
        };
        token.onCancellationRequested(() => {
          if (!current() || this.state.kind !== 'running') return;
          run.stop();
          this.setFailed('Analysis cancelled.', undefined, true);
          settle();
        });
        return settled;
      },
    );
  }

  private setFailed(message: string, offset: number | undefined, cancelled: boolean): void {
    this.state = { kind: 'failed', message, offset, cancelled };
    this.broadcast({ type: 'failed', message, offset, cancelled });
    this.host.onAnalysisChanged(this);
  }

  private async notifyFailure(message: string, offset: number | undefined): Promise<void> {
    const where = offset !== undefined && !/offset/i.test(message) ? ` (at byte offset ${offset})` : '';
    const pick = await vscode.window.showErrorMessage(`synscope could not analyse ${this.fileName}: ${message}${where}`, 'Show');
    if (pick !== 'Show') return;
    const panel = [...this.panels][0];
    panel?.reveal(panel.viewColumn, false);
  }

  /** Messages that bring a freshly loaded panel up to date. */
  snapshotMessages(): HostToWebview[] {
    const s = this.state;
    switch (s.kind) {
      case 'running': {
        const out: HostToWebview[] = [{ type: 'started' }];
        if (s.progress) out.push({ type: 'progress', progress: s.progress });
        if (s.partial) out.push({ type: 'partialFlows', ...s.partial });
        return out;
      }
      case 'done':
        return [{ type: 'done', overview: s.overview }];
      case 'failed':
        return [{ type: 'failed', message: s.message, offset: s.offset, cancelled: s.cancelled }];
    }
  }

  broadcast(m: HostToWebview): void {
    this.messageEmitter.fire(m);
  }

  /** Shows a flow in this capture's editor (brings the panel to the front). */
  revealFlow(flowId: number, findingId?: number): void {
    const panel = [...this.panels].find((p) => p.active) ?? [...this.panels].find((p) => p.visible) ?? [...this.panels][0];
    panel?.reveal(panel.viewColumn, false);
    this.selectedFlowId = flowId;
    this.lastReveal = { flowId, findingId, seq: ++this.revealSeq };
    if (this.isDone) this.broadcast({ type: 'revealFlow', flowId, findingId, seq: this.lastReveal.seq });
    else this.pendingReveal = { flowId, findingId };
  }

  request<K extends keyof WorkerRequests & string>(method: K, params: WorkerRequests[K]['params']): Promise<WorkerRequests[K]['result']> {
    if (!this.run || !this.isDone) return Promise.reject(new Error('The analysis has not finished.'));
    return this.run.request(method, params);
  }

  dispose(): void {
    this.generation++;
    this.settleProgress();
    this.run?.stop();
    this.run = null;
    this.messageEmitter.dispose();
  }
}
