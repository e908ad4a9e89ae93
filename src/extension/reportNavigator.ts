/**
 * From a Problems entry to the flow in the synscope editor.
 *
 * Design: custom editors get no selection when a Problems entry is clicked, so every finding is
 * also a line in a read-only `synscope-report:` document (TextDocumentContentProvider) and the
 * diagnostic sits on that line. Clicking the entry opens the report with the entry's range
 * selected; we notice the new selection, read the finding on that line (a group heading stands
 * for its first flow), and reveal the flow in the capture's editor, which comes to the front
 * with the flow selected and its diagram shown.
 *
 * What is not a Problems click must not jump away: moving the cursor by keyboard or mouse, and
 * clicking the report's tab (which restores the editor's last selection). So we remember the
 * selection each report editor last had and navigate only when it comes back with a different
 * one; after navigating, the selection is collapsed to a caret, so a second click on the same
 * Problems entry (which selects the whole line again) is still a change. A "Show flow" CodeLens
 * on each line navigates on demand. If the capture is not open (a report restored after
 * reload), it is opened and the flow revealed once analysed.
 */
import * as vscode from 'vscode';
import type { CaptureDocument } from './captureDocument';
import { CaptureRegistry, VIEW_TYPE } from './captureEditorProvider';
import { findingIdOfLine, type FindingsReport } from './findingsReport';
import { REPORT_LANGUAGE, REPORT_SCHEME, captureUriOfReport } from './reportUri';

export class ReportNavigator implements vscode.TextDocumentContentProvider, vscode.CodeLensProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensEmitter.event;
  private readonly subs: vscode.Disposable[] = [];
  /** Report URI → the selection its editor last had (see the file comment). */
  private readonly lastSelection = new Map<string, string>();

  constructor(private readonly registry: CaptureRegistry) {
    this.subs.push(
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this),
      vscode.languages.registerCodeLensProvider({ scheme: REPORT_SCHEME }, this),
      vscode.window.onDidChangeActiveTextEditor((ed) => {
        if (ed && ed.document.uri.scheme === REPORT_SCHEME && this.selectionChanged(ed)) void this.navigate(ed);
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document.uri.scheme !== REPORT_SCHEME) return;
        const changed = this.selectionChanged(e.textEditor);
        if (e.kind === vscode.TextEditorSelectionChangeKind.Keyboard || e.kind === vscode.TextEditorSelectionChangeKind.Mouse) return;
        if (changed) void this.navigate(e.textEditor);
      }),
      vscode.workspace.onDidOpenTextDocument((d) => {
        // Findings lines are long: the report's language turns word wrap on (package.json).
        if (d.uri.scheme === REPORT_SCHEME && d.languageId !== REPORT_LANGUAGE) void vscode.languages.setTextDocumentLanguage(d, REPORT_LANGUAGE);
      }),
      this.changeEmitter,
      this.lensEmitter,
    );
  }

  /**
   * Records the editor's selection; true when it is a new Problems-entry-shaped selection (a
   * whole finding line selected, as the Problems panel selects a diagnostic's range). Carets
   * at the document's start are what an editor has before its state is restored, so they
   * are not recorded (they would make the restored selection look new).
   */
  private selectionChanged(editor: vscode.TextEditor): boolean {
    const key = editor.document.uri.toString();
    const sel = editor.selection;
    if (sel.isEmpty && sel.active.line === 0 && sel.active.character === 0) return false;
    const now = `${sel.anchor.line}:${sel.anchor.character}-${sel.active.line}:${sel.active.character}`;
    const before = this.lastSelection.get(key);
    this.lastSelection.set(key, now);
    return before !== now && isEntrySelection(editor);
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
      case 'live':
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
    if (!captureUri || !doc || (doc.state.kind !== 'done' && doc.state.kind !== 'live')) return [];
    const lenses: vscode.CodeLens[] = [];
    // One lens per finding line; a report is capped, but stay cheap for the big ones.
    const max = Math.min(document.lineCount, 5000);
    for (let line = 0; line < max; line++) {
      const group = doc.state.report.groupAtLine.get(line);
      const id = group ? group[0] ?? null : findingIdOfLine(document.lineAt(line).text);
      if (id === null) continue;
      const flowId = findingFlow(doc, id);
      if (flowId === null) continue;
      lenses.push(new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: group ? `Show flow ${flowId} (first of ${group.length})` : `Show flow ${flowId}`,
        command: 'synscope.showFlow',
        arguments: [flowId, captureUri.toString()],
      }));
    }
    return lenses;
  }

  private async navigate(editor: vscode.TextEditor): Promise<void> {
    const line = editor.selection.start.line;
    if (line >= editor.document.lineCount) return;
    const captureUri = captureUriOfReport(editor.document.uri);
    if (!captureUri) return;
    let doc = this.registry.get(captureUri);
    const findingId = findingAtLine(doc && (doc.state.kind === 'done' || doc.state.kind === 'live') ? doc.state.report : null, line, editor.document.lineAt(line).text);
    if (findingId === null) return;
    // Collapse the Problems entry's range to a caret before the editor is hidden, so its tab,
    // clicked later, comes back with the caret (no jump) and the same entry clicked again
    // selects the line anew (a jump). Awaited through showTextDocument so the caret is in
    // place before the editor is hidden (its view state is saved then).
    const caret = new vscode.Selection(editor.selection.start, editor.selection.start);
    if (!editor.selection.isEqual(caret)) {
      editor.selection = caret;
      this.selectionChanged(editor);
      await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, selection: caret, preserveFocus: true, preview: false }).then(undefined, () => undefined);
    }
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

/** A whole single line selected, as a click on a Problems entry (or its related entry) leaves it. */
function isEntrySelection(editor: vscode.TextEditor): boolean {
  const sel = editor.selection;
  if (sel.isEmpty || !sel.isSingleLine || sel.start.character !== 0) return false;
  return sel.start.line < editor.document.lineCount && sel.end.character === editor.document.lineAt(sel.start.line).text.length;
}

/** The finding a report line stands for: its own, or a group heading's first. */
function findingAtLine(report: FindingsReport | null, line: number, text: string): number | null {
  const group = report?.groupAtLine.get(line);
  if (group) return group[0] ?? null;
  return findingIdOfLine(text);
}

/** First flow of a finding, null for capture-wide findings (or before the analysis is done). */
function findingFlow(doc: CaptureDocument, findingId: number): number | null {
  if (doc.state.kind !== 'done' && doc.state.kind !== 'live') return null;
  const f = doc.state.findings.find((x) => x.id === findingId);
  return f && f.flows.length > 0 ? f.flows[0]! : null;
}
