/**
 * "synscope: Capture…", "synscope: Stop Capture" and "synscope: Open Capture Folder…".
 *
 * The extension is a workspace extension, so this code — and the tcpdump (or dumpcap) it starts — runs where
 * the workspace lives: the local machine, the Remote-SSH host, the dev container or WSL. The
 * capture goes into the workspace (captures/ under the first folder) and opens live.
 * From code and tests: synscope.capture({ iface, filter, file, searchPath? }) asks nothing and
 * returns what happened ({ file } or { error, message }: the words the user was shown).
 */
import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { CaptureRegistry } from './captureEditorProvider';
import { VIEW_TYPE } from './captureEditorProvider';
import {
  CaptureError, CaptureProcess, captureArgs, commandLine, defaultFilter, findCaptureTool, listInterfaces, type CaptureErrorKind, type CaptureTool,
} from './captureTool';

interface CaptureArgs {
  iface?: string;
  filter?: string;
  /** Absolute path of the file to write. */
  file?: string;
  /** Where to look for tcpdump and dumpcap instead of PATH and the sbin folders (tests: a folder without them). */
  searchPath?: string;
}

export type CaptureOutcome = { file: string } | { error: CaptureErrorKind | 'cancelled'; message: string };

interface Running {
  uri: vscode.Uri;
  process: CaptureProcess;
  status: vscode.StatusBarItem;
}

/** `synscope-<iface>-<UTC yyyymmdd-hhmmss>.pcap`: sorts by time, names the interface. */
export function captureFileName(iface: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `synscope-${iface.replace(/[^\w.-]/g, '_')}-${stamp}.pcap`;
}

