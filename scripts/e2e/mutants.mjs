// `npm run test:mutants`: proof that the E2E checks read what the user sees. Each mutant is a
// deliberate breakage of what is on screen (empty table cells, a diagram without arrows, a
// missing story card, a Problems click that reveals nothing, an RTT in the wrong unit, a hidden
// verdict line), applied
// to a temporary copy of the checkout — never to the working tree — and built there; the E2E
// then runs (scripts/e2e/run.mjs --ext=<copy> --bail) with only the steps that should catch it,
// while the expected values still come from the unmutated CLI of the checkout. The harness
// fails unless the unmutated copy passes the union of those steps and every mutant makes its
// catching step fail. Results: test-results/mutants/summary.json, one folder per run beside it.
//
// Options: --only=<substring of a mutant name>[,…]   --keep (leave the copies in /tmp)
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../vscode-server.mjs';
import { pending } from './pending.mjs';
import { hardDeadline } from './steps.mjs';

/**
 * Each mutant: one exact text replacement (`find` must occur exactly once, so a mutant whose
 * target code moved fails loudly instead of passing unmutated), the run.mjs arguments that
 * select the steps able to see it, and the step that must fail (`caughtBy`, a regexp on its
 * name) — a mutant caught only by some unrelated step failing is not counted as caught.
 */
export const MUTANTS = [
  {
    name: 'empty table cells',
    file: 'webview/flowTable.ts',
    find: 'const text = col.text(row, this.time);',
    replace: "const text = '';",
    args: ['--only=main', '--samples=refused.pcap'],
    caughtBy: /flow table rows/,
  },
  {
    // Labels, frame numbers and the data-* attributes stay; only the drawn lines and heads go.
    name: 'diagram without arrows',
    file: 'src/render/sequenceParts.ts',
    find: 'export function arrowShape(row: DiagramRow, x1: number, y1: number, x2: number, y2: number): string {',
    replace: "export function arrowShape(row: DiagramRow, x1: number, y1: number, x2: number, y2: number): string {\n  if (row) return '';",
    args: ['--only=main', '--samples=refused.pcap'],
    caughtBy: /diagram's arrows/,
  },
  {
    name: 'missing story card',
    file: 'webview/summary.ts',
    find: 'for (const sv of overview.stories) list.append(storyCard(sv, actions));',
    replace: "for (const sv of overview.stories.filter((x) => x.story.kind !== 'hanging-connects')) list.append(storyCard(sv, actions));",
    args: ['--only=stories', '--stories=hanging-connects.pcap'],
    caughtBy: /hanging-connects story card/,
  },
  {
    // The capture editor still comes to the front; it keeps showing the flow shown before.
    name: 'Problems click reveals no flow',
    file: 'src/extension/reportNavigator.ts',
    find: 'if (flowId !== null) doc.revealFlow(flowId, findingId);',
    replace: 'if (flowId !== null) [...doc.panels][0]?.reveal(undefined, false);',
    args: ['--only=main', '--samples=refused.pcap'],
    caughtBy: /clicking a finding in Problems/,
  },
  {
    // The number stays, the unit is wrong: "9.86 ms" reads "9.86 µs".
    name: 'RTT shown in the wrong unit',
    file: 'webview/format.ts',
    find: ": formatDuration(seconds);",
    replace: ": formatDuration(seconds).replace(' ms', ' µs');",
    args: ['--only=main', '--samples=slow-server.pcap'],
    caughtBy: /flow table rows/,
  },
  {
    // The change points are found and listed as before; the chart draws no marker for them.
    name: 'change point not drawn',
    file: 'webview/seriesChart.ts',
    find: '    svg.append(mark);',
    replace: '    void mark;',
    args: ['--only=servers'],
    caughtBy: /Servers tab lists the slowed listener first/,
  },
  {
    // A followed capture's updates arrive (counts, Live indicator) but the table's pages are
    // not fetched again: rows never appear while tcpdump runs.
    name: 'live table not refreshed',
    file: 'webview/main.ts',
    find: '    table.refresh();',
    replace: '    void table;',
    args: ['--only=live-capture'],
    caughtBy: /rows and a Problems entry appear while tcpdump is still running/,
  },
  {
    // The verdict is computed and sent as before; the line that shows it stays hidden.
    name: 'verdict line missing',
    pending: 'verdict',
    file: 'webview/main.ts',
    find: '  verdictLine.hidden = false;',
    replace: '  verdictLine.hidden = true;',
    args: ['--only=verdicts', '--samples=refused.pcap'],
    caughtBy: /verdict line/,
  },
];

/** What the checkout contributes to a build of the extension (node_modules is linked). */
const COPY = ['package.json', 'esbuild.mjs', 'tsconfig.json', 'tsconfig.base.json', 'README.md', 'CHANGELOG.md', 'LICENSE',
  'src', 'webview', 'media', 'docs'];

