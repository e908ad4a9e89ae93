/**
 * synscope.compareWithCapture(bUri?, aUri?): the open capture (A, client side) against another
 * (B); synscope.correlateCaptures(aUri?, bUri?): any two. Both ask for what they are not given
 * and resolve with the comparison's report URI (a string), which tests use.
 */
import * as vscode from 'vscode';
import type { CaptureRegistry } from './captureEditorProvider';
import { toUri } from './commands';
import type { CorrelateViews } from './correlateView';

const FILTERS = { 'Packet captures': ['pcap', 'pcapng', 'cap', 'gz'], 'All files': ['*'] };

async function pick(label: string): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: label, filters: FILTERS });
  return picked?.[0];
}

export function registerCorrelateCommands(registry: CaptureRegistry, views: CorrelateViews): vscode.Disposable[] {
  const run = async (a: vscode.Uri | undefined, b: vscode.Uri | undefined): Promise<string | undefined> => {
    if (!a || !b) return undefined;
    try {
      return (await views.compare(a, b))?.toString();
    } catch (e) {
      void vscode.window.showErrorMessage(`synscope: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
  return [
    vscode.commands.registerCommand('synscope.compareWithCapture', async (bArg?: unknown, aArg?: unknown) => {
      const a = toUri(aArg) ?? registry.current()?.uri;
      if (!a) {
        void vscode.window.showErrorMessage('synscope: open a capture first (it becomes A, the client side).');
        return undefined;
      }
      return run(a, toUri(bArg) ?? (await pick('Compare with (server side, B)')));
    }),
    vscode.commands.registerCommand('synscope.correlateCaptures', async (aArg?: unknown, bArg?: unknown) => {
      const a = toUri(aArg) ?? (await pick('Client-side capture (A)'));
      if (!a) return undefined;
      return run(a, toUri(bArg) ?? (await pick('Server-side capture (B)')));
    }),
  ];
}
