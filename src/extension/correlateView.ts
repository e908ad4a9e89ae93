/**
 * "Compare with Another Capture…": two captures correlated in a worker, shown in a webview panel
 * (the correlated table with its verdict column and the four-lifeline diagram of the selected
 * pair, webview/correlate), with a read-only report document whose lines carry the Problems
 * entries (correlateReport.ts). As for the capture editor (reportNavigator.ts), a Problems click
 * reaches us only as a selection in that document: we read the pair on the selected line and
 * reveal it in the panel.
 */
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { correlateDocUrl } from '../core/correlate/registry';
import type { CorrelateResult, MiddleboxCode, Verdict } from '../core/correlate/types';
import type { CorrelateViewToHost, CorrelateWorkerToHost, HostToCorrelateView } from '../protocol/correlateMessages';
import { buildCorrelateReport, type CorrelateReport } from './correlateReport';
import { webviewOptions } from './webviewHtml';
import { newNonce, pageHtml } from './webviewPage';

export const CORRELATE_SCHEME = 'synscope-correlate';

const SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information };

interface Session {
  result: CorrelateResult;
  report: CorrelateReport;
  panel: vscode.WebviewPanel;
  selected: number | null;
}

export class CorrelateViews implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly sessions = new Map<string, Session>();
  private readonly collection = vscode.languages.createDiagnosticCollection('synscope-correlate');
  private readonly subs: vscode.Disposable[] = [];
  private next = 1;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.subs.push(
      vscode.workspace.registerTextDocumentContentProvider(CORRELATE_SCHEME, this),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document.uri.scheme !== CORRELATE_SCHEME) return;
        if (e.kind === vscode.TextEditorSelectionChangeKind.Keyboard || e.kind === vscode.TextEditorSelectionChangeKind.Mouse) return;
        this.navigate(e.textEditor);
      }),
      vscode.window.onDidChangeActiveTextEditor((ed) => {
        if (ed && ed.document.uri.scheme === CORRELATE_SCHEME) this.navigate(ed);
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.sessions.get(uri.toString())?.report.text ?? 'This comparison is closed; run "synscope: Compare with Another Capture…" again.\n';
  }

  /** Correlates a (client side) and b (server side); resolves with the report's URI once shown. */
  async compare(a: vscode.Uri, b: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (a.scheme !== 'file' || b.scheme !== 'file') throw new Error('Comparing captures works on local files only.');
    const name = (u: vscode.Uri): string => u.path.split('/').pop() ?? u.path;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `synscope: comparing ${name(a)} with ${name(b)}`, cancellable: true },
      (progress, token) => this.run(a.fsPath, b.fsPath, progress, token),
    );
    if (!result) return undefined;
    const reportUri = vscode.Uri.from({ scheme: CORRELATE_SCHEME, path: `/${name(a)} ⇄ ${name(b)}.correlate`, query: String(this.next++) });
    const panel = vscode.window.createWebviewPanel('synscope.correlate', `${name(a)} ⇄ ${name(b)}`, vscode.ViewColumn.Active, {
      ...webviewOptions(this.extensionUri), retainContextWhenHidden: true,
    });
    const session: Session = { result, report: buildCorrelateReport(result), panel, selected: null };
    this.sessions.set(reportUri.toString(), session);
    panel.webview.html = pageHtml({
      nonce: newNonce(), cspSource: panel.webview.cspSource, title: `${name(a)} ⇄ ${name(b)}`,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'correlateView.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'correlateView.css')).toString(),
    });
    panel.webview.onDidReceiveMessage((m: CorrelateViewToHost) => {
      if (m.type === 'ready') this.post(session, { type: 'result', result, selected: session.selected });
      else if (m.type === 'select') session.selected = m.pair;
    });
    panel.onDidDispose(() => {
      this.sessions.delete(reportUri.toString());
      this.collection.delete(reportUri);
    });
    this.collection.set(reportUri, session.report.diagnostics.map((d) => {
      const diag = new vscode.Diagnostic(new vscode.Range(d.line, 0, d.line, d.length), d.message, SEVERITY[d.severity]);
      diag.source = 'synscope';
      diag.code = { value: d.code, target: vscode.Uri.parse(correlateDocUrl(d.code as Verdict | MiddleboxCode)) };
      return diag;
    }));
    return reportUri;
  }

  private run(a: string, b: string, progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken): Promise<CorrelateResult | undefined> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(vscode.Uri.joinPath(this.extensionUri, 'dist', 'correlateWorker.js').fsPath);
      let settled = false;
      const end = (f: () => void): void => {
        if (settled) return;
        settled = true;
        void worker.terminate();
        f();
      };
      token.onCancellationRequested(() => end(() => resolve(undefined)));
      worker.on('message', (m: CorrelateWorkerToHost) => {
        if (m.type === 'progress') progress.report({ message: `${m.which === 'a' ? 'A' : 'B'}: ${Math.round((100 * m.bytesRead) / Math.max(1, m.totalBytes))}%` });
        else if (m.type === 'done') end(() => resolve(m.result));
        else end(() => reject(new Error(m.message)));
      });
      worker.on('error', (e) => end(() => reject(e)));
      worker.on('exit', (code) => end(() => reject(new Error(`the comparison worker exited (code ${code})`))));
      worker.postMessage({ type: 'correlate', a, b });
    });
  }

  private post(s: Session, m: HostToCorrelateView): void {
    void s.panel.webview.postMessage(m);
  }

  /** The pair on the editor's selected line, revealed in its panel. */
  private navigate(ed: vscode.TextEditor): void {
    const s = this.sessions.get(ed.document.uri.toString());
    if (!s || ed.selection.isEmpty) return;
    const pair = s.report.pairs.get(ed.selection.active.line);
    if (pair === undefined) return;
    s.selected = pair;
    s.panel.reveal(undefined, false);
    this.post(s, { type: 'reveal', pair });
  }

  /** The report document of a comparison (for tests and the command's return value). */
  pairShown(reportUri: vscode.Uri): number | null {
    return this.sessions.get(reportUri.toString())?.selected ?? null;
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.panel.dispose();
    this.collection.dispose();
    for (const d of this.subs) d.dispose();
  }
}