function copyCheckout() {
  const dir = mkdtempSync(join(tmpdir(), 'synscope-mutant-'));
  for (const f of COPY) if (existsSync(join(repoRoot, f))) cpSync(join(repoRoot, f), join(dir, f), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function applyMutant(dir, m) {
  const path = join(dir, m.file);
  const text = readFileSync(path, 'utf8');
  const n = text.split(m.find).length - 1;
  if (n !== 1) throw new Error(`mutant "${m.name}": ${m.file} holds ${n} copies of ${JSON.stringify(m.find)} (needs exactly 1): update the mutant`);
  writeFileSync(path, text.replace(m.find, () => m.replace));
}

function build(dir) {
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build of ${dir} failed:\n${r.stdout}\n${r.stderr}`);
}

/** Runs run.mjs on an extension folder; resolves with its report.json (and exit code). */
function runE2E(extDir, args, out) {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [join(repoRoot, 'scripts/e2e/run.mjs'), `--ext=${extDir}`, '--bail', `--out=${out}`, ...args], {
      cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, E2E_TIMEOUT_MS: String(5 * 60_000) },
    });
    let log = '';
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    child.on('close', (code) => {
      writeFileSync(join(out, 'run.log'), log);
      let report = null;
      try { report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')); } catch { /* crashed before writing it */ }
      resolveRun({ code, report, log });
    });
  });
}

/** The union of the mutants' run arguments: the steps the unmutated build must pass. */
function baselineArgs(mutants) {
  const only = new Set();
  const samples = new Set();
  const stories = new Set();
  for (const m of mutants) {
    for (const a of m.args) {
      const [k, v] = a.replace(/^--/, '').split('=');
      const into = { only, samples, stories }[k];
      for (const x of v.split(',')) into.add(x);
    }
  }
  const args = [`--only=${[...only].join(',')}`];
  if (samples.size) args.push(`--samples=${[...samples].join(',')}`);
  if (stories.size) args.push(`--stories=${[...stories].join(',')}`);
  return args;
}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

async function main() {
  const { values: opts } = parseArgs({ options: { only: { type: 'string' }, keep: { type: 'boolean' } } });
  hardDeadline(30 * 60_000, 'test:mutants');
  const started = Date.now();
  if (!existsSync(join(repoRoot, 'dist', 'cli.js'))) throw new Error('dist/cli.js missing: npm run build (the expected values come from it)');
  const pick = opts.only?.split(',');
  const chosen = MUTANTS.filter((m) => !pick || pick.some((p) => m.name.includes(p)));
  const skipped = chosen.filter((m) => m.pending && !pending(m.pending));
  const active = chosen.filter((m) => !skipped.includes(m));
  for (const m of active) if (!m.find) throw new Error(`mutant "${m.name}" is switched on (SYNSCOPE_E2E_PENDING) but has no mutation written yet`);
  const outRoot = join(repoRoot, 'test-results', 'mutants');
  rmSync(outRoot, { recursive: true, force: true });
  mkdirSync(outRoot, { recursive: true });
  const copies = [];
  const cleanup = () => { if (!opts.keep) for (const d of copies) rmSync(d, { recursive: true, force: true }); };
  process.on('exit', cleanup);

  const results = [];
  // The unmutated copy first: a check that fails on a good build would "catch" every mutant.
  const runs = [{ name: 'unmutated', mutant: null, args: baselineArgs(active) }, ...active.map((m) => ({ name: m.name, mutant: m, args: m.args }))];
  for (const r of runs) {
    const t0 = Date.now();
    const dir = copyCheckout();
    copies.push(dir);
    if (r.mutant) applyMutant(dir, r.mutant);
    build(dir);
    const out = join(outRoot, slug(r.name));
    mkdirSync(out, { recursive: true });
    console.log(`\n${r.mutant ? 'mutant' : 'baseline'}: ${r.name}  (run.mjs ${r.args.join(' ')})`);
    const { code, report } = await runE2E(dir, r.args, out);
    const failed = report?.steps.filter((s) => !s.ok) ?? [];
    let verdict;
    if (!r.mutant) {
      verdict = code === 0 && report?.ok ? 'passed' : 'FAILED';
    } else if (failed.some((s) => r.mutant.caughtBy.test(s.name))) {
      verdict = 'caught';
    } else {
      verdict = failed.length ? 'caught by the wrong step' : 'NOT caught';
    }
    const s = Math.round((Date.now() - t0) / 1000);
    for (const f of failed) console.log(`    ✘ ${f.name}: ${f.error}`);
    console.log(`  → ${verdict} (${s} s)`);
    results.push({ name: r.name, args: r.args, verdict, seconds: s, failed: failed.map((f) => ({ step: f.name, error: f.error })) });
    rmSync(dir, { recursive: true, force: true });
  }
  const ok = results.every((r) => r.verdict === (r.name === 'unmutated' ? 'passed' : 'caught'));
  const summary = {
    ok, seconds: Math.round((Date.now() - started) / 1000), date: new Date().toISOString(),
    results, skipped: skipped.map((m) => ({ name: m.name, waitsFor: m.pending })),
  };
  writeFileSync(join(outRoot, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log('\nmutants:');
  for (const r of results) console.log(`  ${r.verdict.padEnd(24)} ${r.name} (${r.seconds} s)`);
  for (const m of skipped) console.log(`  ${'skipped'.padEnd(24)} ${m.name} (waits for ${m.pending}: SYNSCOPE_E2E_PENDING=${m.pending})`);
  console.log(`test:mutants ${ok ? 'passed' : 'FAILED'} in ${summary.seconds} s; results in test-results/mutants/`);
  process.exit(ok ? 0 : 1);
}

await main();