export function registerCaptureCommands(registry: CaptureRegistry): vscode.Disposable[] {
  const running = new Map<string, Running>();

  /** Ends the capture (as Ctrl+C does): the file is a complete pcap once the tool has exited. */
  const endProcess = async (key: string): Promise<void> => {
    const r = running.get(key);
    if (!r) return;
    running.delete(key);
    r.status.text = '$(loading~spin) synscope: stopping capture…';
    await r.process.stop();
    r.status.dispose();
    void vscode.window.setStatusBarMessage(`synscope: capture stopped, ${r.process.captured ?? 0} packets in ${basename(r.uri.fsPath)}`, 8000);
  };

  const stop = async (key: string): Promise<void> => {
    const r = running.get(key);
    const doc = r ? registry.get(r.uri) : undefined;
    // The editor ends the capture first, then reads the file's last packets and finishes.
    if (doc?.capture) await doc.controlLive('stop');
    else await endProcess(key);
  };

  const startCapture = async (arg: unknown): Promise<CaptureOutcome> => {
    const given = (arg && typeof arg === 'object' ? arg : {}) as CaptureArgs;
    const cancelled: CaptureOutcome = { error: 'cancelled', message: '' };
    const tool = given.searchPath !== undefined ? findCaptureTool({ PATH: given.searchPath }, []) : findCaptureTool();
    const where = vscode.env.remoteName ? ` on the ${vscode.env.remoteName} host, where the workspace is` : '';
    if (!tool) {
      const fix = 'sudo apt install tcpdump';
      const message = `synscope: tcpdump is not installed${where} (nor Wireshark's dumpcap). Install it (${fix}, or dnf/apk/brew install tcpdump), then run Capture again.`;
      void vscode.window.showErrorMessage(message, 'Copy Install Command').then((pick) => (pick ? vscode.env.clipboard.writeText(fix) : undefined));
      return { error: 'not-installed', message };
    }
    const iface = given.iface ?? await pickInterface(tool);
    if (!iface) return cancelled;
    const filter = given.filter ?? await vscode.window.showInputBox({
      title: `synscope: capture on ${iface}`,
      prompt: 'Capture filter (tcpdump syntax). Every TCP packet by default: the ACK that completes a handshake has no flag a filter can select. Only headers are kept (200 bytes of each packet).',
      value: defaultFilter(vscode.env.remoteName),
    });
    if (filter === undefined) return cancelled;
    const file = given.file ?? await captureTarget(iface);
    if (!file) return cancelled;
    mkdirSync(dirname(file), { recursive: true });
    const fd = openSync(file, 'w');
    let proc: CaptureProcess;
    try {
      proc = await CaptureProcess.start(tool, { iface, filter }, fd);
    } catch (err) {
      closeSync(fd);
      rmSync(file, { force: true });
      const e = err instanceof CaptureError ? err : new CaptureError('failed', String(err), '');
      const copy = e.kind === 'permission' ? `sudo setcap cap_net_raw,cap_net_admin=eip ${tool.path}` : null;
      const message = `synscope: ${e.message}${where ? ` (${where.trim()})` : ''}. ${e.fix}`;
      void vscode.window.showErrorMessage(message, ...(copy ? ['Copy setcap Command'] : [])).then((pick) => (pick && copy ? vscode.env.clipboard.writeText(copy) : undefined));
      return { error: e.kind, message };
    }
    // The tool holds its own copy of the descriptor.
    closeSync(fd);
    const uri = vscode.Uri.file(file);
    const key = uri.toString();
    const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 100);
    status.text = `$(record) synscope: capturing on ${iface} — Stop`;
    status.tooltip = `${commandLine(tool.path, captureArgs(tool.name, { iface, filter }), file)}\nClick to stop the capture (the file stays a normal pcap).`;
    status.command = { title: 'Stop Capture', command: 'synscope.stopCapture', arguments: [uri] };
    status.show();
    running.set(key, { uri, process: proc, status });
    // The tool may end by itself (interface gone, disk full): the editor finishes what it has.
    void proc.exited.then(() => {
      const r = running.get(key);
      if (!r) return;
      running.delete(key);
      r.status.dispose();
      registry.get(uri)?.writerFinished();
      const last = proc.messages.trim().split('\n').find((l) => l.startsWith(`${tool.name}: `) && !/listening on/.test(l));
      void vscode.window.showWarningMessage(`synscope: the capture on ${iface} ended by itself${last ? `: ${last.slice(tool.name.length + 2)}` : ''}.`);
    });
    // The editor opens following the file, with a Stop that ends this capture.
    registry.openAs(uri, { follow: true, capturing: true }, { stop: () => endProcess(key) });
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    return { file };
  };

  return [
    vscode.commands.registerCommand('synscope.capture', async (arg: unknown): Promise<CaptureOutcome> => {
      try {
        return await startCapture(arg);
      } catch (e) {
        const message = `synscope: the capture could not start: ${e instanceof Error ? e.message : String(e)}`;
        void vscode.window.showErrorMessage(message);
        return { error: 'failed', message };
      }
    }),
    vscode.commands.registerCommand('synscope.stopCapture', async (arg: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : registry.current()?.uri;
      const key = uri?.toString() ?? [...running.keys()][0];
      if (!key || !running.has(key)) {
        void vscode.window.showInformationMessage('synscope: no capture is running.');
        return;
      }
      await stop(key);
    }),
    vscode.commands.registerCommand('synscope.openCaptureFolder', async (arg: unknown) => {
      let uri = arg instanceof vscode.Uri ? arg : null;
      if (!uri) {
        const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Open capture folder' });
        uri = picked?.[0] ?? null;
      }
      if (!uri) return;
      if (uri.scheme !== 'file' || !statSync(uri.fsPath, { throwIfNoEntry: false })?.isDirectory()) {
        void vscode.window.showErrorMessage(`synscope: ${uri.toString(true)} is not a local folder.`);
        return;
      }
      await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    }),
    { dispose: () => { for (const r of running.values()) { void r.process.stop(); r.status.dispose(); } } },
  ];
}

async function pickInterface(tool: CaptureTool): Promise<string | undefined> {
  const items = listInterfaces(tool).map((i) => ({ label: i.name, description: i.detail }));
  const pick = await vscode.window.showQuickPick(items, { title: 'synscope: capture on which interface?', placeHolder: `Interface (${tool.name} -D)` });
  return pick?.label;
}

async function captureTarget(iface: string): Promise<string | undefined> {
  const name = captureFileName(iface, new Date());
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  if (folder) return join(folder.uri.fsPath, 'captures', name);
  const picked = await vscode.window.showSaveDialog({ title: 'synscope: save the capture as', filters: { 'Packet capture': ['pcap'] }, defaultUri: vscode.Uri.file(join(process.cwd(), name)) });
  return picked?.scheme === 'file' ? picked.fsPath : undefined;
}
