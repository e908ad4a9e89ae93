// Shared by the extension-host tests: the workspace's sample captures, the CLI's view of them
// (the expected values), and waiting for the extension to catch up.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';

/** The checkout: tests are bundled to out/test/integration/. */
export const repoRoot = resolve(__dirname, '..', '..', '..');
export const EXTENSION_ID = 'synscope.synscope';
export const VIEW_TYPE = 'synscope.captureEditor';

export interface CliFinding { id: number; code: string; severity: string; message: string; flows: number[]; packet: number }
export interface CliResult { summary: { flows: number }; findings: CliFinding[]; flows: { id: number }[] }

const cliCache = new Map<string, CliResult>();

/** `synscope analyze <file> --format json`, optionally with extra CLI arguments (memoised). */
export function cliAnalyze(file: string, extra: string[] = []): CliResult {
  const key = JSON.stringify([file, extra]);
  const hit = cliCache.get(key);
  if (hit) return hit;
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'analyze', file, '--format', 'json', ...extra], {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
  });
  try {
    const result = JSON.parse(r.stdout) as CliResult;
    cliCache.set(key, result);
    return result;
  } catch {
    throw new Error(`CLI gave no JSON for ${file} (exit ${r.status}): ${r.stderr.slice(0, 500)}`);
  }
}

/** Captures in the test workspace, by file name. */
export async function captures(): Promise<Map<string, vscode.Uri>> {
  const uris = await vscode.workspace.findFiles('**/*.{pcap,pcapng,pcap.gz,pcapng.gz}');
  return new Map(uris.map((u) => [u.path.split('/').pop()!, u]));
}

/** Polls until `fn` returns a truthy value; fails with `what` and the last value. */
export async function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Diagnostics synscope put on a capture (directly, or on a report document named after it). */
export function diagnosticsFor(capture: vscode.Uri): vscode.Diagnostic[] {
  const base = capture.path.split('/').pop()!;
  const out: vscode.Diagnostic[] = [];
  for (const [uri, diags] of vscode.languages.getDiagnostics()) {
    if (uri.toString() === capture.toString() || (uri.scheme !== 'file' && uri.path.includes(base))) out.push(...diags);
  }
  return out;
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The custom-editor tab showing `uri`, if it is the active one. */
export function activeCaptureTab(uri: vscode.Uri): vscode.TabInputCustom | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && input.viewType === VIEW_TYPE && input.uri.toString() === uri.toString()) {
    return input;
  }
  return undefined;
}

/**
 * Findings the Problems entries stand for: a grouped entry lists its flows as related
 * information, the overflow entry ('more-findings') stands for none listed.
 */
export function findingsCovered(diags: readonly vscode.Diagnostic[]): number {
  let n = 0;
  for (const d of diags) {
    const code = typeof d.code === 'object' ? d.code.value : d.code;
    if (code === 'more-findings') continue;
    n += d.relatedInformation && d.relatedInformation.length > 0 ? d.relatedInformation.length : 1;
  }
  return n;
}

/** The active tab's input when it is a text editor on a synscope-report: document. */
export function activeReportTab(): vscode.TabInputText | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText && input.uri.scheme === 'synscope-report' ? input : undefined;
}
