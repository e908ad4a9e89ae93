/**
 * One open capture: its analysis run, the latest state, and the webview panels showing it.
 * The state is kept here (not in the webview) so a panel that is hidden and restored, or a
 * second panel in a split, gets the whole picture on `ready`.
 */
import { statSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import * as vscode from 'vscode';
import type { Finding } from '../core/engine/result';
import type { FlowRow } from '../protocol/flowTable';
import type { HostToWebview, LiveInfo, Overview, ProgressInfo, TimeDisplay, WorkerRequests } from '../protocol/messages';
import { buildFindingsReport, type FindingsReport } from './findingsReport';
import { plural } from '../render/format';
import type { ExtensionSettings } from './settings';
import { AnalysisRun, type RunMode } from './workerClient';

export type CaptureState =
  | { kind: 'running'; progress: ProgressInfo | null; partial: { rows: FlowRow[]; total: number } | null }
  /** A followed capture as it stands; findings whose id is in `provisional` may still change. */
  | { kind: 'live'; overview: Overview; findings: Finding[]; flowEndpoints: Record<number, string>; report: FindingsReport; live: LiveInfo; provisional: number[] }
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
  /** How the capture is read: followed (growing file, synscope's capture), a folder of rotated files. */
  private mode: RunMode = {};
  /** synscope's own capture writing this file (Stop in the editor ends it). */
  capture: { stop(): Promise<void> } | null = null;
  /** Polls a finished local file for growth (a writer still appending): then it is followed. */
  private growthWatch: (() => void) | null = null;
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

  /** The table, diagrams and commands can ask for flows: done, or followed and updated once. */
  get canQuery(): boolean {
    return this.state.kind === 'done' || this.state.kind === 'live';
  }

  get isFolder(): boolean {
    return this.mode.folder === true;
  }

  /** Starts (or restarts) the analysis with the current settings; `mode` changes how it reads. */
  analyze(mode?: RunMode): void {
    if (mode) this.mode = mode;
    this.growthWatch?.();
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
      onLive: (overview, findings, flowEndpoints, live, provisional) => {
        if (!current()) return;
        // Provisional findings' messages start with "(provisional)" (liveSession.ts).
        const report = buildFindingsReport(this.fileName, findings, flowEndpoints, { maxDiagnostics: this.host.settings().maxDiagnostics });
        const first = this.state.kind !== 'live';
        this.state = { kind: 'live', overview, findings, flowEndpoints, report, live, provisional };
        settle();
        this.broadcast({ type: 'live', overview, live, provisional });
        setTimeout(() => {
          if (current() && this.state.kind === 'live') this.host.onAnalysisChanged(this);
        }, 0);
        if (first && this.pendingReveal) {
          const r = this.pendingReveal;
          this.pendingReveal = null;
          this.broadcast({ type: 'revealFlow', ...r, seq: this.lastReveal?.seq ?? 0 });
        }
      },
      onDone: (overview, findings, flowEndpoints) => {
        if (!current()) return;
        const report = buildFindingsReport(this.fileName, findings, flowEndpoints, { maxDiagnostics: this.host.settings().maxDiagnostics });
        this.state = { kind: 'done', overview, findings, flowEndpoints, report };
        settle();
        if (!this.mode.follow && !this.mode.folder) this.watchGrowth();
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
    }, this.mode);
    this.run = run;
    // A followed capture has no end to show progress towards: its editor shows it live.
    if (this.mode.follow || this.mode.folder) return;
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

  /**
   * A local file that grows after it was read (tcpdump -U -w still writing, or started
   * again) is analysed again, followed: polling (1 s) rather than fs.watch, which misses
   * appends on some network and container file systems.
   */
  private watchGrowth(): void {
    if (this.uri.scheme !== 'file') return;
    const path = this.uri.fsPath;
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return;
    }
    const onChange = (now: Stats): void => {
      if (now.size > size && this.state.kind === 'done') {
        this.growthWatch?.();
        this.analyze({ follow: true });
      }
    };
    watchFile(path, { interval: 1000 }, onChange);
    this.growthWatch = () => {
      unwatchFile(path, onChange);
      this.growthWatch = null;
    };
  }

  /** Live indicator buttons and the capture's Stop: pause/resume reading, or finish. */
  async controlLive(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    if (!this.run) return;
    if (action !== 'stop') {
      this.run.control(action);
      return;
    }
    // synscope's own capture: end tcpdump first, so the analysis reads the file's last packets.
    const capture = this.capture;
    this.capture = null;
    if (capture) await capture.stop();
    this.run.control('stopFollowing');
  }

  /** The writer has finished (the capture ended by itself): read the rest and finish. */
  writerFinished(): void {
    this.capture = null;
    this.run?.control('stopFollowing');
  }

  get isLive(): boolean {
    return this.state.kind === 'live' || (this.state.kind === 'running' && (this.mode.follow === true || this.mode.folder === true));
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
      case 'live':
        return [{ type: 'live', overview: s.overview, live: s.live, provisional: s.provisional }];
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
    if (this.canQuery) this.broadcast({ type: 'revealFlow', flowId, findingId, seq: this.lastReveal.seq });
    else this.pendingReveal = { flowId, findingId };
  }

  request<K extends keyof WorkerRequests & string>(method: K, params: WorkerRequests[K]['params']): Promise<WorkerRequests[K]['result']> {
    if (!this.run || !this.run.canQuery) return Promise.reject(new Error('The analysis has not finished.'));
    return this.run.request(method, params);
  }

  dispose(): void {
    this.growthWatch?.();
    this.generation++;
    this.settleProgress();
    this.run?.stop();
    this.run = null;
    this.messageEmitter.dispose();
  }
}
