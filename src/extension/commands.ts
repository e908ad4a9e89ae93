/**
 * The synscope.* commands. Each works from the palette (asking for what it needs) and from
 * code/tests with arguments (no dialogs then): showFlow(flowId, captureUri?),
 * reanalyze(captureUri?), exportFindings(format?, targetUri?), exportFlows(format?, targetUri?), exportDiagram(flowId?, format?,
 * targetUri?, everyPacket?), copyFlowSummary(flowId?), showReport(captureUri?), copyWiresharkFilter(flowId?),
 * openInWireshark(flowId?).
 */
import { spawn } from 'node:child_process';
import * as vscode from 'vscode';
import type { TimeDisplay } from '../protocol/messages';
import type { CaptureDocument } from './captureDocument';
import { CaptureRegistry, VIEW_TYPE } from './captureEditorProvider';
import { pickFlow } from './flowPicker';
import { reportUriFor } from './reportUri';
import { findWireshark, wiresharkArgs, wiresharkFilter } from './wireshark';

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

  /** The flow given, else the selected one (except for Show Flow, which asks), else a pick. */
  const flowIdFor = async (doc: CaptureDocument, arg: unknown, action: string): Promise<number | undefined> => {
    const given = toFlowId(arg);
    if (given !== null) return given;
    if (doc.selectedFlowId !== null && arg === undefined && action !== 'show') return doc.selectedFlowId;
    return pickFlow(doc, `synscope: ${action} which flow?`);
  };

  /** The flow's first frame (for Wireshark's "go to packet"); throws for an unknown flow. */
  const firstFrameOf = async (doc: CaptureDocument, flowId: number): Promise<number> => {
    const detail = await doc.request('flowDetail', { flowId, timeDisplay: currentTimeDisplay() });
    if (!detail) throw new Error(`There is no flow ${flowId}.`);
    return detail.flow.firstPacket;
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
    reg('synscope.exportFlows', async (formatArg, targetArg) => {
      const doc = docFor(undefined);
      const format = isOneOf(formatArg, ['parquet', 'csv'] as const)
        ? formatArg
        : (await vscode.window.showQuickPick(
            [
              { label: 'Parquet', description: 'every flow, columnar, for DuckDB, Spark, pandas (docs/parquet-output.md)', format: 'parquet' as const },
              { label: 'CSV', description: 'one row per flow (synscope.maxFlows flows), as the CLI\'s --format csv', format: 'csv' as const },
            ],
            { title: 'synscope: export flows as' },
          ))?.format;
      if (!format) return undefined;
      const bytes = await doc.request('exportFlows', { format });
      return save(bytes, toUri(targetArg), siblingUri(doc.uri, `.flows.${format}`));
    }),
    reg('synscope.exportDiagram', async (flowArg, formatArg, targetArg, everyPacketArg) => {
      const doc = docFor(undefined);
      const flowId = await flowIdFor(doc, flowArg, 'export the diagram of');
      if (flowId === undefined) return undefined;
      const picked = isOneOf(formatArg, ['svg', 'mermaid'] as const)
        ? { format: formatArg, everyPacket: everyPacketArg === true }
        : await vscode.window.showQuickPick(
            [
              { label: 'SVG', description: 'the diagram as shown', format: 'svg' as const, everyPacket: false },
              { label: 'Mermaid', description: 'sequenceDiagram text for Markdown', format: 'mermaid' as const, everyPacket: false },
              // The diagram draws the handshake's packets; these re-read the flow's frames.
              ...(doc.uri.scheme === 'file' ? [
                { label: 'SVG, every packet', description: 'all of the flow\'s frames, not only the handshake\'s', format: 'svg' as const, everyPacket: true },
                { label: 'Mermaid, every packet', description: 'all of the flow\'s frames', format: 'mermaid' as const, everyPacket: true },
              ] : []),
            ],
            { title: `synscope: export flow ${flowId} as` },
          );
      if (!picked) return undefined;
      const { format, everyPacket } = picked;
      const text = await doc.request('exportDiagram', { flowId, format, timeDisplay: doc.timeDisplay ?? currentTimeDisplay(), everyPacket });
      if (text === null) throw new Error(`There is no flow ${flowId}.`);
      return save(text, toUri(targetArg), siblingUri(doc.uri, `.flow-${flowId}.${DIAGRAM_EXT[format]}`));
    }),
    reg('synscope.compareWithBaseline', async (baselineArg) => {
      const doc = docFor(undefined);
      let uri = toUri(baselineArg);
      if (!uri) {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false,
          openLabel: 'Compare with this baseline',
          title: 'synscope: a healthy capture to compare this one with',
          filters: { 'Packet captures': ['pcap', 'pcapng', 'cap', 'gz'], 'All files': ['*'] },
        });
        uri = picked?.[0] ?? null;
      }
      if (!uri) return undefined;
      if (uri.scheme !== 'file') throw new Error('The baseline must be a local file.');
      const { report, table } = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'synscope: comparing with the baseline…' },
        () => doc.request('compareWithBaseline', { path: uri.fsPath }),
      );
      const td = await vscode.workspace.openTextDocument({ content: table, language: 'plaintext' });
      await vscode.window.showTextDocument(td, { preview: false, viewColumn: vscode.ViewColumn.Beside });
      return report;
    }),
    reg('synscope.copyFlowSummary', async (flowArg) => {
      const doc = docFor(undefined);
      const flowId = await flowIdFor(doc, flowArg, 'copy the summary of');
      if (flowId === undefined) return undefined;
      const text = await doc.request('flowSummary', { flowId });
      if (text === null) throw new Error(`There is no flow ${flowId}.`);
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage(`synscope: flow ${flowId} summary copied`, 3000);
      return text;
    }),
    reg('synscope.copyWiresharkFilter', async (flowArg) => {
      const doc = docFor(undefined);
      const flowId = await flowIdFor(doc, flowArg, 'copy the Wireshark filter of');
      if (flowId === undefined) return undefined;
      await firstFrameOf(doc, flowId);
      const filter = wiresharkFilter(flowId);
      await vscode.env.clipboard.writeText(filter);
      void vscode.window.setStatusBarMessage(`synscope: copied "${filter}" (flow ${flowId})`, 3000);
      return filter;
    }),
    reg('synscope.openInWireshark', async (flowArg) => {
      const doc = docFor(undefined);
      const wireshark = findWireshark();
      if (!wireshark) {
        throw new Error('Wireshark is not installed (or not on PATH): install it, or use "synscope: Copy Wireshark Filter" and paste the filter into Wireshark.');
      }
      if (doc.uri.scheme !== 'file') throw new Error(`Wireshark can only open local files; ${doc.uri.toString(true)} is not one.`);
      const flowId = await flowIdFor(doc, flowArg, 'open in Wireshark');
      if (flowId === undefined) return undefined;
      const args = wiresharkArgs(doc.uri.fsPath, flowId, await firstFrameOf(doc, flowId));
      await new Promise<void>((resolve, reject) => {
        const child = spawn(wireshark, args, { detached: true, stdio: 'ignore' });
        child.once('error', (e) => reject(new Error(`Wireshark did not start: ${e.message}`)));
        child.once('spawn', () => {
          child.unref();
          resolve();
        });
      });
      return args;
    }),
  ];
}

function currentTimeDisplay(): TimeDisplay {
  const v = vscode.workspace.getConfiguration('synscope').get('timeDisplay');
  return v === 'absolute' || v === 'timeOfDay' || v === 'sinceCapture' || v === 'delta' ? v : 'relative';
}

async function save(content: string | Uint8Array, target: vscode.Uri | null, suggested: vscode.Uri): Promise<vscode.Uri | undefined> {
  const uri = target ?? (await vscode.window.showSaveDialog({ defaultUri: suggested }));
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, typeof content === 'string' ? new TextEncoder().encode(content) : content);
  if (!target) void vscode.window.showInformationMessage(`synscope: saved ${uri.toString(true)}`);
  return uri;
}

function siblingUri(capture: vscode.Uri, suffix: string): vscode.Uri {
  const base = capture.path.replace(/\.(pcapng|pcap|cap)(\.gz)?$/i, '');
  return capture.with({ path: base + suffix });
}

export function toUri(arg: unknown): vscode.Uri | null {
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
