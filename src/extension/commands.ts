/**
 * The synscope.* commands. Each works from the palette (asking for what it needs) and from
 * code/tests with arguments (no dialogs then): showFlow(flowId, captureUri?),
 * reanalyze(captureUri?), exportFindings(format?, targetUri?), exportDiagram(flowId?, format?,
 * targetUri?), copyFlowSummary(flowId?), showReport(captureUri?).
 */
import * as vscode from 'vscode';
import type { CaptureDocument } from './captureDocument';
import { CaptureRegistry, VIEW_TYPE } from './captureEditorProvider';
import { reportUriFor } from './reportUri';

type FindingsFormat = 'json' | 'csv' | 'sarif';
type DiagramFormat = 'svg' | 'mermaid';

const FINDINGS_EXT: Record<FindingsFormat, string> = { json: 'json', csv: 'csv', sarif: 'sarif' };
const DIAGRAM_EXT: Record<DiagramFormat, string> = { svg: 'svg', mermaid: 'mmd' };

export function registerCommands(registry: CaptureRegistry): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: unknown[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        void vscode.window.showErrorMessage(`synscope: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    });

  const docFor = (arg: unknown): CaptureDocument => {
    const uri = toUri(arg);
    const doc = uri ? registry.get(uri) : registry.current();
    if (!doc) throw new Error(uri ? `${uri.toString(true)} is not open in synscope.` : 'Open a capture in synscope first.');
    return doc;
  };

  const flowIdFor = async (doc: CaptureDocument, arg: unknown, prompt: string): Promise<number | undefined> => {
    const given = toFlowId(arg);
    if (given !== null) return given;
    if (doc.selectedFlowId !== null && arg === undefined && prompt !== 'show') return doc.selectedFlowId;
    const text = await vscode.window.showInputBox({
      title: 'synscope: flow id',
      prompt: 'Flow number as shown in the # column',
      value: doc.selectedFlowId !== null ? String(doc.selectedFlowId) : '',
      validateInput: (v) => (toFlowId(v) === null ? 'A positive whole number' : null),
    });
    return text === undefined ? undefined : toFlowId(text) ?? undefined;
  };

  return [
    reg('synscope.openCapture', async (arg) => {
      let uri = toUri(arg);
      if (!uri) {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false,
          openLabel: 'Open capture',
          filters: { 'Packet captures': ['pcap', 'pcapng', 'cap', 'gz'], 'All files': ['*'] },
        });
        uri = picked?.[0] ?? null;
      }
      if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    }),
    reg('synscope.showFlow', async (flowArg, captureArg) => {
      const doc = docFor(captureArg);
      const id = await flowIdFor(doc, flowArg, 'show');
      if (id !== undefined) doc.revealFlow(id);
    }),
    reg('synscope.reanalyze', (captureArg) => {
      const doc = docFor(captureArg);
      doc.analyze();
    }),
    reg('synscope.showReport', async (captureArg) => {
      const doc = docFor(captureArg);
      const td = await vscode.workspace.openTextDocument(reportUriFor(doc.uri));
      await vscode.window.showTextDocument(td, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    }),
    reg('synscope.exportFindings', async (formatArg, targetArg) => {
      const doc = docFor(undefined);
      const format = isOneOf(formatArg, ['json', 'csv', 'sarif'] as const)
        ? formatArg
        : (await vscode.window.showQuickPick(
            [
              { label: 'JSON', description: 'the full synscope/1 result', format: 'json' as const },
              { label: 'CSV', description: 'one row per finding', format: 'csv' as const },
              { label: 'SARIF', description: 'for code-scanning tools', format: 'sarif' as const },
            ],
            { title: 'synscope: export findings as' },
          ))?.format;
      if (!format) return undefined;
      const text = await doc.request('exportFindings', { format });
      return save(text, toUri(targetArg), siblingUri(doc.uri, `.findings.${FINDINGS_EXT[format]}`));
    }),
    reg('synscope.exportDiagram', async (flowArg, formatArg, targetArg) => {
      const doc = docFor(undefined);
      const flowId = await flowIdFor(doc, flowArg, 'export');
      if (flowId === undefined) return undefined;
      const format = isOneOf(formatArg, ['svg', 'mermaid'] as const)
        ? formatArg
        : (await vscode.window.showQuickPick(
            [
              { label: 'SVG', description: 'the diagram as shown', format: 'svg' as const },
              { label: 'Mermaid', description: 'sequenceDiagram text for Markdown', format: 'mermaid' as const },
            ],
            { title: `synscope: export flow ${flowId} as` },
          ))?.format;
      if (!format) return undefined;
      const text = await doc.request('exportDiagram', { flowId, format, timeDisplay: currentTimeDisplay() });
      if (text === null) throw new Error(`There is no flow ${flowId}.`);
      return save(text, toUri(targetArg), siblingUri(doc.uri, `.flow-${flowId}.${DIAGRAM_EXT[format]}`));
    }),
    reg('synscope.copyFlowSummary', async (flowArg) => {
      const doc = docFor(undefined);
      const flowId = await flowIdFor(doc, flowArg, 'copy');
      if (flowId === undefined) return undefined;
      const text = await doc.request('flowSummary', { flowId });
      if (text === null) throw new Error(`There is no flow ${flowId}.`);
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage(`synscope: flow ${flowId} summary copied`, 3000);
      return text;
    }),
  ];
}

function currentTimeDisplay(): 'absolute' | 'relative' | 'delta' | 'timeOfDay' {
  const v = vscode.workspace.getConfiguration('synscope').get('timeDisplay');
  return v === 'absolute' || v === 'delta' || v === 'timeOfDay' ? v : 'relative';
}

async function save(text: string, target: vscode.Uri | null, suggested: vscode.Uri): Promise<vscode.Uri | undefined> {
  const uri = target ?? (await vscode.window.showSaveDialog({ defaultUri: suggested }));
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  if (!target) void vscode.window.showInformationMessage(`synscope: saved ${uri.toString(true)}`);
  return uri;
}

function siblingUri(capture: vscode.Uri, suffix: string): vscode.Uri {
  const base = capture.path.replace(/\.(pcapng|pcap|cap)(\.gz)?$/i, '');
  return capture.with({ path: base + suffix });
}

function toUri(arg: unknown): vscode.Uri | null {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.includes(':')) {
    try {
      return vscode.Uri.parse(arg, true);
    } catch {
      return null;
    }
  }
  return null;
}

function toFlowId(arg: unknown): number | null {
  const n = typeof arg === 'number' ? arg : typeof arg === 'string' && /^\s*\d+\s*$/.test(arg) ? Number(arg) : NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

function isOneOf<T extends string>(v: unknown, options: readonly T[]): v is T {
  return typeof v === 'string' && (options as readonly string[]).includes(v);
}
