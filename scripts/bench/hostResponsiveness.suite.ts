// Bundled by hostResponsiveness.mjs and loaded as extensionTestsPath in the real VS Code
// server's extension host: opens one large capture in the synscope editor and, until the
// analysis is done, samples every 100 ms how long a command takes to answer and how late
// the host's timers fire. A measurement, not a test: it never fails on the numbers.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { diagnosticsFor, VIEW_TYPE } from '../../test/integration/helpers';

declare const BENCH_CAPTURE: string;
declare const BENCH_OUT: string;
declare const BENCH_TIMEOUT_MS: number;
/** Where to write a CPU profile of the extension host during the analysis ('' = none). */
declare const BENCH_PROFILE: string;

const BUILTIN = 'workbench.action.focusActiveEditorGroup';
const LOCAL = 'synscopeBench.ping';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function stats(xs: number[]): { n: number; p50: number; p99: number; max: number; over100: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN);
  const r = (x: number): number => Math.round(x * 10) / 10;
  return { n: s.length, p50: r(at(0.5)), p99: r(at(0.99)), max: r(s[s.length - 1] ?? NaN), over100: s.filter((x) => x > 100).length };
}

function histogram(h: ReturnType<typeof monitorEventLoopDelay>): { p50: number; p99: number; max: number } {
  const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

export async function run(): Promise<void> {
  const ping = vscode.commands.registerCommand(LOCAL, () => 1);
  const uri = vscode.Uri.file(BENCH_CAPTURE);
  await vscode.extensions.getExtension('synscope.synscope')?.activate();
  // Warm both command paths, then the idle floor of the same measures on this machine.
  await vscode.commands.executeCommand(BUILTIN);
  await vscode.commands.executeCommand(LOCAL);
  const idle = { builtin: [] as number[], local: [] as number[], drift: [] as number[] };
  const idleHist = monitorEventLoopDelay({ resolution: 10 });
  idleHist.enable();
  const sample = async (into: typeof idle): Promise<void> => {
    let t = performance.now();
    await sleep(100);
    into.drift.push(performance.now() - t - 100);
    t = performance.now();
    await vscode.commands.executeCommand(BUILTIN);
    into.builtin.push(performance.now() - t);
    t = performance.now();
    await vscode.commands.executeCommand(LOCAL);
    into.local.push(performance.now() - t);
  };
  for (let i = 0; i < 20; i++) await sample(idle);
  idleHist.disable();

  const busy = { builtin: [] as number[], local: [] as number[], drift: [] as number[] };
  const hist = monitorEventLoopDelay({ resolution: 10 });
  let profiler: Session | null = null;
  if (BENCH_PROFILE) {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
    await profiler.post('Profiler.start');
  }
  hist.enable();
  const t0 = performance.now();
  const opened = vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
  let openedMs: number | null = null;
  void opened.then(() => { openedMs = performance.now() - t0; });
  let doneMs: number | null = null;
  // The extension exports no API: "done" is observed as its diagnostics appearing, which it
  // publishes only when the analysis finished (this capture has findings: the SYN flood).
  while (performance.now() - t0 < BENCH_TIMEOUT_MS) {
    await sample(busy);
    if (diagnosticsFor(uri).length > 0) { doneMs = performance.now() - t0; break; }
  }
  hist.disable();
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(BENCH_PROFILE, JSON.stringify(profile));
    profiler.disconnect();
  }
  const result = {
    capture: BENCH_CAPTURE,
    openWithResolvedMs: openedMs === null ? null : Math.round(openedMs),
    analysisDoneMs: doneMs === null ? null : Math.round(doneMs),
    diagnostics: diagnosticsFor(uri).length,
    idle: { builtinCmdMs: stats(idle.builtin), localCmdMs: stats(idle.local), timerDriftMs: stats(idle.drift), eventLoopDelayMs: histogram(idleHist) },
    analysing: { builtinCmdMs: stats(busy.builtin), localCmdMs: stats(busy.local), timerDriftMs: stats(busy.drift), eventLoopDelayMs: histogram(hist) },
  };
  writeFileSync(BENCH_OUT, JSON.stringify(result, null, 2));
  ping.dispose();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
