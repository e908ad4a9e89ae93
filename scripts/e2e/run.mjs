// `npm run test:e2e`: synscope in a real VS Code workbench, offline.
//
// Installs (once, cached under .vscode-test/) the pinned VS Code 1.100.3 server, starts it on
// 127.0.0.1 with a throwaway profile, the extension from this checkout and a workspace holding
// copies of samples/, then drives Debian's chromium through what a user does. Expected values
// come from the CLI on the same files. Afterwards: the extension-host mocha suite (same
// server, URL payload) and the packaged .vsix (installed into a fresh extensions dir of the
// same server, listed, and opened once). Screenshots go to test-results/.
//
// The extension under test is a snapshot of the built checkout (scripts/e2e/stage.mjs), so a
// rebuild during the run can't tear it; --live uses the checkout itself.
// Options: --only=ui,stories,integration,package (ui = main,export,damaged,first-rows,filters,diagram-actions,live-capture; parts
//   can be named singly, also verdicts: every sample's verdict line, initial-rtt: a
//   retransmitted-SYN flow's brackets against tshark)
//   --samples=a.pcap,b.pcap (main path)  --stories=x.pcap (story samples)  --bail (stop at the
//   first failed step)  --out=<dir> (instead of test-results/)  --ext=<dir> (another extension
//   folder)  --live
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureServer, makeRunDir, repoRoot, startServer } from '../vscode-server.mjs';
import { useCliFrom } from './cli.mjs';
import { runIntegrationSuite } from './integration.mjs';
import { captureScenario, damagedScenario } from './scenarios/capture.mjs';
import { exportScenario } from './scenarios/export.mjs';
import { firstRowsScenario, generateLargeCapture } from './scenarios/firstRows.mjs';
import { serversScenario, serversTimingScenario, stageServersCapture } from './scenarios/servers.mjs';
import { packageScenario } from './scenarios/package.mjs';
import { storiesScenario } from './scenarios/stories.mjs';
import { verdictScenario } from './scenarios/verdict.mjs';
import { retransmittedSynScenario } from './scenarios/retransmittedSyn.mjs';
import { filterScenario } from './scenarios/filters.mjs';
import { diagramActionsScenario } from './scenarios/diagramActions.mjs';
import { correlateScenario, FIXTURE_FILES } from './scenarios/correlate.mjs';
import { followFileScenario, liveCaptureScenario } from './scenarios/liveCapture.mjs';
import { pending } from './pending.mjs';
import { stageExtension } from './stage.mjs';
import { Steps, hardDeadline } from './steps.mjs';
import { launchBrowser, newPage, openWorkbench, paletteCommand, readinessTitle } from './workbench.mjs';
import { sampleFiles } from './workspace.mjs';

const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' }, ext: { type: 'string' }, live: { type: 'boolean' }, bail: { type: 'boolean' },
    samples: { type: 'string' }, stories: { type: 'string' }, out: { type: 'string' },
  },
});
// verdicts and initial-rtt join ui once their UI work is merged (pending.mjs).
const PARTS = {
  ui: ['main', 'export', 'damaged', 'first-rows', 'filters', 'diagram-actions', 'correlate', 'servers', 'live-capture', ...(pending('verdict') ? ['verdicts'] : []), ...(pending('initial-rtt') ? ['initial-rtt'] : [])],
};
const only = new Set((opts.only ?? 'ui,stories,integration,package').split(',').flatMap((p) => PARTS[p] ?? [p]));
const browserParts = ['main', 'export', 'damaged', 'first-rows', 'stories', 'verdicts', 'initial-rtt', 'filters', 'diagram-actions', 'correlate', 'servers', 'live-capture'];
const staged = opts.ext || opts.live ? null : stageExtension();
const extPath = opts.ext ?? staged?.dir ?? repoRoot;
useCliFrom(opts.ext ? repoRoot : extPath);
const outDir = resolve(repoRoot, opts.out ?? 'test-results');
const started = Date.now();
hardDeadline(Number(process.env.E2E_TIMEOUT_MS ?? 20 * 60_000), 'test:e2e');

rmSync(outDir, { recursive: true, force: true });
const steps = new Steps(outDir, { bail: opts.bail });
const extPkg = JSON.parse(readFileSync(join(extPath, 'package.json'), 'utf8'));
const commands = extPkg.contributes?.commands ?? [];
const titleOf = (id) => {
  const c = commands.find((x) => x.command === id);
  return c && `${c.category ? `${c.category}: ` : ''}${c.title}`;
};

