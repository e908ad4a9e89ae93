#!/usr/bin/env node
// Issue 5's "the extension host stays responsive while a 1 GiB capture is analysed", measured
// in the real extension host: the VS Code 1.100.3 server of `npm run test:integration`, loaded
// offline through the workbench URL payload, runs hostResponsiveness.suite.ts as its
// extensionTestsPath. That suite opens the capture with vscode.openWith in the synscope editor
// and, every 100 ms until the analysis is done, times a built-in command (a round trip to the
// workbench), a command registered in the extension host itself, and timer drift, with
// perf_hooks.monitorEventLoopDelay over the whole run. A measurement: no assertions, exit 0.
//
//   node scripts/bench/hostResponsiveness.mjs [capture]     (after npm run build)
// Default capture: ~/.cache/synscope-bench/gen3-seed1/mix-1GiB.pcap (made by npm run bench);
// without it, a 100 MB one is generated with scripts/bench/gen-capture.mjs (and said so).
// SYNSCOPE_HOST_PROFILE=<file.cpuprofile> also writes a CPU profile of the extension host
// from openWith to the analysis being done (open it in a Chrome/VS Code profile viewer).
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRunDir, repoRoot, startServer } from '../vscode-server.mjs';
import { hardDeadline } from '../e2e/steps.mjs';
import { launchBrowser, newPage } from '../e2e/workbench.mjs';

hardDeadline(900_000, 'hostResponsiveness');
const cacheDir = join(homedir(), '.cache', 'synscope-bench', 'gen3-seed1');
let capture = process.argv[2] ?? join(cacheDir, 'mix-1GiB.pcap');
if (!existsSync(capture)) {
  console.log(`${capture} is absent: generating a 100 MB mix instead (not the 1 GiB of the issue)`);
  const dir = mkdtempSync(join(tmpdir(), 'synscope-hostresp-'));
  capture = join(dir, 'mix-100MB.pcap');
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'bench', 'gen-capture.mjs'), 'bulk', capture, '--size', '100MB'], { stdio: 'inherit' });
}

const work = mkdtempSync(join(tmpdir(), 'synscope-hostresp-'));
const outJson = join(work, 'result.json');
const index = join(work, 'out', 'index.js');
await esbuild.build({
  entryPoints: [join(repoRoot, 'scripts', 'bench', 'hostResponsiveness.suite.ts')], outfile: index,
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', external: ['vscode'],
  logLevel: 'warning',
  define: { BENCH_CAPTURE: JSON.stringify(capture), BENCH_OUT: JSON.stringify(outJson), BENCH_TIMEOUT_MS: '600000', BENCH_PROFILE: JSON.stringify(process.env.SYNSCOPE_HOST_PROFILE ?? '') },
});

const ws = join(work, 'ws');
execFileSync('mkdir', ['-p', ws]);
const runDir = makeRunDir({ prefix: 'synscope-hostresp-' });
const server = await startServer(runDir);
const browser = await launchBrowser();
const load = loadavg().map((x) => x.toFixed(2)).join(' ');
let code = 'timeout';
try {
  const page = await newPage(browser);
  let settle;
  const exited = new Promise((r) => { settle = r; });
  await page.exposeFunction('codeAutomationLog', (_type, args) => {
    const line = (Array.isArray(args) ? args : [args]).join(' ');
    // Only our own lines: the server's chatter (missing native watchdog, service worker) is noise.
    if (/synscope/i.test(line) && !/Require stack|watchdog/i.test(line)) console.log(`    ${line}`);
  });
  await page.exposeFunction('codeAutomationExit', (c) => settle(c));
  await page.goto(server.url(ws, [
    ['extensionDevelopmentPath', server.remoteUri(repoRoot)],
    ['extensionTestsPath', server.remoteUri(index)],
  ]));
  code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 700_000))]);
} finally {
  await browser.close().catch(() => {});
  await server.stop();
  runDir.remove();
}
console.log(`load average before: ${load}; exit of the suite: ${code}`);
if (existsSync(outJson)) {
  const r = JSON.parse(readFileSync(outJson, 'utf8'));
  const row = (name, s) => `${name.padEnd(34)} p50 ${String(s.p50).padStart(7)}  p99 ${String(s.p99).padStart(7)}  max ${String(s.max).padStart(7)}${s.over100 === undefined ? '' : `  >100 ms: ${s.over100}`}`;
  console.log(`capture ${r.capture}`);
  console.log(`analysis done (diagnostics appeared) ${r.analysisDoneMs} ms after openWith; openWith resolved after ${r.openWithResolvedMs} ms; ${r.diagnostics} diagnostics`);
  console.log('first partial flows: not observable from the extension host (the extension exports no API; they go worker → webview)');
  for (const phase of ['idle', 'analysing']) {
    const p = r[phase];
    console.log(`${phase}: ${p.builtinCmdMs.n} samples (ms)`);
    console.log(row('  focusActiveEditorGroup (workbench)', p.builtinCmdMs));
    console.log(row('  ext-host-local command', p.localCmdMs));
    console.log(row('  setTimeout(100) drift', p.timerDriftMs));
    console.log(row('  monitorEventLoopDelay', p.eventLoopDelayMs));
  }
  console.log(JSON.stringify(r));
} else {
  console.log('no result: the suite did not get to write one');
}
rmSync(work, { recursive: true, force: true });
process.exit(0);
