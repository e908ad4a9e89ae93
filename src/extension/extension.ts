/** Entry point: wires the capture editor, findings report, diagnostics, commands and settings. */
import * as vscode from 'vscode';
import type { CaptureDocument } from './captureDocument';
import { CaptureEditorProvider, CaptureRegistry, VIEW_TYPE } from './captureEditorProvider';
import { registerCaptureCommands } from './captureCommand';
import { registerCommands } from './commands';
import { registerCorrelateCommands } from './correlateCommands';
import { CorrelateViews } from './correlateView';
import { FindingDiagnostics } from './diagnostics';
import { ReportNavigator } from './reportNavigator';
import { reportUriFor } from './reportUri';
import { readSettings } from './settings';
import { findWireshark } from './wireshark';

export function activate(context: vscode.ExtensionContext): void {
  const registry = new CaptureRegistry();
  const pkg = context.extension.packageJSON as { repository?: { url?: string } | string };
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url ?? 'https://github.com/synscope/synscope';
  const diagnostics = new FindingDiagnostics(repo);
  const navigator = new ReportNavigator(registry);
  const comparisons = new CorrelateViews(context.extensionUri);
  const settings = () => readSettings((key) => vscode.workspace.getConfiguration('synscope').get(key));

  const refresh = (doc: CaptureDocument): void => {
    const reportUri = reportUriFor(doc.uri);
    if (doc.state.kind === 'done' || doc.state.kind === 'live') diagnostics.set(reportUri, doc.state.report);
    else diagnostics.clear(reportUri);
    navigator.refresh(reportUri);
  };

  // "Open in Wireshark" is offered only where the Wireshark GUI is installed (tshark is not enough).
  void vscode.commands.executeCommand('setContext', 'synscope.wiresharkInstalled', findWireshark() !== null);

  const provider = new CaptureEditorProvider(context.extensionUri, registry, {
    workerPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath,
    settings,
    onAnalysisChanged: refresh,
    onDocumentClosed: (doc) => {
      const reportUri = reportUriFor(doc.uri);
      diagnostics.clear(reportUri);
      navigator.refresh(reportUri);
    },
  });

  context.subscriptions.push(
    diagnostics,
    navigator,
    vscode.window.registerCustomEditorProvider(VIEW_TYPE, provider, {
      // A Problems click opens the findings report, often in the capture's own tab group, so
      // the capture's editor is hidden and shown again within a second. Rebuilt from scratch
      // (page load, summary charts, table page, diagram) that left it blank for 2-3 s; kept,
      // it comes back as it was. The page is virtualised, so what it keeps is one screen of
      // rows and one diagram, not the capture.
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: true,
    }),
    ...registerCommands(registry),
    comparisons,
    ...registerCorrelateCommands(registry, comparisons),
    ...registerCaptureCommands(registry),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('synscope')) return;
      const display = e.affectsConfiguration('synscope.timeDisplay');
      const analysis = ['slowRttMs', 'flood', 'maxFlows', 'severityOverrides', 'maxDiagnostics'].some((k) =>
        e.affectsConfiguration(`synscope.${k}`),
      );
      for (const doc of registry.all()) {
        if (analysis) doc.analyze();
        else if (display) doc.broadcast({ type: 'settings', timeDisplay: settings().timeDisplay });
      }
    }),
  );
}

export function deactivate(): void {
  // Documents are disposed by VS Code (which stops their workers).
}