ensureServer();
const samples = sampleFiles();
const ws = mkdtempSync(join(tmpdir(), 'synscope-e2e-ws-'));
for (const f of samples) cpSync(f.path, join(ws, f.name));
// The two-vantage pair for "Correlate Two Captures…" (not samples: the other suites compare every sample with the CLI).
if (only.has('correlate')) for (const [name, path] of Object.entries(FIXTURE_FILES)) cpSync(path, join(ws, name));
// Seconds of reading for the first-rows check, generated before the server starts so Quick
// Open's file index already holds it.
const large = only.has('first-rows') ? generateLargeCapture(ws) : null;
const slowdown = only.has('servers') ? stageServersCapture(ws) : null;
// Compare with Baseline in the extension host: a baseline and an incident with one slowed listener.
if (only.has('integration')) {
  for (const f of ['baseline', 'delay']) cpSync(join(repoRoot, 'test', 'fixtures', 'listeners', `${f}.pcap.gz`), join(ws, `listeners-${f}.pcap.gz`));
}
// SYNSCOPE_E2E_THEME=light|dark picks VS Code's default theme of that kind for the screenshots.
const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' };
const theme = THEMES[process.env.SYNSCOPE_E2E_THEME ?? ''];
const runDir = makeRunDir({ prefix: 'synscope-e2e-', extensions: { 'synscope-dev': extPath }, settings: theme ? { 'workbench.colorTheme': theme } : {} });
// Also on the hard deadline's exit: no temp folders left behind (servers die in vscode-server.mjs).
process.on('exit', () => {
  for (const d of [runDir.dir, ws, staged?.dir]) if (d) rmSync(d, { recursive: true, force: true });
});
let server;
let browser;
let ok = false;
try {
  server = await startServer(runDir);
  console.log(`VS Code server ${server.origin} (log ${server.logFile}), workspace ${ws} with ${samples.length} captures`);
  browser = await launchBrowser();
  const maxDiagnostics = extPkg.contributes?.configuration?.properties?.['synscope.maxDiagnostics']?.default;
  const storySamples = opts.stories?.split(',');
  const ctx = {
    steps, ws, server, browser, titleOf, maxDiagnostics, exportScenario: only.has('export') ? exportScenario : null,
    samples: storySamples ? samples.filter((s) => storySamples.includes(s.name)) : samples,
    storiesPicked: Boolean(storySamples),
  };

  if (browserParts.some((p) => only.has(p))) {
    ctx.page = await newPage(browser);
    const ready = await steps.run('workbench loads with the samples in the explorer', ctx.page, () =>
      openWorkbench(ctx.page, server.url(ws), samples[0].name))
      && await steps.run('extension ready: F1 lists its commands', ctx.page, () =>
        paletteCommand(ctx.page, readinessTitle(titleOf), { run: false }));
    if (ready && (only.has('main') || only.has('export'))) {
      for (const [i, name] of mainSamples(samples).entries()) await captureScenario(ctx, name, { exportCheck: i === 0 });
    }
    if (ready && only.has('verdicts')) {
      // Every sample (--samples= picks some).
      await verdictScenario(ctx, opts.samples ? opts.samples.split(',') : samples.map((f) => f.name));
    }
    if (ready && only.has('initial-rtt')) await retransmittedSynScenario(ctx);
    if (ready && only.has('filters')) await filterScenario(ctx);
    if (ready && only.has('diagram-actions')) await diagramActionsScenario(ctx);
    if (ready && only.has('correlate')) await correlateScenario(ctx);
    if (ready && only.has('servers')) {
      await serversScenario(ctx, slowdown);
      await serversTimingScenario(ctx);
      // Not a sample: the later suites compare the editor with the CLI on the samples only.
      rmSync(slowdown, { force: true });
    }
    if (ready && only.has('live-capture')) {
      await liveCaptureScenario(ctx);
      await followFileScenario(ctx);
    }
    if (ready && only.has('damaged') && samples.some((f) => f.name === 'truncated.pcap')) await damagedScenario(ctx, 'truncated.pcap');
    if (ready && only.has('first-rows')) {
      await firstRowsScenario(ctx, large);
      // The later suites compare the editor with the CLI on the samples; this file has more flows
      // than the CLI lists by default (and stories are told from the listed flows).
      rmSync(large, { force: true });
    }
    if (ready && only.has('stories')) await storiesScenario(ctx);
    await ctx.page.context().close();
  }

  if (only.has('integration')) {
    console.log('\nextension-host suite (mocha, in the server\'s extension host):');
    await steps.run('extension-host integration suite passes', null, async () => {
      const code = await runIntegrationSuite({ server, browser, workspace: ws, extensionPath: extPath });
      if (code !== 0) throw new Error(`the suite exited with ${code}`);
    });
  }

  if (only.has('package')) await packageScenario(ctx);
  ok = steps.summary();
} catch (err) {
  console.error(err);
} finally {
  await browser?.close().catch(() => {});
  await server?.stop();
  try { copyFileSync(join(runDir.dir, 'server.log'), join(outDir, 'server.log')); } catch { /* no log */ }
  runDir.remove();
  staged?.remove();
  rmSync(ws, { recursive: true, force: true });
}
// For scripts/e2e/mutants.mjs: which steps failed, and how.
writeFileSync(join(outDir, 'report.json'), `${JSON.stringify({
  ok, ms: Date.now() - started,
  steps: steps.results.map((r) => ({ name: r.name, ok: r.ok, ms: r.ms, error: r.ok ? undefined : String(r.err?.message ?? r.err).split('\n')[0] })),
}, null, 2)}\n`);
console.log(`test:e2e ${ok ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)}s; screenshots in test-results/`);
process.exit(ok ? 0 : 1);

/**
 * The samples the main user path runs on: refused connections (RST arrows, several findings),
 * a slow server (slow handshakes, retransmitted SYNs) and a gzip-compressed capture.
 */
function mainSamples(all) {
  const pick = (opts.samples ?? process.env.SYNSCOPE_E2E_SAMPLES)?.split(',');
  if (pick) return pick;
  const names = all.map((f) => f.name);
  const preferred = ['refused.pcap', 'slow-server.pcap', 'healthy.pcap.gz'].filter((n) => names.includes(n));
  return preferred.length ? preferred : names.filter((n) => !/storm|hanging|flood/i.test(n)).slice(0, 3);
}
