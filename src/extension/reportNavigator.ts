/**
 * From a Problems entry to the flow in the synscope editor.
 *
 * Design: custom editors get no selection when a Problems entry is clicked, so every finding is
 * also a line in a read-only `synscope-report:` document (TextDocumentContentProvider) and the
 * diagnostic sits on that line. Clicking the entry opens the report at the line; we notice it
 * (active editor change, or a selection change that the user did not make by keyboard/mouse),
 * read the `#<finding id>` at the start of the line, and reveal the finding's first flow in
 * the capture's editor, which comes to the front with the flow selected and its diagram shown.
 * Moving the cursor inside the report by hand does not jump away (that would make the report
 * unreadable); a "Show flow" CodeLens on each line does it on demand. If the capture is not
 * open (a report restored after reload), it is opened and the flow revealed once analysed.
 */
import * as vscode from 'vscode';
import type { CaptureDocument } from './captureDocument';
import { CaptureRegistry, VIEW_TYPE } from './captureEditorProvider';
import { findingIdOfLine } from './findingsReport';
import { REPORT_SCHEME, captureUriOfReport } from './reportUri';

export class ReportNavigator implements vscode.TextDocumentContentProvider, vscode.CodeLensProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensEmitter.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly registry: CaptureRegistry) {
    this.subs.push(
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this),
      vscode.languages.registerCodeLensProvider({ scheme: REPORT_SCHEME }, this),
      vscode.window.onDidChangeActiveTextEditor((ed) => {
        if (ed && ed.document.uri.scheme === REPORT_SCHEME) void this.navigate(ed);
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document.uri.scheme !== REPORT_SCHEME) return;
        if (e.kind === vscode.TextEditorSelectionChangeKind.Keyboard || e.kind === vscode.TextEditorSelectionChangeKind.Mouse) return;
        void this.navigate(e.textEditor);
      }),
      this.changeEmitter,
      this.lensEmitter,
    );
  }

  /** The report text changed (analysis finished, failed or the capture closed). */
  refresh(reportUri: vscode.Uri): void {
    this.changeEmitter.fire(reportUri);
    this.lensEmitter.fire();
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const captureUri = captureUriOfReport(uri);
    const doc = captureUri ? this.registry.get(captureUri) : undefined;
    const name = captureUri ? captureUri.path.split('/').pop() : uri.path;
    if (!doc) return `synscope: ${name} is not open. Open it (synscope: Open Capture) to see its findings.\n`;
    switch (doc.state.kind) {
      case 'done':
        return doc.state.report.text;
      case 'running':
        return `synscope: analysing ${name}…\n`;
      case 'failed':
        return `synscope: the analysis of ${name} failed: ${doc.state.message}\n`;
    }
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const captureUri = captureUriOfReport(document.uri);
    const doc = captureUri ? this.registry.get(captureUri) : undefined;
    if (!captureUri || !doc || doc.state.kind !== 'done') return [];
    const lenses: vscode.CodeLens[] = [];
    // One lens per finding line; a report is capped, but stay cheap for the big ones.
    const max = Math.min(document.lineCount, 5000);
    for (let line = 0; line < max; line++) {
      const id = findingIdOfLine(document.lineAt(line).text);
      if (id === null) continue;
      const flowId = findingFlow(doc, id);
      if (flowId === null) continue;
      lenses.push(new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: `Show flow ${flowId}`,
        command: 'synscope.showFlow',
        arguments: [flowId, captureUri.toString()],
      }));
    }
    return lenses;
  }

  private async navigate(editor: vscode.TextEditor): Promise<void> {
    const line = editor.selection.active.line;
    if (line >= editor.document.lineCount) return;
    const findingId = findingIdOfLine(editor.document.lineAt(line).text);
    if (findingId === null) return;
    // Opening the report can fire both an editor and a selection change: revealing the same
    // flow twice is harmless, so no de-duplication (which could swallow a repeated click).
    const captureUri = captureUriOfReport(editor.document.uri);
    if (!captureUri) return;
    let doc = this.registry.get(captureUri);
    if (!doc) {
      await vscode.commands.executeCommand('vscode.openWith', captureUri, VIEW_TYPE);
      doc = this.registry.get(captureUri);
      if (!doc) return;
    }
    const flowId = findingFlow(doc, findingId);
    if (flowId !== null) doc.revealFlow(flowId, findingId);
    else {
      const panel = [...doc.panels][0];
      panel?.reveal(panel.viewColumn, false);
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}

/** First flow of a finding, null for capture-wide findings (or before the analysis is done). */
function findingFlow(doc: CaptureDocument, findingId: number): number | null {
  if (doc.state.kind !== 'done') return null;
  const f = doc.state.findings.find((x) => x.id === findingId);
  return f && f.flows.length > 0 ? f.flows[0]! : null;
}
